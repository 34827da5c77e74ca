"""The autograder behind `tutor grade`: student code runs only in sandboxed child processes.

`grader.sandbox` runs a submission's exercise files in confined children and returns validated
NumPy arrays; `grader.protocol` is the wire format between parent and child; `grader.child` is
the child's entry point. Importing this package imports nothing else (the child imports it too).
"""
