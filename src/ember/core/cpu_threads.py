"""Ember's own CPU threads: a small pool that splits one op's work across the cores,
and the switch that makes NumPy's BLAS single-threaded while the pool runs.

Why not leave the second core to the BLAS: OpenBLAS (NumPy's BLAS in its wheels) keeps
its worker threads spinning for about 0.1 s after every multi-threaded product, so a
thread of Ember's own gets nothing done on those cores; and OpenBLAS runs the work
between products, such as an LSTM's cell steps, on one core. Inside
``parallel_region()`` OpenBLAS is set to one thread, its workers time out and sleep, and
the ops that can split their work (matrix products in ``ember.ops.gemm``, the LSTM's
whole time loop by batch rows) run their parts on this pool. On leaving, OpenBLAS gets
its thread count back. A compiled step enters a region only when it runs an LSTM
(``ember.graph.plan``): a large product alone is no faster split here than on
OpenBLAS's own threads, and for some shapes (a short inner dimension) 1.1-1.3x slower.

Only OpenBLAS is switched (found among the libraries NumPy loaded); with another BLAS, or
one core, or ``ember.config.threading.set_intra_op_parallelism_threads(1)``, regions do
nothing and every op runs as before.
"""
from __future__ import annotations

import contextlib
import ctypes
import os
import threading
from collections.abc import Callable, Iterator
from typing import Any

_STATE: dict[str, Any] = {"blas": None, "pool": None, "owner": None, "threads": 0}
_LOCAL = threading.local()          # ``busy``: this thread is running a pool part
_REGION = threading.Lock()          # one thread at a time has a region


class _OpenBlas:
    """``get()`` / ``set(n)`` for the thread count of the OpenBLAS NumPy loaded, and the
    address of its ``cblas_sgemm`` (0 if missing) with whether it takes 64-bit ints."""

    def __init__(self, lib: Any, get: Any, set_: Any):
        self.get, self.set = get, set_
        self.sgemm, self.ilp64 = 0, False
        for name, ilp64 in (("scipy_cblas_sgemm64_", True), ("cblas_sgemm64_", True),
                            ("scipy_cblas_sgemm", False), ("cblas_sgemm", False)):
            fn = getattr(lib, name, None)
            if fn is not None:
                self.sgemm = ctypes.cast(fn, ctypes.c_void_p).value or 0
                self.ilp64 = ilp64
                break


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
    """How many threads ``parallel`` splits work over: the intra-op count set in
    ``ember.config.threading``, else the CPUs this process may use.

    >>> thread_count() >= 1
    True
    """
    if _STATE["threads"]:
        return _STATE["threads"]
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:      # macOS, Windows
        return os.cpu_count() or 1


def set_thread_count(count: int) -> None:
    """Split work over ``count`` threads (0: every CPU this process may use).

    >>> set_thread_count(0)
    """
    _STATE["threads"] = max(0, int(count))
    pool = _STATE["pool"]
    if pool is not None and pool.size != thread_count():
        _STATE["pool"] = None       # its workers exit after their current wait
        pool.close()


class _Worker:
    def __init__(self):
        self.go = threading.Semaphore(0)
        self.done = threading.Semaphore(0)
        self.job: tuple = (None, 0)
        self.error: BaseException | None = None
        threading.Thread(target=self._loop, daemon=True, name="ember-cpu").start()

    def _loop(self) -> None:
        _LOCAL.busy = True
        while True:
            self.go.acquire()
            fn, part = self.job
            if fn is None:
                return
            try:
                fn(part)
            except BaseException as e:  # noqa: BLE001 - re-raised in the calling thread
                self.error = e
            self.done.release()


class _Pool:
    """``size - 1`` worker threads; part 0 of every split runs in the calling thread.
    A pool whose caller stopped waiting (an interrupt) is ``broken`` and replaced."""

    def __init__(self, size: int):
        self.size = size
        self.workers = [_Worker() for _ in range(size - 1)]
        self.lock = threading.Lock()
        self.broken = False

    def run(self, fn: Callable[[int], Any], parts: int) -> None:
        busy = self.workers[:parts - 1]
        for k, w in enumerate(busy, start=1):
            w.job = (fn, k)
            w.go.release()
        error = None
        _LOCAL.busy = True
        try:
            fn(0)
        except Exception as e:  # noqa: BLE001 - raised after the workers finish
            error = e
        except BaseException:   # an interrupt: the workers are left to finish alone
            self.broken = True
            raise
        finally:
            _LOCAL.busy = False
        try:
            for w in busy:
                w.done.acquire()
        except BaseException:
            self.broken = True
            raise
        for w in busy:
            if w.error is not None and error is None:
                error = w.error
            w.error = None
        if error is not None:
            raise error

    def close(self) -> None:
        for w in self.workers:
            w.job = (None, 0)
            w.go.release()


def parts() -> int:
    """How many parts an op should split its work into here: 1 outside a
    ``parallel_region``, inside a pool part, or in a thread other than the region's.

    >>> parts()
    1
    """
    pool = _STATE["pool"]
    if (pool is None or _STATE["owner"] != threading.get_ident()
            or getattr(_LOCAL, "busy", False)):
        return 1
    return pool.size


def parallel(fn: Callable[[int], Any], count: int) -> None:
    """Run ``fn(0) ... fn(count - 1)`` at once, one per pool thread (``count`` at most
    ``parts()``; the caller runs ``fn(0)``); the first exception is raised here after
    every part has finished.

    >>> out = [0, 0]
    >>> def part(k): out[k] = k + 1
    >>> parallel(part, 1); out
    [1, 0]
    """
    pool = _STATE["pool"]
    if count <= 1 or pool is None or not pool.lock.acquire(blocking=False):
        for k in range(count):
            fn(k)
        return
    try:
        pool.run(fn, min(count, pool.size))
    finally:
        if pool.broken and _STATE["pool"] is pool:
            _STATE["pool"] = None       # its workers may still be busy: a new one
        pool.lock.release()


def enter_region() -> int | None:
    """Start a parallel region on this thread (see ``parallel_region``); returns a token
    for ``leave_region``, or None when the pool is not used (one CPU, no OpenBLAS found,
    another thread's region running, or already inside one).

    >>> leave_region(enter_region())
    """
    size = thread_count()
    blas = openblas() if size > 1 else None
    if blas is None or not _REGION.acquire(blocking=False):
        return None
    try:
        if _STATE["pool"] is None:
            _STATE["pool"] = _Pool(size)
        before = blas.get()
        blas.set(1)
    except BaseException:
        _REGION.release()
        raise
    _STATE["owner"] = threading.get_ident()
    return before


def leave_region(token: int | None) -> None:
    """End the region ``enter_region`` started (nothing for a None token)."""
    if token is None:
        return
    _STATE["owner"] = None
    try:
        _STATE["blas"].set(token)
    finally:
        _REGION.release()


@contextlib.contextmanager
def parallel_region() -> Iterator[bool]:
    """Within the block, ops on this thread split their work over Ember's pool and
    OpenBLAS runs single-threaded; yields whether the pool is in use.

    >>> with parallel_region() as used:
    ...     used in (True, False)
    True
    """
    token = enter_region()
    try:
        yield token is not None
    finally:
        leave_region(token)
