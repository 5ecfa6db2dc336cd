"""A few rows times a large float32 matrix (a one-sample predict's dense layer), split
between the calling thread and one worker thread of Ember's own.

Such a product reads the whole matrix once per call for little arithmetic, so one core's
memory bandwidth sets its time: 1x784 by 784x512 took 19-21 us here (about 80 GB/s), and
the two cores together did it in 10 us. OpenBLAS does not split it (it is below its
threading threshold). Handing half to OpenBLAS's own workers (``cpu_threads.parallel``)
made the caller wait for a worker that was asleep or busy: on a busy machine, predict
then took 41-60 us against 42-55 us unsplit.

So the matrix's rows are cut into eight chunks, and the two threads claim chunks from
opposite ends of one shared word by compare-and-exchange: the caller from the front,
the worker from the back. When the worker is late, asleep or descheduled, the caller
takes every chunk itself, and waits only for a chunk the worker has already begun. As
long as both keep pace, each thread does the same chunks on every call, so each core
keeps its half of the matrix in its own cache. Each chunk is one ``cblas_sgemv`` per row
into a partial sum of its own, and the caller adds the partial sums in chunk order, so
the result is the same whichever thread did which chunk. (Chunks of columns would need
no sum, but a column chunk is a strided slice of a row-major matrix. ``sgemv`` on eight
such slices took 17-22 us, against 10 us on eight row chunks.)

``chain`` runs dense layers one after another (``ember.ops.dense_chain``) in one
compiled call, each layer's product shared this way and its bias and ReLU added by the
caller as it sums the parts: no Python between the layers.

The worker runs compiled code without the GIL. After its last chunk it spins for about
3 ms, then naps in 0.1 ms sleeps for about a second, then waits in Python until the next
product wakes it.
"""
from __future__ import annotations

import atexit
import ctypes
import os
import threading
from typing import Any

import numpy as np
from numba import njit

from . import atomics
from .blas import gemv_address, sgemv_t

# the control block, int64 words; fields written by different threads on their own lines
_CLAIM = 0           # generation << 48 | next front chunk << 24 | one past the last back one
_WORKING = 8         # the generation whose chunks the worker is claiming, else 0
_STATE_AT = 16       # _AWAKE, _ASLEEP (waiting in Python) or _STOPPING
_JOB = 24            # a, b, partial sums' addresses; m, k, n; chunk rows; strides; sgemv
_AWAKE, _ASLEEP, _STOPPING = 0, 1, 2
_GEN_SHIFT, _FRONT_SHIFT, _MASK = 48, 24, (1 << 24) - 1

_CHUNKS = 8                 # the rows of the matrix are cut into this many chunks
_NO_BIAS = np.zeros(0, np.float32)
_CHAIN_SPLIT_FROM = 1 << 16   # a chain shares a matrix of this many elements or more
_SPIN_CYCLES = 1 << 23      # about 3 ms of spinning after the last chunk
_NAPS, _NAP_US = 10000, 100  # then about a second of 0.1 ms naps


@njit(inline="always", cache=True)
def _chunk(ctl, c):
    """Chunk ``c`` of the job in ``ctl``: rows ``c * size`` on of its matrix, times the
    same columns of each of its rows, into partial sum ``c``."""
    a_at, b_at, parts_at = ctl[_JOB], ctl[_JOB + 1], ctl[_JOB + 2]
    m, k, n, size = ctl[_JOB + 3], ctl[_JOB + 4], ctl[_JOB + 5], ctl[_JOB + 6]
    lda, ldb, fn, ilp64 = ctl[_JOB + 7], ctl[_JOB + 8], ctl[_JOB + 9], ctl[_JOB + 10] != 0
    lo = c * size
    hi = min(k, lo + size)
    for r in range(m):
        sgemv_t(fn, ilp64, hi - lo, n, b_at + 4 * lo * ldb, ldb, a_at + 4 * (r * lda + lo),
                parts_at + 4 * (c * m + r) * n)


@njit(nogil=True, cache=True)
def _serve(ctl, usleep):
    """The worker: take chunks from the back of each new job; return after spinning and
    then napping that long with no job, or when asked to stop."""
    seen = atomics.load(ctl, _CLAIM) >> _GEN_SHIFT
    idle_since = atomics.cycles()
    naps = 0
    while atomics.load(ctl, _STATE_AT) != _STOPPING:
        gen = atomics.load(ctl, _CLAIM) >> _GEN_SHIFT
        if gen == seen:
            if atomics.cycles() - idle_since < _SPIN_CYCLES:
                atomics.pause()
            elif naps < _NAPS and usleep != 0:
                atomics.call_int(usleep, _NAP_US)
                naps += 1
            else:
                return
            continue
        seen = gen
        atomics.store(ctl, _WORKING, gen)
        while True:
            word = atomics.load(ctl, _CLAIM)
            back = word & _MASK
            if word >> _GEN_SHIFT != gen or (word >> _FRONT_SHIFT) & _MASK >= back:
                break
            if atomics.compare_exchange(ctl, _CLAIM, word, word - 1):
                _chunk(ctl, back - 1)
        atomics.store(ctl, _WORKING, 0)
        idle_since = atomics.cycles()
        naps = 0


