"""Ember's CPU threads: an op splits its work into parts that run at once, on the worker
threads of NumPy's own OpenBLAS.

Why OpenBLAS's threads and not a pool of our own: after every multi-threaded product
OpenBLAS keeps its workers spinning for about 0.1 s, waiting for the next one (the
library's loop never yields the core). A thread of Ember's own on those cores shares
them with a spinning worker and gets little done: an LSTM's time loop split over two
threads took 4.4 ms with the worker spinning against 4.2 ms unsplit. OpenBLAS exports
``gotoblas_pthread``, which hands a C function to its workers, so the spinning worker
itself runs Ember's part and picks it up within microseconds; fused attention split
that way ran in 0.51-0.56x the time of one thread right after a product.

One exception: a product of a few rows by a large matrix (a one-sample predict), which
OpenBLAS never threads, is shared with a worker thread of Ember's own
(``ember.ops.kernels.row_product``). That worker spins only for a few ms after such a
product, and the caller waits only for a chunk the worker has already begun: a worker
that is asleep or busy leaves the caller to do every chunk.

While a split runs, OpenBLAS is set to one thread, so a part's own products (the LSTM's
per-step ``cblas_sgemm``) run single-threaded: a worker asked for a nested
multi-threaded product would wait for itself. On leaving, OpenBLAS gets its count back.
Only one split runs at a time in the process; inside it (in a part, or on another
thread meanwhile) ``parts()`` is 1, so nothing nests.

Only OpenBLAS's pthreads build has this entry point (NumPy's and SciPy's wheels on
Linux). With another BLAS, an OpenMP build, one BLAS thread (``OPENBLAS_NUM_THREADS=1``),
or ``ember.config.threading.set_intra_op_parallelism_threads(1)``, ``parts()`` is 1 and
every op runs as one part, as before.
"""
from __future__ import annotations

import ctypes
import os
import threading
from collections.abc import Callable
from typing import Any

_STATE: dict[str, Any] = {"blas": None, "threads": 0, "cpus": 0}
_SECTION = threading.Lock()         # held while a split runs
_JOB: dict[str, Any] = {}           # the running split: "fn" and the first "error"


class _OpenBlas:
    """NumPy's OpenBLAS: ``get()`` / ``set(n)`` for its thread count, its threads
    (``workers``, counting the caller's; None without ``gotoblas_pthread``), the entry
    point that runs C functions on them (``run``), and the addresses of ``cblas_sgemm``
    and ``cblas_sgemv`` (0 if missing) with whether they take 64-bit integers."""

    def __init__(self, lib: Any, get: Any, set_: Any):
        self.get, self.set = get, set_
        self.sgemm, self.sgemv, self.ilp64 = 0, 0, False
        for prefix, ilp64 in (("scipy_cblas_s", True), ("cblas_s", True),
                              ("scipy_cblas_s", False), ("cblas_s", False)):
            suffix = "64_" if ilp64 else ""
            fn = getattr(lib, f"{prefix}gemm{suffix}", None)
            if fn is not None:
                self.sgemm = ctypes.cast(fn, ctypes.c_void_p).value or 0
                gemv = getattr(lib, f"{prefix}gemv{suffix}", None)
                self.sgemv = (ctypes.cast(gemv, ctypes.c_void_p).value or 0) if gemv else 0
                self.ilp64 = ilp64
                break
        self.run = getattr(lib, "gotoblas_pthread", None)
        self.workers = None
        if self.run is not None:
            try:
                self.workers = ctypes.c_int.in_dll(lib, "blas_num_threads")
            except ValueError:
                self.run = None
            else:
                self.run.restype = ctypes.c_int
                self.run.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p,
                                     ctypes.c_int]


def _find_openblas() -> _OpenBlas | None:
    try:
        with open("/proc/self/maps") as f:     # the libraries this process has loaded
            paths = {line.split()[-1] for line in f
                     if "openblas" in line.rsplit("/", 1)[-1].lower() and ".so" in line}
    except OSError:
        return None
    for path in sorted(paths, key=lambda p: ("numpy" not in p, p)):   # NumPy's first
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix in ("scipy_openblas", "openblas"):
            for suffix in ("64_", ""):
                get = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
                set_ = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
                if get is not None and set_ is not None:
                    get.restype, get.argtypes = ctypes.c_int, []
                    set_.restype, set_.argtypes = None, [ctypes.c_int]
                    return _OpenBlas(lib, get, set_)
    return None


