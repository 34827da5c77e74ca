"""The numeric core: update rules (numba kernels), the function zoo and the trajectory runner.

It knows nothing of lessons, the UI or grading, so every other layer can trust one implementation.
"""
