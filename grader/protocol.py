"""The wire format between the grader (parent) and its sandboxed child: frames, never pickle.

A frame is

    u32 big-endian H | H bytes: a JSON object (UTF-8), the header | payload: raw array bytes

The header's "arrays" list describes the payload: one ``{"dtype": name, "shape": [ints]}`` per
array, in order; the payload is their C-order bytes, concatenated, in the machine's byte order
(parent and child always run on the same machine). Only the dtypes in `DTYPES` travel, with at
most `MAX_NDIM` axes and a caller-given bound on the elements, so a header can never make the
reader allocate more than it agreed to. Everything else in a header is plain JSON (str, int,
float, bool, None, lists, objects); nothing is ever unpickled or evaluated.

Both sides use this module; it imports only the standard library and NumPy. The parent treats
every frame from the child as hostile: `FrameReader` validates sizes before buffering, and
`decode_arrays` rebuilds arrays with `np.frombuffer` from the whitelist only.
"""

from __future__ import annotations

import json
import math
import struct
from collections.abc import Sequence
from typing import Any

import numpy as np

DTYPES: dict[str, np.dtype] = {
    "float32": np.dtype(np.float32),
    "float64": np.dtype(np.float64),
    "int64": np.dtype(np.int64),
    "bool": np.dtype(np.bool_),
}
MAX_HEADER = 256 * 1024  # bytes of JSON in one header
MAX_NDIM = 8
_LEN = struct.Struct(">I")
_JOIN_BELOW = 1 << 16


class ProtocolError(Exception):
    """A frame that breaks the format: its message says what was wrong, in one line."""


def dtype_name(dtype: np.dtype) -> str | None:
    """The wire name of a whitelisted dtype (native byte order), else None."""
    for name, allowed in DTYPES.items():
        if dtype == allowed and dtype.byteorder in ("=", "|", allowed.byteorder):
            return name
    return None


def encode(header: dict[str, Any], arrays: Sequence[np.ndarray] = ()) -> list[bytes | memoryview]:
    """The parts of one frame (write them in order). Arrays must be C-contiguous, whitelisted."""
    specs = []
    blobs: list[bytes | memoryview] = []
    for a in arrays:
        name = dtype_name(a.dtype)
        if name is None:
            raise ProtocolError(f"dtype {a.dtype} cannot be sent")
        if not a.flags.c_contiguous:
            raise ProtocolError("arrays must be C-contiguous")
        specs.append({"dtype": name, "shape": list(a.shape)})
        if a.size:
            blobs.append(memoryview(a).cast("B") if a.ndim else a.tobytes())
    body = json.dumps({**header, "arrays": specs}, separators=(",", ":")).encode()
    if len(body) > MAX_HEADER:
        raise ProtocolError(f"header of {len(body)} bytes exceeds {MAX_HEADER}")
    parts = [_LEN.pack(len(body)), body, *blobs]
    if sum(len(p) for p in parts) <= _JOIN_BELOW:  # one write, one wake-up of the reader
        return [b"".join(parts)]
    return parts


Spec = tuple[np.dtype, tuple[int, ...]]


def array_specs(header: dict[str, Any], max_elements: int) -> list[Spec]:
    """Validate a header's array descriptions; return (dtype, shape) pairs."""
    specs = header.get("arrays", [])
    if type(specs) is not list:
        raise ProtocolError("'arrays' is not a list")
    out = []
    total = 0
    for spec in specs:
        if type(spec) is not dict or set(spec) != {"dtype", "shape"}:
            raise ProtocolError("an array description must be {dtype, shape}")
        name, shape = spec["dtype"], spec["shape"]
        if type(name) is not str or name not in DTYPES:
            raise ProtocolError(f"dtype {str(name)[:40]!r} is not one of {', '.join(DTYPES)}")
        if type(shape) is not list or len(shape) > MAX_NDIM:
            raise ProtocolError(f"a shape must be a list of at most {MAX_NDIM} sizes")
        if any(type(n) is not int or n < 0 for n in shape):
            raise ProtocolError("a shape must hold non-negative integers")
        count = math.prod(shape)
        total += count
        if total > max_elements:
            raise ProtocolError(f"arrays of {total} elements exceed the limit of {max_elements}")
        out.append((DTYPES[name], tuple(shape)))
    return out


def payload_size(specs: Sequence[Spec]) -> int:
    return sum(math.prod(shape) * dtype.itemsize for dtype, shape in specs)


