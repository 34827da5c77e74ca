"""The function zoo: the test functions every lesson optimises, looked up by name.

Each function is written once, in SymPy syntax, in `zoo.toml`; `scripts/gen_zoo.py` differentiates
it symbolically and writes the compiled kernels in `zoo_kernels.py`, so no hand-typed derivative can
drift from its function. This module is the light Python face of that data: it reads the TOML with
the standard library and must not import SymPy (the tutor's start-up stays fast). Numba is pulled
in only when a value is first computed, by importing the kernels lazily.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from types import ModuleType
from typing import Any

import numpy as np

Point = tuple[float, ...]


class UnknownFunction(ValueError):
    """Raised by `get` for a name that is not in the zoo; the message lists the valid names."""


def _kernels() -> ModuleType:
    """Import the compiled kernels on first use, so importing the zoo does not start numba."""
    from tutor.engine import zoo_kernels

    return zoo_kernels


@dataclass(frozen=True)
class ZooFunction:
    """One zoo function: its description from `zoo.toml` and fast access to its derivatives.

    `minima` holds (point, kind) pairs with kind "global" or "local"; `saddles` holds points.
    Data-defined losses (linreg) also carry the per-sample expression and the data columns, and
    the loss is the mean of the sample expression over the rows.
    """

    name: str
    fid: int
    title: str
    variables: tuple[str, ...]
    expression: str
    box: tuple[tuple[float, float], ...]
    minima: tuple[tuple[Point, str], ...]
    saddles: tuple[Point, ...] = ()
    sample_expression: str | None = None
    data_symbols: tuple[str, ...] = ()
    data: dict[str, tuple[float, ...]] = field(default_factory=dict, hash=False, compare=False)

    @property
    def dim(self) -> int:
        """Number of coordinates of a point."""
        return len(self.variables)

    @property
    def n_samples(self) -> int:
        """Number of data rows the loss averages over; 0 for functions without data."""
        return len(next(iter(self.data.values()))) if self.data else 0

    def point(self, x: Sequence[float] | np.ndarray | float) -> np.ndarray:
        """`x` as the contiguous float64 array the kernels need, after checking its length.

        A bare number is accepted for one-dimensional functions, as a convenience for lessons.
        """
        arr = np.asarray(x, dtype=np.float64)
        if arr.ndim == 0 and self.dim == 1:
            arr = arr.reshape(1)
        if arr.shape != (self.dim,):
            raise ValueError(
                f"{self.name} takes a point with {self.dim} coordinate(s) "
                f"({', '.join(self.variables)}); got an input of shape {arr.shape}"
            )
        return np.ascontiguousarray(arr)

    def indices(self, idx: Sequence[int] | np.ndarray) -> np.ndarray:
        """Sample indices as an int64 array, checked: the kernels do no bounds checking."""
        arr = np.asarray(idx)
        if arr.ndim != 1 or (arr.size and arr.dtype.kind not in "iu"):
            raise ValueError(f"sample indices must be a 1-D sequence of integers, got {idx!r}")
        arr = arr.astype(np.int64)
        if self.n_samples:
            if arr.size == 0:
                raise ValueError("a minibatch needs at least one sample index")
            if arr.min() < 0 or arr.max() >= self.n_samples:
                raise ValueError(
                    f"{self.name} has {self.n_samples} samples; indices must lie in "
                    f"0..{self.n_samples - 1}, got {arr.tolist()}"
                )
        return np.ascontiguousarray(arr)

    def value(self, x: Sequence[float] | np.ndarray | float) -> float:
        """f(x)."""
        return float(_kernels().value(self.fid, self.point(x)))

    def grad(self, x: Sequence[float] | np.ndarray | float) -> np.ndarray:
        """∇f(x) as a new array of length `dim`."""
        out = np.empty(self.dim)
        _kernels().grad(self.fid, self.point(x), out)
        return out

    def hess(self, x: Sequence[float] | np.ndarray | float) -> np.ndarray:
        """The Hessian of f at x as a new (dim, dim) array."""
        out = np.empty((self.dim, self.dim))
        _kernels().hess(self.fid, self.point(x), out)
        return out

    def batch_value(
        self, x: Sequence[float] | np.ndarray | float, idx: Sequence[int] | np.ndarray
    ) -> float:
        """Mean loss over the samples `idx`; functions without data ignore `idx`."""
        return float(_kernels().batch_value(self.fid, self.point(x), self.indices(idx)))

    def batch_grad(
        self, x: Sequence[float] | np.ndarray | float, idx: Sequence[int] | np.ndarray
    ) -> np.ndarray:
        """Minibatch gradient: mean over the samples `idx` (full gradient without data)."""
        out = np.empty(self.dim)
        _kernels().batch_grad(self.fid, self.point(x), self.indices(idx), out)
        return out

    def grid(self, n: int = 101) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Values on an n-point-per-axis grid over the box, for contour and curve plots.

        Returns (xs, ys, Z) with Z[j, i] = f(xs[i], ys[j]). For one-dimensional functions ys is
        empty and Z has the single row Z[0, i] = f(xs[i]).
        """
        if n < 2:
            raise ValueError(f"a grid needs at least 2 points per axis, got {n}")
        xs = np.linspace(*self.box[0], n)
        ys = np.linspace(*self.box[1], n) if self.dim == 2 else np.empty(0)
        z = np.empty((n if self.dim == 2 else 1, n))
        _kernels().value_grid(self.fid, xs, ys, z)
        return xs, ys, z


def _point(values: Sequence[Any]) -> Point:
    return tuple(float(v) for v in values)


def _build(fid: int, table: dict[str, Any]) -> ZooFunction:
    """One `[[function]]` table as a ZooFunction."""
    sample = table.get("sample_expression")
    data = {k: _point(v) for k, v in table.get("data", {}).items()}
    if sample is not None:
        n = len(next(iter(data.values())))
        expression = f"mean over {n} samples of {sample}"
    else:
        expression = table["expression"]
    return ZooFunction(
        name=table["name"],
        fid=fid,
        title=table["title"],
        variables=tuple(table["variables"]),
        expression=expression,
        box=tuple((float(lo), float(hi)) for lo, hi in table["box"]),
        minima=tuple((_point(m["point"]), m["kind"]) for m in table.get("minima", [])),
        saddles=tuple(_point(s) for s in table.get("saddles", [])),
        sample_expression=sample,
        data_symbols=tuple(table.get("data_symbols", ())),
        data=data,
    )


@cache
def load() -> tuple[ZooFunction, ...]:
    """All zoo functions in file order, so that `load()[fid].fid == fid`."""
    text = resources.files("tutor.engine").joinpath("zoo.toml").read_text(encoding="utf-8")
    return tuple(_build(fid, t) for fid, t in enumerate(tomllib.loads(text)["function"]))


@cache
def _by_name() -> dict[str, ZooFunction]:
    return {f.name: f for f in load()}


def names() -> list[str]:
    """The zoo's function names, in fid order."""
    return [f.name for f in load()]


def get(name: str) -> ZooFunction:
    """The zoo function called `name`, or UnknownFunction listing the valid names."""
    try:
        return _by_name()[name]
    except KeyError:
        raise UnknownFunction(
            f"unknown function {name!r}; choose one of: {', '.join(names())}"
        ) from None
