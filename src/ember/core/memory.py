"""Host memory: keep freed array memory in the process instead of returning it at once.

NumPy allocates every large array with ``malloc``; glibc serves blocks above its mmap
threshold (128 KiB to start) with fresh pages from the kernel and gives them back on
``free``, so each training step pays a page fault per 4 KiB of every new activation and
gradient (measured here: ~1 ms per MB, a third of an MLP train step). Raising the mmap
and trim thresholds lets freed blocks be reused, as the caching allocators of other
frameworks do. Set ``EMBER_TUNE_MALLOC=0`` to leave the allocator alone.
"""
from __future__ import annotations

import os
import sys

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_MMAP_THRESHOLD = 256 << 20   # blocks below 256 MiB come from the reusable heap
_TRIM_THRESHOLD = 1 << 30     # return heap memory to the OS only past 1 GiB free

_tuned = False


def tune_allocator() -> bool:
    """Raise glibc's mmap/trim thresholds once per process; True if it took effect.

    >>> isinstance(tune_allocator(), bool)
    True
    """
    global _tuned
    if _tuned:
        return True
    if os.environ.get("EMBER_TUNE_MALLOC", "1") == "0" or not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes
        libc = ctypes.CDLL("libc.so.6")
        ok = libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD) == 1 and \
            libc.mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD) == 1
    except (OSError, AttributeError):   # not glibc (musl, ...): nothing to tune
        return False
    _tuned = ok
    return ok
