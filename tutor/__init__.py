"""tutor: a terminal tutor and autograder for the mathematics of training neural networks."""

__version__ = "0.1.0"