@njit(nogil=True, cache=True)
def _stage(ctl, a, b, bias, relu, chunks, fn, ilp64, out):
    """The caller's side of ``out = a @ b`` (plus ``bias`` unless it is empty, then ReLU
    if ``relu``) in ``chunks`` chunks: publish the job, take chunks from the front until
    none is left, wait for a chunk the worker is still computing, then add the partial
    products up in chunk order. (The caller passes ``out`` in: returning a new array
    costs a microsecond of boxing.)"""
    m, k, n = a.shape[0], a.shape[1], b.shape[1]
    size = (k + chunks - 1) // chunks
    count = (k + size - 1) // size
    parts = np.empty((count, m, n), np.float32)
    ctl[_JOB], ctl[_JOB + 1], ctl[_JOB + 2] = a.ctypes.data, b.ctypes.data, parts.ctypes.data
    ctl[_JOB + 3], ctl[_JOB + 4], ctl[_JOB + 5], ctl[_JOB + 6] = m, k, n, size
    ctl[_JOB + 7], ctl[_JOB + 8] = a.strides[0] // 4, b.strides[0] // 4
    ctl[_JOB + 9], ctl[_JOB + 10] = fn, ilp64
    gen = (atomics.load(ctl, _CLAIM) >> _GEN_SHIFT) % 32767 + 1      # never 0
    atomics.store(ctl, _CLAIM, (gen << _GEN_SHIFT) | count)
    while True:
        word = atomics.load(ctl, _CLAIM)
        front = (word >> _FRONT_SHIFT) & _MASK
        if front >= word & _MASK:
            break
        if atomics.compare_exchange(ctl, _CLAIM, word, word + (1 << _FRONT_SHIFT)):
            _chunk(ctl, front)
    while atomics.load(ctl, _WORKING) == gen:
        atomics.pause()
    for r in range(m):
        for j in range(n):
            out[r, j] = parts[0, r, j]
        for c in range(1, count):
            for j in range(n):
                out[r, j] += parts[c, r, j]
        if bias.size:
            for j in range(n):
                out[r, j] += bias[j]
        if relu:
            for j in range(n):
                out[r, j] = max(out[r, j], np.float32(0.0))


@njit(nogil=True, cache=True)
def _chain(ctl, x, kernels, biases, relus, split_from, fn, ilp64, out):
    """Dense layers one after another into ``out``, all in compiled code: each stage's
    matrix of ``split_from`` elements or more is shared with the worker, a smaller one
    is one ``sgemv`` per row here."""
    h = x
    last = len(kernels) - 1
    for i in range(last + 1):
        w = kernels[i]
        into = out if i == last else np.empty((x.shape[0], w.shape[1]), np.float32)
        _stage(ctl, h, w, biases[i], relus[i], _CHUNKS if w.size >= split_from else 1, fn,
               ilp64, into)
        h = into