def openblas() -> _OpenBlas | None:
    """NumPy's OpenBLAS, when this process has one (Linux; None elsewhere)."""
    if _STATE["blas"] is None:
        import numpy  # noqa: F401 - NumPy loads its BLAS on import
        _STATE["blas"] = _find_openblas() or False
    return _STATE["blas"] or None


def thread_count() -> int:
    """The most threads one op splits its work over: the intra-op count set in
    ``ember.config.threading``, else the CPUs this process may use (read once: the
    system call, 1.7 us, would cost more than a small op).

    >>> thread_count() >= 1
    True
    """
    if _STATE["threads"]:
        return _STATE["threads"]
    if not _STATE["cpus"]:
        try:
            _STATE["cpus"] = len(os.sched_getaffinity(0))
        except AttributeError:      # macOS, Windows
            _STATE["cpus"] = os.cpu_count() or 1
    return _STATE["cpus"]


def set_thread_count(count: int) -> None:
    """Split work over at most ``count`` threads (0: every CPU this process may use).

    >>> set_thread_count(0)
    """
    _STATE["threads"] = max(0, int(count))


def parts() -> int:
    """How many parts an op should split its work into now: 1 while a split runs (in a
    part, or on another thread meanwhile), without OpenBLAS's threads, or with one
    thread; else the threads OpenBLAS has and is set to use, at most ``thread_count()``.

    >>> parts() >= 1
    True
    """
    blas = _STATE["blas"]
    if blas is None:
        blas = openblas()
    if not blas or blas.run is None or _SECTION.locked():
        return 1
    return max(1, min(thread_count(), blas.workers.value, blas.get()))


def _part(index_address: int) -> None:
    """The C callback each OpenBLAS thread runs: part ``k`` of the running split."""
    k = ctypes.c_int64.from_address(index_address).value
    try:
        _JOB["fn"](k)
    except BaseException as e:  # noqa: BLE001 - raised in the calling thread
        _JOB.setdefault("error", e)


_PART = ctypes.CFUNCTYPE(None, ctypes.c_void_p)(_part)
_PART_ADDRESS = ctypes.cast(_PART, ctypes.c_void_p).value
_INDICES = (ctypes.c_int64 * 64)(*range(64))


def parallel(fn: Callable[[int], Any], count: int) -> None:
    """Run ``fn(0) ... fn(count - 1)`` at once, ``fn(0)`` in the calling thread and the
    others on OpenBLAS's threads (``count`` at most ``parts()``); the first exception,
    an interrupt too, is raised here after every part has finished. Where the threads
    cannot be used, the parts run one after another here.

    >>> out = [0, 0]
    >>> def part(k): out[k] = k + 1
    >>> parallel(part, 2); out
    [1, 2]
    """
    blas = openblas() if count > 1 else None
    if blas is None or blas.run is None or count > min(blas.workers.value, 64) \
            or not _SECTION.acquire(blocking=False):
        for k in range(count):
            fn(k)
        return
    try:
        _JOB["fn"] = fn
        before = blas.get()
        blas.set(1)         # the parts' own BLAS calls stay on their thread
        try:
            blas.run(count, _PART_ADDRESS, ctypes.addressof(_INDICES), 8)
        finally:
            blas.set(before)
        error = _JOB.pop("error", None)
    finally:
        _JOB.clear()
        _SECTION.release()
    if error is not None:
        raise error


def parallel_ranges(size: int, run: Callable[[int, int], Any], most: int) -> None:
    """``run(lo, hi)`` over near-equal ranges covering ``range(size)``, at once: one range
    per thread, ``parts()`` ranges at most and ``most`` at most (1: one call, here).

    >>> seen = []
    >>> parallel_ranges(10, lambda lo, hi: seen.append((lo, hi)), 1); seen
    [(0, 10)]
    """
    count = max(1, min(parts(), most))
    cuts = [size * p // count for p in range(count + 1)]
    parallel(lambda p: run(cuts[p], cuts[p + 1]), count)