def decode_header(body: bytes) -> dict[str, Any]:
    try:
        header = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        raise ProtocolError(f"the header is not JSON ({type(err).__name__})") from None
    if type(header) is not dict:
        raise ProtocolError("the header is not a JSON object")
    return header


def decode_arrays(specs: Sequence[Spec], payload: bytearray) -> list[np.ndarray]:
    """Writable arrays over (slices of) `payload`, exactly as `array_specs` validated them."""
    out = []
    offset = 0
    for dtype, shape in specs:
        n = math.prod(shape) * dtype.itemsize
        buf = payload[offset:offset + n]
        offset += n
        out.append(np.frombuffer(buf, dtype=dtype).reshape(shape))
    if offset != len(payload):
        raise ProtocolError("the payload does not match the array descriptions")
    return out


class FrameReader:
    """Incremental, bounded parser: `feed(bytes)`, then `pop()` complete frames.

    Raises ProtocolError as soon as the bytes cannot be a valid frame (oversized header, bad JSON,
    arrays beyond `max_elements`), so a hostile writer cannot make the reader buffer more than
    one agreed frame.
    """

    def __init__(self, max_elements: int) -> None:
        self.max_elements = max_elements
        self._buf = bytearray()
        self._header: dict[str, Any] | None = None
        self._specs: list[Spec] = []
        self._need = 0
        self.frames: list[tuple[dict[str, Any], list[np.ndarray]]] = []
        self._error: ProtocolError | None = None

    @property
    def pending(self) -> bool:
        """Bytes received that do not form a complete frame (or did not parse)."""
        return bool(self._buf) or self._error is not None

    def feed(self, data: bytes) -> None:
        """Add bytes. Raises ProtocolError at invalid bytes, unless complete frames came before
        them: those are delivered by `pop()` first, and the error is raised when they are gone."""
        if self._error is not None:
            raise self._error
        self._buf += data
        try:
            self._parse()
        except ProtocolError as err:
            self._error = err
            if not self.frames:
                raise

    def _parse(self) -> None:
        while True:
            if self._header is None:
                if len(self._buf) < 4:
                    return
                (size,) = _LEN.unpack_from(self._buf)
                if not 2 <= size <= MAX_HEADER:
                    raise ProtocolError(f"a header of {size} bytes (limit {MAX_HEADER})")
                if len(self._buf) < 4 + size:
                    return
                header = decode_header(bytes(self._buf[4:4 + size]))
                self._specs = array_specs(header, self.max_elements)
                self._need = payload_size(self._specs)
                del self._buf[:4 + size]
                self._header = header
            if len(self._buf) < self._need:
                return
            payload = self._buf[:self._need]
            del self._buf[:self._need]
            self.frames.append((self._header, decode_arrays(self._specs, payload)))
            self._header = None

    def pop(self) -> tuple[dict[str, Any], list[np.ndarray]] | None:
        """The oldest complete frame, or None if there is none (yet)."""
        if self.frames:
            return self.frames.pop(0)
        if self._error is not None:
            raise self._error
        return None


def write_frame(fd: int, header: dict[str, Any], arrays: Sequence[np.ndarray] = ()) -> None:
    """Blocking write of one frame to a file descriptor (the child's side)."""
    import os

    for part in encode(header, arrays):
        view = memoryview(part)
        while view:
            n = os.write(fd, view)
            view = view[n:]


def read_frame(fd: int, max_elements: int) -> tuple[dict[str, Any], list[np.ndarray]] | None:
    """Blocking read of one frame (the child's side); None at end of file."""
    import os

    def exactly(n: int) -> bytearray | None:
        buf = bytearray()
        while len(buf) < n:
            chunk = os.read(fd, min(n - len(buf), 1 << 20))
            if not chunk:
                return None
            buf += chunk
        return buf

    head = exactly(4)
    if head is None:
        return None
    (size,) = _LEN.unpack(head)
    if not 2 <= size <= MAX_HEADER:
        raise ProtocolError(f"a header of {size} bytes")
    body = exactly(size)
    if body is None:
        raise ProtocolError("end of file inside a frame")
    header = decode_header(bytes(body))
    specs = array_specs(header, max_elements)
    n = payload_size(specs)
    payload = exactly(n) if n else bytearray()
    if payload is None:
        raise ProtocolError("end of file inside a frame")
    return header, decode_arrays(specs, payload)