class _Worker:
    """The worker thread and its control block (one per process; none after a fork)."""

    def __init__(self):
        block = np.zeros(64 + 8, np.int64)
        skip = (-block.ctypes.data % 64) // 8          # the block starts on a cache line
        self.ctl = block[skip:skip + 64]
        self.wake = threading.Event()
        try:
            self.usleep = ctypes.cast(ctypes.CDLL(None).usleep, ctypes.c_void_p).value or 0
        except (OSError, AttributeError):
            self.usleep = 0
        self.thread = threading.Thread(target=self._loop, name="ember-row-product",
                                       daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        ctl = self.ctl
        while ctl[_STATE_AT] != _STOPPING:
            _serve(ctl, self.usleep)
            if ctl[_STATE_AT] == _STOPPING:
                return
            ctl[_STATE_AT] = _ASLEEP
            self.wake.wait()
            self.wake.clear()
            if ctl[_STATE_AT] == _ASLEEP:
                ctl[_STATE_AT] = _AWAKE

    def stop(self) -> None:
        self.ctl[_STATE_AT] = _STOPPING
        self.wake.set()


_LOCK = threading.Lock()        # one product at a time uses the worker
_STATE: dict[str, Any] = {"worker": None, "gemv": None}


def _forget_worker() -> None:
    _STATE["worker"] = None     # a forked child has no thread of its parent's


os.register_at_fork(after_in_child=_forget_worker)


@atexit.register
def _stop() -> None:
    if _STATE["worker"] is not None:
        _STATE["worker"].stop()


def product(a: Any, b: Any) -> np.ndarray | None:
    """``a @ b`` for float32 matrices ``a`` (a few rows) and ``b`` (unit column stride in
    both), split by the rows of ``b`` with the worker thread; None when it cannot be
    done so (another thread is using the worker, strides or ``sgemv`` missing).

    >>> a = np.ones((1, 300), np.float32); b = np.ones((300, 400), np.float32)
    >>> out = product(a, b)
    >>> out is None or float(out[0, 0]) == 300.0
    True
    """
    fn, ilp64 = _gemv()
    k = a.shape[1]
    if (not fn or a.strides[1] != 4 or b.strides[1] != 4 or a.strides[0] % 4
            or b.strides[0] % 4 or k != b.shape[0] or k == 0):
        return None
    if not _LOCK.acquire(blocking=False):
        return None
    try:
        out = np.empty((a.shape[0], b.shape[1]), np.float32)
        _stage(_awake_worker().ctl, a, b, _NO_BIAS, False, _CHUNKS, fn, ilp64, out)
        return out
    finally:
        _LOCK.release()


def chain(x: Any, kernels: tuple, biases: tuple, relus: tuple,
          use_worker: bool = True) -> np.ndarray | None:
    """Dense layers in turn on float32 rows ``x``: ``h = h @ kernels[i] + biases[i]``
    (no add where the bias is None), then ReLU where ``relus[i]`` (a tuple of bools),
    every layer in one compiled call, each matrix of 256 KB or more shared with the
    worker thread (the caller does it all without ``use_worker`` or when another thread
    is using the worker; the result is the same). None when it cannot be done so (a
    matrix not C-contiguous, shapes that do not chain, no ``sgemv``).

    >>> x = np.ones((1, 4), np.float32)
    >>> out = chain(x, (np.ones((4, 3), np.float32),), (np.ones(3, np.float32),), (True,))
    >>> out is None or out.tolist() == [[5.0, 5.0, 5.0]]
    True
    """
    fn, ilp64 = _gemv()
    if x.ndim != 2:
        return None
    width = x.shape[1]
    # every line here runs with cold caches (the products push them out): few checks
    for w, b in zip(kernels, biases):
        if w.ndim != 2 or (b is not None and b.ndim != 1):
            return None
        n = w.shape[1]
        if w.shape[0] != width or w.strides[1] != 4 or w.strides[0] != 4 * n or (
                b is not None and (b.shape[0] != n or b.strides[0] != 4)):
            return None
        width = n
    if not fn or not kernels or x.shape[1] == 0:
        return None
    if any(b is None for b in biases):
        biases = tuple(_NO_BIAS if b is None else b for b in biases)
    x = np.ascontiguousarray(x)
    out = np.empty((x.shape[0], width), np.float32)
    if not use_worker or not _LOCK.acquire(blocking=False):
        _chain(np.zeros(64, np.int64), x, kernels, biases, relus, _CHAIN_SPLIT_FROM, fn,
               ilp64, out)                            # no worker reads this block
        return out
    try:
        _chain(_awake_worker().ctl, x, kernels, biases, relus, _CHAIN_SPLIT_FROM, fn, ilp64,
               out)
    finally:
        _LOCK.release()
    return out


def _gemv() -> tuple[int, int]:
    gemv = _STATE["gemv"]
    if gemv is None:
        fn, ilp64 = gemv_address()
        gemv = _STATE["gemv"] = (fn, int(ilp64))
    return gemv


def _awake_worker() -> _Worker:
    """The worker (started on first use), woken if it sleeps; hold ``_LOCK``."""
    worker = _STATE["worker"]
    if worker is None:
        worker = _STATE["worker"] = _Worker()
    elif worker.ctl[_STATE_AT] == _ASLEEP:
        worker.wake.set()
    return worker


def warm_up() -> None:
    """Compile both sides now, on a control block of their own: the caller's side runs
    a tiny product alone, and the worker's returns at once, asked to stop.

    >>> warm_up()
    """
    fn, ilp64 = _gemv()
    if not fn:
        return
    ctl = np.zeros(64, np.int64)
    _stage(ctl, np.ones((1, 2), np.float32), np.ones((2, 3), np.float32), _NO_BIAS, False,
           1, fn, ilp64, np.empty((1, 3), np.float32))
    ctl[_STATE_AT] = _STOPPING
    _serve(ctl, 0)
