"""Random numbers from a counter-based generator (Philox4x32-10), and dropout.

Every random op is a pure function of a seed pair: the ``stateless_*`` ops take it from
the caller; the stateful ops (``normal``, ``uniform``, ...) derive a fresh pair for each
call from the global seed, the op seed and a call counter, following TensorFlow's rules:

- no global seed and no op seed: a non-deterministic pair;
- a global seed (``set_seed``): every call gets a pair determined by the global seed and
  the position of the call in the sequence of random ops since ``set_seed``;
- an op seed without a global seed: the op seed with a fixed default global seed;
- both: the pair of them. Repeated calls with the same op seed give new numbers (a
  counter per op seed), and ``set_seed`` starts every counter again.

The bits come from Philox4x32-10 (Salmon et al., 2011) computed with the array module,
so the same seed gives the same bits on every run and machine, with NumPy or CuPy.
"""
from __future__ import annotations

import enum
import math
import secrets
from typing import Any

import numpy as np

from ..core.dtypes import from_numpy, to_numpy
from ..core.errors import InvalidArgumentError
from ..core.tensor import Tensor
from . import primitive as _prim_mod
from .primitive import primitive

_M32 = 0xFFFFFFFF
_M64 = 0xFFFFFFFFFFFFFFFF
_PHILOX_M0, _PHILOX_M1 = 0xD2511F53, 0xCD9E8D57
_PHILOX_W0, _PHILOX_W1 = 0x9E3779B9, 0xBB67AE85
_DEFAULT_GLOBAL_SEED = 87654321
# stream tags keep the seed pairs of different sources apart
_TAG_OP, _TAG_AUTO, _TAG_GEN, _TAG_FROM_SEED, _TAG_GLOBAL_GEN = 1, 2, 3, 4, 5
_TRUNCATED_ROUND = 1 << 40   # counter blocks apart between truncated-normal redraws


# -- Philox4x32-10 -------------------------------------------------------------------------
def _philox(xp, key: tuple, ctr_hi: tuple, start: int, n_blocks: int):
    """``4 * n_blocks`` 32-bit words (uint64 array) of Philox4x32-10.

    Block ``i`` uses the counter ``(start + i) mod 2**64`` in its two low words and
    ``ctr_hi`` in its two high words, under the 64-bit ``key`` (two 32-bit words). More
    than a few blocks on the CPU run as one compiled loop (``kernels/philox.py``) when
    the kernels are on, else as array operations; the words are the same.
    """
    if n_blocks <= _SMALL_BLOCKS:     # a few blocks: Python integers beat 80 tiny ufuncs
        words = _philox_small(key, ctr_hi, start, n_blocks)
        return xp.asarray(np.array(words, dtype=np.uint64))
    if xp is np:
        from .kernels import kernels_for
        compiled = kernels_for("philox")
        if compiled is not None:
            return compiled.words(key, ctr_hi, start, n_blocks)
    return _philox_arrays(xp, key, ctr_hi, start, n_blocks)


_SMALL_BLOCKS = 16


def _philox_small(key: tuple, ctr_hi: tuple, start: int, n_blocks: int) -> list:
    """``_philox`` for a few blocks, one block at a time in Python integers (the same
    words, bit for bit)."""
    out = []
    h2, h3 = ctr_hi[0] & _M32, ctr_hi[1] & _M32
    for i in range(n_blocks):
        ctr = (start + i) & _M64
        c0, c1, c2, c3 = ctr & _M32, ctr >> 32, h2, h3
        k0, k1 = key[0] & _M32, key[1] & _M32
        for r in range(10):
            if r:
                k0 = (k0 + _PHILOX_W0) & _M32
                k1 = (k1 + _PHILOX_W1) & _M32
            p0 = c0 * _PHILOX_M0
            p1 = c2 * _PHILOX_M1
            c0, c1, c2, c3 = (p1 >> 32) ^ c1 ^ k0, p1 & _M32, (p0 >> 32) ^ c3 ^ k1, p0 & _M32
        out += (c0, c1, c2, c3)
    return out


def _philox_arrays(xp, key: tuple, ctr_hi: tuple, start: int, n_blocks: int):
    """``_philox`` vectorized over the blocks."""
    u64 = xp.uint64
    idx = xp.arange(n_blocks, dtype=u64) + u64(start & _M64)
    c0 = idx & u64(_M32)
    c1 = idx >> u64(32)
    c2 = xp.full(n_blocks, ctr_hi[0] & _M32, dtype=u64)
    c3 = xp.full(n_blocks, ctr_hi[1] & _M32, dtype=u64)
    k0, k1 = key[0] & _M32, key[1] & _M32
    m0, m1, mask, s32 = u64(_PHILOX_M0), u64(_PHILOX_M1), u64(_M32), u64(32)
    for r in range(10):
        if r:
            k0 = (k0 + _PHILOX_W0) & _M32
            k1 = (k1 + _PHILOX_W1) & _M32
        p0 = c0 * m0
        p1 = c2 * m1
        c0, c1, c2, c3 = ((p1 >> s32) ^ c1 ^ u64(k0), p1 & mask,
                          (p0 >> s32) ^ c3 ^ u64(k1), p0 & mask)
    return xp.stack([c0, c1, c2, c3], axis=-1).reshape(-1)


def _words(xp, seed: tuple, n: int, start: int = 0):
    """``n`` 32-bit words (uint64 array) of the stream named by a 128-bit seed pair."""
    a, b = seed[0] & _M64, seed[1] & _M64
    blocks = (n + 3) // 4
    w = _philox(xp, (a & _M32, a >> 32), (b & _M32, b >> 32), start, blocks)
    return w[:n]


def _to_int64(v: int) -> int:
    v &= _M64
    return v - (1 << 64) if v >= (1 << 63) else v


def _mix(key: int, c_lo: int, c_hi: int) -> tuple:
    """A seed pair from a 64-bit key and a 128-bit counter (one Philox block)."""
    w = _philox_small((key & _M32, (key >> 32) & _M32), (c_hi & _M32, (c_hi >> 32) & _M32),
                      c_lo & _M64, 1)
    return _to_int64(w[0] | (w[1] << 32)), _to_int64(w[2] | (w[3] << 32))


# -- turning words into numbers -------------------------------------------------------------
def _uniform01(xp, seed, n, wide, start=0):
    """``n`` floats in [0, 1): 24-bit float32 (``wide`` False) or 53-bit float64."""
    if not wide:
        w = _words(xp, seed, n, start)
        return (w >> xp.uint64(8)).astype(xp.float32) * xp.float32(2.0 ** -24)
    w = _words(xp, seed, 2 * n, start)
    hi = (w[0::2] >> xp.uint64(5)).astype(xp.float64)
    lo = (w[1::2] >> xp.uint64(6)).astype(xp.float64)
    return (hi * 67108864.0 + lo) * (2.0 ** -53)


def _normals(xp, seed, n, wide, start=0):
    """``n`` standard normal float64 values (Box-Muller)."""
    m = (n + 1) // 2
    u = _uniform01(xp, seed, 2 * m, wide, start).astype(xp.float64)
    step = 2.0 ** -53 if wide else 2.0 ** -24
    u1 = u[0::2] + step           # (0, 1]: safe in the log
    u2 = u[1::2]
    r = xp.sqrt(-2.0 * xp.log(u1))
    theta = (2.0 * np.pi) * u2
    return xp.concatenate([r * xp.cos(theta), r * xp.sin(theta)])[:n]


def _is_wide(dtype) -> bool:
    return dtype == np.float64


@primitive(name="random_sample")
def _sample(xp, seed, shape=(), dtype=np.dtype(np.float32), dist="uniform", a=0.0, b=1.0):
    s = tuple(int(v) for v in seed.tolist())
    n = math.prod(shape)
    wide = _is_wide(dtype)
    if dist == "uniform":
        u = _uniform01(xp, s, n, wide)
        if a != 0.0 or b != 1.0:
            ct = xp.float64 if wide else xp.float32
            u = ct(a) + (ct(b) - ct(a)) * u
            u = xp.minimum(u, xp.nextafter(ct(b), ct(a))) if b > a else u
        out = u.astype(dtype)
    elif dist in ("normal", "truncated_normal"):
        z = _normals(xp, s, n, wide)
        if dist == "truncated_normal":
            bad = xp.nonzero(xp.abs(z) > 2.0)[0]
            r = 1
            while bad.size:
                redraw = _normals(xp, s, int(bad.size), wide, start=r * _TRUNCATED_ROUND)
                z[bad] = redraw
                bad = bad[xp.abs(redraw) > 2.0]
                r += 1
        out = (z * b + a).astype(dtype)
    elif dist == "int":
        # a <= x < b; 64 random bits per value, taken modulo the range
        w = _words(xp, s, 2 * n)
        v = (w[0::2] << xp.uint64(32)) | w[1::2]
        span = b - a
        out = ((v % xp.uint64(span)).astype(xp.int64) + a).astype(dtype) if span < (1 << 63) \
            else (v % xp.uint64(span) + xp.uint64(a & _M64)).astype(dtype)
    elif dist == "full_int":
        if dtype.itemsize <= 4:
            out = _words(xp, s, n).astype(xp.uint32).view(xp.int32 if dtype.kind == "i" else
                                                         xp.uint32).astype(dtype)
        else:
            w = _words(xp, s, 2 * n)
            v = (w[0::2] << xp.uint64(32)) | w[1::2]
            out = v.view(xp.int64 if dtype.kind == "i" else xp.uint64)
    else:  # pragma: no cover - internal
        raise ValueError(f"unknown distribution {dist!r}")
    return out.reshape(shape)


# -- dropout masks --------------------------------------------------------------------------
_FIELD_WIDTHS = (1, 2, 4, 8, 16)


def _dyadic_width(rate: float) -> int | None:
    """The narrowest field width ``f`` (bits) with ``rate * 2**f`` a whole number, or None."""
    for f in _FIELD_WIDTHS:
        if float(rate * (1 << f)).is_integer():
            return f
    return None


@primitive(name="random_keep_mask")
def _keep_mask(xp, seed, shape=(), rate=0.5, dtype=np.dtype(np.float32), scale=None):
    """1 (or ``scale``, rounded to float32/64 as dropout's scale is) where kept, else 0."""
    s = tuple(int(v) for v in seed.tolist())
    n = math.prod(shape)
    f = _dyadic_width(rate)
    if f is None:
        # 24 bits per element: exactly ``stateless_uniform(float32) >= rate``, compared as
        # integers (u = (w >> 8) * 2**-24 against the float32 rate)
        w = _words(xp, s, n)
        cut = int(np.ceil(float(np.float32(rate)) * (1 << 24)))
        keep = (w >> xp.uint64(8)) >= xp.uint64(cut)
    else:
        # rate = j / 2**f exactly: an f-bit field v is kept when v >= j, probability
        # exactly 1 - rate, so each 32-bit word serves 32 / f elements
        fields = _bit_fields(xp, _words(xp, s, -(-n // (32 // f))), f)
        keep = fields[:n] >= int(rate * (1 << f))
    keep = keep.reshape(shape)
    if scale is None:
        return keep.astype(dtype)
    # 0 or 1 times the scale, not ``where``: with a random mask where's branches miss
    # half the time (128x1600 elements: 724 us against 30 us)
    sdt = xp.float64 if dtype == np.float64 else xp.float32
    out = keep.astype(sdt)
    out *= sdt(scale)
    return out.astype(dtype, copy=False)


def _bit_fields(xp, words, f: int):
    """The ``f``-bit fields of 32-bit ``words`` (uint64 array), low bits first: 32 / f
    small unsigned integers per word, the same on every machine."""
    # little-endian bytes whatever the machine (CuPy's devices are little-endian)
    b = words.astype(np.dtype("<u4") if xp is np else xp.uint32).view(xp.uint8)
    if f == 16:
        return b.view(np.dtype("<u2") if xp is np else xp.uint16)
    if f == 8:
        return b
    if f == 1:
        return xp.unpackbits(b, bitorder="little")
    shifts = xp.arange(0, 8, f, dtype=xp.uint8)
    return ((b[:, None] >> shifts) & xp.uint8((1 << f) - 1)).reshape(-1)


def stateless_keep_mask(shape: Any, seed: Any, rate: float, dtype: Any = "float32") -> Tensor:
    """A dropout mask, a pure function of ``seed`` (shape [2]): 1 with probability
    ``1 - rate``, else 0, in ``dtype``.

    Where ``rate`` times a power of two up to 2**16 is a whole number (0.5, 0.25, 0.125,
    ...), each element takes only that many random bits, so one 32-bit Philox word covers
    up to 32 elements; other rates take 24 bits, exactly as ``stateless_uniform(shape,
    seed) >= rate``. The Keras dropout layers draw their masks here.

    >>> import ember
    >>> m = stateless_keep_mask([10000], seed=[1, 2], rate=0.5)
    >>> 0.47 < float(ember.reduce_mean(m)) < 0.53
    True
    """
    op = "random.stateless_keep_mask"
    if not _is_py_number(rate) or not 0.0 <= float(rate) < 1.0:
        raise ValueError(f"ember.{op}: rate must be a number in [0, 1); got {rate!r}")
    return _keep_mask(_seed_tensor(_stateless_seed(seed, op)), shape=_shape_tuple(shape, op),
                      rate=float(rate), dtype=to_numpy(dtype))


@primitive(name="random_categorical")
def _categorical(xp, seed, logits, num_samples=1, dtype=np.dtype(np.int64)):
    s = tuple(int(v) for v in seed.tolist())
    b, c = logits.shape
    lg = logits.astype(xp.float64)
    mx = xp.max(lg, axis=-1, keepdims=True)
    mx = xp.where(xp.isfinite(mx), mx, 0.0)
    p = xp.exp(lg - mx)
    cdf = xp.cumsum(p, axis=-1)
    total = cdf[:, -1:]
    cdf = cdf / xp.where(total > 0, total, 1.0)
    u = _uniform01(xp, s, b * num_samples, True).reshape(b, num_samples)
    # one search over all rows: row i lives in [2i, 2i + 1]
    offs = 2.0 * xp.arange(b, dtype=xp.float64)[:, None]
    idx = xp.searchsorted((cdf + offs).reshape(-1), (u + offs).reshape(-1), side="right")
    idx = idx.reshape(b, num_samples) - (xp.arange(b) * c)[:, None]
    return xp.minimum(idx, c - 1).astype(dtype)


@primitive(name="random_shuffle")
def _shuffle(xp, seed, value):
    if value.ndim == 0:
        return value
    s = tuple(int(v) for v in seed.tolist())
    n = value.shape[0]
    w = _words(xp, s, 2 * n)
    keys = (w[0::2] << xp.uint64(32)) | w[1::2]
    return value[xp.argsort(keys, kind="stable")]


# -- seeds -----------------------------------------------------------------------------------
class _SeedState:
    global_seed: int | None = None
    auto_counter = 0
    counts: dict = {}


_state = _SeedState()
_global_generator = None


def _int_seed(value: Any, what: str, op: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if hasattr(value, "_value"):
        value = np.asarray(value)
    try:
        arr = np.asarray(value)
        if arr.ndim != 0 or arr.dtype.kind not in "iu":
            raise TypeError
        return int(arr)
    except (TypeError, ValueError):
        raise TypeError(f"ember.{op}: {what} must be an integer; got {value!r}") from None


def set_seed(seed: int | None) -> None:
    """Set the global random seed: after it, the sequence of random ops (with or without
    op seeds) and of the global Generator repeats exactly on every run.

    ``set_seed(None)`` goes back to non-deterministic numbers.

    >>> import ember
    >>> ember.random.set_seed(1); a = ember.random.uniform([2])
    >>> ember.random.set_seed(1); b = ember.random.uniform([2])
    >>> bool(ember.reduce_all(a == b))
    True
    """
    global _global_generator
    _state.global_seed = None if seed is None else _int_seed(seed, "seed", "random.set_seed")
    _state.auto_counter = 0
    _state.counts = {}
    _global_generator = None


def _op_seed_pair(seed: Any, op: str) -> tuple:
    """The seed pair for one call of a stateful random op (TensorFlow's seed rules)."""
    gs = _state.global_seed
    if gs is None and seed is None:
        return _to_int64(secrets.randbits(64)), _to_int64(secrets.randbits(64))
    if gs is None:
        gs = _DEFAULT_GLOBAL_SEED
    if seed is None:
        _state.auto_counter += 1
        op_seed, tag = _state.auto_counter, _TAG_AUTO
    else:
        op_seed, tag = _int_seed(seed, "seed", op), _TAG_OP
    k = (gs, op_seed, tag)
    count = _state.counts.get(k, 0)
    _state.counts[k] = count + 1
    return _mix(gs, (count << 3) | tag, op_seed)


def pipeline_seed(seed: Any, op: str) -> list | None:
    """The two 64-bit words seeding a random input-pipeline stage (``ember.data``'s
    shuffles and samplers) under TF's seed rules: None when neither the global seed nor
    ``seed`` is set (a fresh order every run); with only the global seed, a fresh pair per
    stage in creation order; with ``seed``, the pair (global seed or a default, seed).

    >>> import ember
    >>> from ember.ops.random import pipeline_seed
    >>> ember.random.set_seed(None); pipeline_seed(None, "shuffle") is None
    True
    >>> pipeline_seed(5, "shuffle")
    [87654321, 5]
    """
    gs = _state.global_seed
    if seed is None and gs is None:
        return None
    if seed is None:
        a, b = _op_seed_pair(None, op)
        return [a & 0xFFFFFFFFFFFFFFFF, b & 0xFFFFFFFFFFFFFFFF]
    gs = _DEFAULT_GLOBAL_SEED if gs is None else gs
    return [int(gs) & 0xFFFFFFFFFFFFFFFF, int(seed) & 0xFFFFFFFFFFFFFFFF]


def _stateless_seed(seed: Any, op: str):
    if _prim_mod.is_traced(seed):   # a seed computed inside a graph
        if tuple(seed._value.shape) != (2,) or seed._value.dtype.kind not in "iu":
            raise InvalidArgumentError(
                f"ember.{op}: seed must be a shape [2] integer tensor (e.g. [1, 2]); got "
                f"shape {tuple(seed._value.shape)} {seed._value.dtype.name}")
        from .elementwise import cast
        return cast(seed, np.int64)
    try:
        arr = np.asarray(seed)
    except (TypeError, ValueError):
        arr = np.asarray(None)
    if arr.shape != (2,) or arr.dtype.kind not in "iu":
        got = (f"shape {tuple(arr.shape)} {arr.dtype.name}" if arr.dtype.kind != "O"
               else repr(seed)[:60])
        raise InvalidArgumentError(
            f"ember.{op}: seed must be a shape [2] integer tensor (e.g. [1, 2]); got {got}")
    return _to_int64(int(arr[0])), _to_int64(int(arr[1]))


def _seed_tensor(pair: Any) -> Tensor:
    if isinstance(pair, Tensor):
        return pair
    return Tensor(np.array(pair, dtype=np.int64))


def _stateful_seed(seed: Any, op: str) -> Tensor:
    """The seed tensor of one call of a stateful op (TensorFlow's seed rules)."""
    return _fresh_seed(lambda: _op_seed_pair(seed, op))


def _fresh_seed(draw_pair) -> Tensor:
    """The seed tensor of one stateful draw: ``draw_pair()`` is called now, and, inside a
    traced ``ember.function``, again on every run of the graph (a new pair each call)."""
    if _prim_mod.STATE.tracing:
        return _prim_mod.STATE.tracing[-1].host_value(
            lambda: np.array(draw_pair(), dtype=np.int64), "random_seed")
    return Tensor(np.array(draw_pair(), dtype=np.int64))


def _shape_tuple(shape: Any, op: str) -> tuple:
    if hasattr(shape, "as_list"):
        shape = shape.as_list()
    if hasattr(shape, "_value"):
        shape = np.asarray(shape).tolist()
    if isinstance(shape, np.ndarray):
        shape = shape.tolist()
    if isinstance(shape, (int, np.integer)):
        shape = [shape]
    try:
        dims = tuple(_int_dim(d) for d in shape)
    except (TypeError, ValueError):
        raise TypeError(f"ember.{op}: shape must be a list of ints; got {shape!r}") from None
    if any(d < 0 for d in dims):
        raise InvalidArgumentError(f"ember.{op}: shape dimensions must be >= 0; got {dims}")
    return dims


def _int_dim(d: Any) -> int:
    """One dimension of a shape: an integer (a float such as 2.5 is refused, as in TF)."""
    if isinstance(d, (bool, np.bool_)) or not isinstance(d, (int, np.integer)):
        if hasattr(d, "_value") and np.asarray(d._value).dtype.kind in "iu":
            return int(d._value)
        raise TypeError
    return int(d)


def _float_dtype(dtype: Any, op: str) -> np.dtype:
    npd = to_numpy(dtype)
    if not (npd.kind == "f" or npd.name == "bfloat16"):
        raise TypeError(f"ember.{op}: dtype must be a floating point type; got "
                        f"{from_numpy(npd).name}")
    return npd


def _is_py_number(v: Any) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)


class Algorithm(enum.Enum):
    """The names TensorFlow gives its counter-based algorithms. Ember accepts each one
    (as the enum, its name or its number) and always computes Philox4x32-10."""
    PHILOX = 1
    THREEFRY = 2
    AUTO_SELECT = 3


_ALG_NAMES = {"philox": Algorithm.PHILOX, "threefry": Algorithm.THREEFRY,
              "auto_select": Algorithm.AUTO_SELECT}


def _check_alg(alg: Any, op: str) -> Algorithm:
    """The :class:`Algorithm` named by ``alg`` (None: Philox); anything else raises."""
    if alg is None:
        return Algorithm.PHILOX
    if isinstance(alg, Algorithm):
        return alg
    if isinstance(alg, str) and alg.lower() in _ALG_NAMES:
        return _ALG_NAMES[alg.lower()]
    if isinstance(alg, (int, np.integer)) and not isinstance(alg, bool) and \
            int(alg) in (1, 2, 3):
        return Algorithm(int(alg))
    raise ValueError(f"ember.{op}: argument `alg` got unsupported value {alg!r}; supported "
                     "values are 'philox' (or 1), 'threefry' (or 2) and 'auto_select' (or 3), "
                     "or an ember.random.Algorithm")


# -- the draws, given a seed pair -----------------------------------------------------------
def _draw_normal(pair, shape, mean, stddev, dtype, op, dist="normal"):
    npd = _float_dtype(dtype, op)
    seed = _seed_tensor(pair)
    if _is_py_number(mean) and _is_py_number(stddev):
        return _sample(seed, shape=shape, dtype=npd, dist=dist, a=float(mean), b=float(stddev))
    from .elementwise import cast
    z = _sample(seed, shape=shape, dtype=npd, dist=dist, a=0.0, b=1.0)
    return z * cast(stddev, npd) + cast(mean, npd)


def _draw_uniform(pair, shape, minval, maxval, dtype, op):
    npd = to_numpy(dtype)
    seed = _seed_tensor(pair)
    if npd.kind in "iu":
        if minval is None and maxval is None:
            return _sample(seed, shape=shape, dtype=npd, dist="full_int")
        if maxval is None:
            raise ValueError(f"ember.{op}: must specify maxval for integer dtype "
                             f"{from_numpy(npd).name}")
        lo = _int_seed(0 if minval is None else minval, "minval", op)
        hi = _int_seed(maxval, "maxval", op)
        if lo >= hi:
            raise InvalidArgumentError(f"ember.{op}: need minval < maxval; got minval={lo}, "
                                       f"maxval={hi}")
        return _sample(seed, shape=shape, dtype=npd, dist="int", a=lo, b=hi)
    npd = _float_dtype(npd, op)
    if minval is None:
        minval = 0.0
    if maxval is None:
        maxval = 1.0
    if _is_py_number(minval) and _is_py_number(maxval):
        return _sample(seed, shape=shape, dtype=npd, dist="uniform", a=float(minval),
                       b=float(maxval))
    from .elementwise import cast
    u = _sample(seed, shape=shape, dtype=npd, dist="uniform")
    lo, hi = cast(minval, npd), cast(maxval, npd)
    return u * (hi - lo) + lo


def _draw_categorical(pair, logits, num_samples, dtype, op):
    from .creation import convert_to_tensor
    logits = convert_to_tensor(logits)
    if len(logits.shape) != 2:
        raise InvalidArgumentError(f"ember.{op}: logits must be [batch_size, num_classes]; "
                                   f"got shape {tuple(logits.shape)}")
    if logits.shape[1] == 0:
        raise InvalidArgumentError(f"ember.{op}: logits need at least one class; got shape "
                                   f"{tuple(logits.shape)}")
    npd = np.dtype(np.int64) if dtype is None else to_numpy(dtype)
    if npd not in (np.dtype(np.int32), np.dtype(np.int64)):
        raise TypeError(f"ember.{op}: dtype must be int32 or int64; got {from_numpy(npd).name}")
    n = int(num_samples)
    if n < 0:
        raise InvalidArgumentError(f"ember.{op}: num_samples must be >= 0; got {n}")
    return _categorical(_seed_tensor(pair), logits, num_samples=n, dtype=npd)


# -- stateful ops (tf.random.*) -------------------------------------------------------------
def normal(shape: Any, mean: Any = 0.0, stddev: Any = 1.0, dtype: Any = "float32",
           seed: int | None = None, name=None) -> Tensor:
    """Normally distributed values.

    >>> import ember
    >>> ember.random.normal([2, 3], seed=1).shape
    TensorShape([2, 3])
    """
    shape = _shape_tuple(shape, "random.normal")
    return _draw_normal(_stateful_seed(seed, "random.normal"), shape, mean, stddev, dtype,
                        "random.normal")


def uniform(shape: Any, minval: Any = 0, maxval: Any = None, dtype: Any = "float32",
            seed: int | None = None, name=None) -> Tensor:
    """Uniform values in ``[minval, maxval)`` (``maxval`` defaults to 1 for floats and
    must be given for integer dtypes).

    >>> import ember
    >>> x = ember.random.uniform([3], 0, 10, dtype="int32", seed=1)
    >>> x.dtype
    ember.int32
    """
    shape = _shape_tuple(shape, "random.uniform")
    npd = to_numpy(dtype)
    if npd.kind in "iu" and maxval is None:
        raise ValueError(f"ember.random.uniform: must specify maxval for integer dtype "
                         f"{from_numpy(npd).name}")
    return _draw_uniform(_stateful_seed(seed, "random.uniform"), shape, minval, maxval, npd,
                         "random.uniform")


def truncated_normal(shape: Any, mean: Any = 0.0, stddev: Any = 1.0, dtype: Any = "float32",
                     seed: int | None = None, name=None) -> Tensor:
    """Normal values, redrawn where they fall more than two standard deviations from
    the mean.

    >>> import ember
    >>> x = ember.random.truncated_normal([1000], seed=1)
    >>> bool(ember.reduce_max(ember.abs(x)) <= 2.0)
    True
    """
    shape = _shape_tuple(shape, "random.truncated_normal")
    return _draw_normal(_stateful_seed(seed, "random.truncated_normal"), shape, mean, stddev,
                        dtype, "random.truncated_normal", dist="truncated_normal")


def categorical(logits: Any, num_samples: int, dtype: Any = None, seed: int | None = None,
                name=None) -> Tensor:
    """Draw ``num_samples`` class indices per row of ``logits`` [batch, classes]
    (unnormalized log-probabilities); int64 by default.

    >>> import ember
    >>> ember.random.categorical([[0., -1e9]], 3, seed=1).numpy().tolist()
    [[0, 0, 0]]
    """
    return _draw_categorical(_stateful_seed(seed, "random.categorical"), logits, num_samples,
                             dtype, "random.categorical")


def shuffle(value: Any, seed: int | None = None, name=None) -> Tensor:
    """A random permutation of ``value`` along its first axis.

    >>> import ember
    >>> sorted(ember.random.shuffle([1, 2, 3], seed=1).numpy().tolist())
    [1, 2, 3]
    """
    return _shuffle(_stateful_seed(seed, "random.shuffle"), value)


# -- stateless ops ---------------------------------------------------------------------------
def stateless_normal(shape: Any, seed: Any, mean: Any = 0.0, stddev: Any = 1.0,
                     dtype: Any = "float32", name=None, alg: str = "auto_select") -> Tensor:
    """Normal values, a pure function of ``seed`` (shape [2]).

    >>> import ember
    >>> a = ember.random.stateless_normal([3], seed=[1, 2])
    >>> b = ember.random.stateless_normal([3], seed=[1, 2])
    >>> bool(ember.reduce_all(a == b))
    True
    """
    op = "random.stateless_normal"
    _check_alg(alg, op)
    return _draw_normal(_stateless_seed(seed, op), _shape_tuple(shape, op), mean, stddev,
                        dtype, op)


def stateless_uniform(shape: Any, seed: Any, minval: Any = 0, maxval: Any = None,
                      dtype: Any = "float32", name=None, alg: str = "auto_select") -> Tensor:
    """Uniform values in ``[minval, maxval)``, a pure function of ``seed`` (shape [2]).

    For integer dtypes ``maxval`` is needed, unless both bounds are None: then the full
    range of the dtype is used.

    >>> import ember
    >>> ember.random.stateless_uniform([2], seed=[1, 2]).shape
    TensorShape([2])
    """
    op = "random.stateless_uniform"
    _check_alg(alg, op)
    npd = to_numpy(dtype)
    if npd.kind in "iu" and (minval is None) != (maxval is None):
        raise ValueError(f"ember.{op}: for integer dtype {from_numpy(npd).name}, minval and "
                         f"maxval must both be None (the full range) or both be given; got "
                         f"minval={minval!r}, maxval={maxval!r}")
    return _draw_uniform(_stateless_seed(seed, op), _shape_tuple(shape, op), minval, maxval,
                         npd, op)


def stateless_truncated_normal(shape: Any, seed: Any, mean: Any = 0.0, stddev: Any = 1.0,
                               dtype: Any = "float32", name=None,
                               alg: str = "auto_select") -> Tensor:
    """Truncated normal values (within two standard deviations), a pure function of
    ``seed``.

    >>> import ember
    >>> ember.random.stateless_truncated_normal([2], seed=[3, 4]).shape
    TensorShape([2])
    """
    op = "random.stateless_truncated_normal"
    _check_alg(alg, op)
    return _draw_normal(_stateless_seed(seed, op), _shape_tuple(shape, op), mean, stddev,
                        dtype, op, dist="truncated_normal")


def stateless_categorical(logits: Any, num_samples: int, seed: Any, dtype: Any = "int64",
                          name=None) -> Tensor:
    """Class indices drawn from ``logits`` [batch, classes], a pure function of ``seed``.

    >>> import ember
    >>> ember.random.stateless_categorical([[0., 0.]], 4, seed=[1, 2]).shape
    TensorShape([1, 4])
    """
    op = "random.stateless_categorical"
    return _draw_categorical(_stateless_seed(seed, op), logits, num_samples, dtype, op)


# -- Generator -------------------------------------------------------------------------------
def _key_from_seed(seed: Any) -> int:
    """A 64-bit key from an int or a list of ints (each folded in through Philox)."""
    if hasattr(seed, "_value"):
        seed = np.asarray(seed)
    vals = np.asarray(seed).reshape(-1).tolist() if not isinstance(seed, int) else [seed]
    key = 0
    for i, v in enumerate(vals):
        a, b = _mix(key, (i << 3) | _TAG_FROM_SEED, int(v) & _M64)
        key = a & _M64
    return key


class Generator:
    """A random number generator whose state is a key and a counter (a Variable).

    Each draw uses the stream named by (key, counter) and advances the counter by one,
    so a generator made ``from_seed`` gives the same numbers on every run.

    >>> import ember
    >>> g = ember.random.Generator.from_seed(1)
    >>> g.normal([2]).shape
    TensorShape([2])
    """

    def __init__(self, copy_from: "Generator | None" = None, state: Any = None,
                 alg: Any = None) -> None:
        from ..core.variable import Variable
        if copy_from is not None:
            arr = np.array(copy_from._state_var.numpy(), dtype=np.int64)
        elif state is not None:
            arr = np.asarray(state, dtype=np.int64).reshape(-1)
            if arr.shape != (3,):
                raise InvalidArgumentError(
                    "ember.random.Generator: state must have 3 int64 values (counter low, "
                    f"counter high, key); got shape {arr.shape}")
        else:
            raise ValueError("ember.random.Generator: give copy_from or state, or use "
                             "Generator.from_seed / from_non_deterministic_state")
        self._state_var = Variable(arr, trainable=False, name="generator_state",
                                   dtype="int64")
        self._alg = (copy_from._alg if copy_from is not None and alg is None
                     else _check_alg(alg, "random.Generator"))

    # -- constructors ---------------------------------------------------------------------
    @classmethod
    def from_seed(cls, seed: Any, alg: Any = None) -> "Generator":
        """A generator whose stream is determined by ``seed`` (an int or list of ints)."""
        return cls(state=[0, 0, _to_int64(_key_from_seed(seed))], alg=alg)

    @classmethod
    def from_non_deterministic_state(cls, alg: Any = None) -> "Generator":
        """A generator seeded from the operating system's entropy."""
        return cls(state=[0, 0, _to_int64(secrets.randbits(64))], alg=alg)

    @classmethod
    def from_key_counter(cls, key: Any, counter: Any, alg: Any = None) -> "Generator":
        """A generator from an explicit key and a counter of two int64 values."""
        c = np.asarray(counter, dtype=np.int64).reshape(-1)
        if c.shape != (2,):
            raise InvalidArgumentError(f"ember.random.Generator: counter must have 2 values; "
                                       f"got shape {c.shape}")
        return cls(state=[int(c[0]), int(c[1]), int(np.asarray(key).reshape(()))], alg=alg)

    @classmethod
    def from_state(cls, state: Any, alg: Any = None) -> "Generator":
        return cls(state=state, alg=alg)

    # -- state ------------------------------------------------------------------------------
    @property
    def state(self):
        """The state Variable: int64 [counter low, counter high, key]."""
        return self._state_var

    @property
    def algorithm(self) -> int:
        """The algorithm's number, as TF gives it (1: Philox, 2: ThreeFry, 3: auto-select);
        the bits are always Philox4x32-10's."""
        return self._alg.value

    @property
    def key(self) -> Tensor:
        return Tensor(np.array(self._state_var.numpy()[2], dtype=np.int64))

    def reset(self, state: Any) -> None:
        self._state_var.assign(np.asarray(state, dtype=np.int64))

    def reset_from_seed(self, seed: Any) -> None:
        self.reset([0, 0, _to_int64(_key_from_seed(seed))])

    def reset_from_key_counter(self, key: Any, counter: Any) -> None:
        c = np.asarray(counter, dtype=np.int64).reshape(-1)
        self.reset([int(c[0]), int(c[1]), int(np.asarray(key).reshape(()))])

    def skip(self, delta: int) -> None:
        """Advance the counter by ``delta`` draws."""
        self._advance(int(delta))

    def _advance(self, delta: int) -> tuple:
        st = [int(v) & _M64 for v in self._state_var.numpy().tolist()]
        counter = st[0] | (st[1] << 64)
        new = (counter + delta) & ((1 << 128) - 1)
        self._state_var.assign(np.array([_to_int64(new & _M64), _to_int64(new >> 64),
                                         _to_int64(st[2])], dtype=np.int64))
        return counter, st[2]

    def _seed(self) -> Tensor:
        return _fresh_seed(self._next_pair)

    def _next_pair(self) -> tuple:
        counter, key = self._advance(1)
        return _mix(key, ((counter & ((1 << 61) - 1)) << 3) | _TAG_GEN, counter >> 61)

    # -- draws ----------------------------------------------------------------------------
    def normal(self, shape: Any, mean: Any = 0.0, stddev: Any = 1.0, dtype: Any = "float32",
               name=None) -> Tensor:
        """Normally distributed values."""
        op = "random.Generator.normal"
        return _draw_normal(self._seed(), _shape_tuple(shape, op), mean, stddev, dtype,
                            op)

    def uniform(self, shape: Any, minval: Any = 0, maxval: Any = None, dtype: Any = "float32",
                name=None) -> Tensor:
        """Uniform values in ``[minval, maxval)``; integer dtypes need ``maxval``."""
        op = "random.Generator.uniform"
        npd = to_numpy(dtype)
        if npd.kind in "iu" and maxval is None:
            raise ValueError(f"ember.{op}: must specify maxval for integer dtype "
                             f"{from_numpy(npd).name}")
        return _draw_uniform(self._seed(), _shape_tuple(shape, op), minval, maxval, npd,
                             op)

    def uniform_full_int(self, shape: Any, dtype: Any = "uint64", name=None) -> Tensor:
        """Integers over the full range of ``dtype``."""
        op = "random.Generator.uniform_full_int"
        return _draw_uniform(self._seed(), _shape_tuple(shape, op), None, None,
                             to_numpy(dtype), op)

    def truncated_normal(self, shape: Any, mean: Any = 0.0, stddev: Any = 1.0,
                         dtype: Any = "float32", name=None) -> Tensor:
        """Normal values redrawn beyond two standard deviations."""
        op = "random.Generator.truncated_normal"
        return _draw_normal(self._seed(), _shape_tuple(shape, op), mean, stddev, dtype,
                            op, dist="truncated_normal")

    def binomial(self, shape: Any, counts: Any, probs: Any, dtype: Any = "int32",
                 name=None) -> Tensor:
        """Binomial samples: ``counts`` trials of success probability ``probs`` (both
        broadcast to ``shape``)."""
        from .random_distributions import _draw_binomial
        return _draw_binomial(self._seed(), shape, counts, probs, dtype,
                              "random.Generator.binomial")

    def make_seeds(self, count: int = 1) -> Tensor:
        """``count`` seed pairs for stateless ops, as an int64 tensor of shape [2, count]."""
        vals = _sample(self._seed(), shape=(2, int(count)),
                       dtype=np.dtype(np.int64), dist="full_int")
        return vals

    def split(self, count: int = 1) -> list:
        """``count`` new independent generators (this one advances)."""
        seeds = self.make_seeds(count).numpy()
        return [Generator(state=[0, int(seeds[1, i]), int(seeds[0, i])])
                for i in range(int(count))]

    def __repr__(self) -> str:
        st = self._state_var.numpy().tolist()
        return f"<ember.random.Generator key={st[2]} counter=({st[0]}, {st[1]})>"


def get_global_generator() -> Generator:
    """The global Generator (made on first use: from the global seed when one is set,
    else from non-deterministic state).

    >>> import ember
    >>> ember.random.get_global_generator().normal([1]).shape
    TensorShape([1])
    """
    global _global_generator
    if _global_generator is None:
        if _state.global_seed is not None:
            _global_generator = Generator.from_seed([_state.global_seed, _TAG_GLOBAL_GEN])
        else:
            _global_generator = Generator.from_non_deterministic_state()
    return _global_generator


def set_global_generator(generator: Generator) -> None:
    """Replace the global Generator.

    >>> import ember
    >>> ember.random.set_global_generator(ember.random.Generator.from_seed(3))
    """
    global _global_generator
    if not isinstance(generator, Generator):
        raise TypeError(f"ember.random.set_global_generator: expected a Generator; got "
                        f"{type(generator).__name__}")
    _global_generator = generator


# -- seed utilities ----------------------------------------------------------------------------
def _seed_arg(seed: Any, op: str) -> tuple:
    """``(pair, numpy dtype)`` of a stateless seed argument (a Python list is int32)."""
    pair = _stateless_seed(seed, op)
    if _prim_mod.is_traced(seed):
        raise TypeError(f"ember.{op}: the seed must be known when the op is called; got a "
                        "value computed inside a compiled function")
    dt = np.asarray(seed).dtype
    return pair, (np.dtype(np.int32) if dt == np.int64 and not hasattr(seed, "dtype")
                  else dt)


def split(seed: Any, num: int = 2, alg: Any = "auto_select") -> Tensor:
    """``num`` new seeds (shape [num, 2], the seed's dtype) from a stateless ``seed``.

    >>> import ember
    >>> ember.random.split([1, 2], num=3).shape
    TensorShape([3, 2])
    """
    op = "random.split"
    _check_alg(alg, op)
    pair, dt = _seed_arg(seed, op)
    return stateless_uniform([int(num), 2], pair, minval=None, maxval=None, dtype=dt)


def fold_in(seed: Any, data: Any, alg: Any = "auto_select") -> Tensor:
    """A new seed from ``seed`` and an integer ``data``: ``[random(seed), data]`` in
    ``data``'s dtype (int32 for a Python int that fits, as in TF).

    >>> import ember
    >>> ember.random.fold_in([1, 2], 7).numpy()[1]
    np.int32(7)
    """
    op = "random.fold_in"
    _check_alg(alg, op)
    pair, _ = _seed_arg(seed, op)
    d = np.asarray(data._value if hasattr(data, "_value") else data)
    if d.ndim != 0 or d.dtype.kind not in "iu":
        raise InvalidArgumentError(f"ember.{op}: data must be an integer scalar; got "
                                   f"shape {tuple(d.shape)} {d.dtype.name}")
    if not hasattr(data, "dtype") and d.dtype == np.int64 and \
            -(1 << 31) <= int(d) < (1 << 31):
        d = d.astype(np.int32)
    first = stateless_uniform([], pair, minval=None, maxval=None, dtype=d.dtype)
    return Tensor(np.array([first.numpy(), d], dtype=d.dtype))


def create_rng_state(seed: Any, alg: Any) -> np.ndarray:
    """The state (int64, shape [3]) of the Generator ``Generator.from_seed(seed)``
    would make: ``[counter low, counter high, key]`` (TF's layout differs).

    >>> create_rng_state(5, "philox").shape
    (3,)
    """
    _check_alg(alg, "random.create_rng_state")
    return np.array([0, 0, _to_int64(_key_from_seed(seed))], dtype=np.int64)


def stateless_shuffle(value: Any, seed: Any, alg: Any = "auto_select", name=None) -> Tensor:
    """A random permutation of ``value`` along its first axis, a pure function of
    ``seed`` (shape [2]).

    >>> import ember
    >>> sorted(ember.random.experimental.stateless_shuffle([1, 2, 3], seed=[4, 5]).numpy())
    [np.int32(1), np.int32(2), np.int32(3)]
    """
    op = "random.experimental.stateless_shuffle"
    _check_alg(alg, op)
    return _shuffle(_seed_tensor(_stateless_seed(seed, op)), value)


_FEISTEL_ROUNDS = 6


def index_shuffle(index: Any, seed: Any, max_index: Any) -> Tensor:
    """Where ``index`` lands in a random permutation of ``[0, max_index]`` named by
    ``seed`` (2 or 3 integers), computed without building the permutation (a Feistel
    network with cycle walking); ``index`` may be a scalar or an array.

    >>> import ember
    >>> out = ember.random.experimental.index_shuffle(ember.range(10), [1, 2, 3], 9)
    >>> sorted(out.numpy().tolist()) == list(range(10))
    True
    """
    op = "random.experimental.index_shuffle"
    idx_in = np.asarray(index._value if hasattr(index, "_value") else index)
    sd = np.asarray(seed._value if hasattr(seed, "_value") else seed)
    if sd.shape not in ((2,), (3,), (1, 3)) or sd.dtype.kind not in "iu":
        raise InvalidArgumentError(f"ember.{op}: seed must be 2 or 3 integers; got shape "
                                   f"{tuple(sd.shape)} {sd.dtype.name}")
    if idx_in.dtype.kind not in "iu":
        raise TypeError(f"ember.{op}: index must be integers; got {idx_in.dtype.name}")
    if not hasattr(index, "dtype") and idx_in.dtype == np.int64 and \
            (idx_in.size == 0 or int(np.abs(idx_in).max()) < (1 << 31)):
        idx_in = idx_in.astype(np.int32)        # Python ints are int32, as in TF
    n = int(np.asarray(max_index._value if hasattr(max_index, "_value") else max_index)) + 1
    if n < 1:
        raise InvalidArgumentError(f"ember.{op}: max_index must be >= 0; got {n - 1}")
    if idx_in.size and (idx_in.min() < 0 or idx_in.max() >= n):
        raise InvalidArgumentError(f"ember.{op}: index must be in [0, max_index={n - 1}]; "
                                   f"got values from {idx_in.min()} to {idx_in.max()}")
    key = _key_from_seed(sd.reshape(-1))
    bits = max(2, (n - 1).bit_length())
    bits += bits & 1
    half = bits // 2
    mask = np.uint64((1 << half) - 1)
    round_keys = [np.uint64(_mix(key, (r << 3) | _TAG_FROM_SEED, n)[0] & _M64)
                  for r in range(_FEISTEL_ROUNDS)]

    def permute(x):
        left, right = x >> np.uint64(half), x & mask
        for k in round_keys:
            h = (right ^ k) * np.uint64(0x9E3779B97F4A7C15)
            h ^= h >> np.uint64(29)
            h *= np.uint64(0xBF58476D1CE4E5B9)
            h ^= h >> np.uint64(32)
            left, right = right, left ^ (h & mask)
        return (left << np.uint64(half)) | right

    x = idx_in.astype(np.uint64).reshape(-1)
    with np.errstate(over="ignore"):
        x = permute(x)
        out_of_range = np.nonzero(x >= np.uint64(n))[0]
        while out_of_range.size:        # cycle walking: stays a bijection on [0, n)
            x[out_of_range] = permute(x[out_of_range])
            out_of_range = out_of_range[x[out_of_range] >= np.uint64(n)]
    return Tensor(x.astype(idx_in.dtype).reshape(idx_in.shape))


def _experimental_namespace():
    import types
    mod = types.ModuleType("ember.random.experimental",
                           "TensorFlow's tf.random.experimental names.")
    mod.Algorithm = Algorithm
    mod.Generator = Generator
    mod.create_rng_state = create_rng_state
    mod.get_global_generator = get_global_generator
    mod.set_global_generator = set_global_generator
    mod.index_shuffle = index_shuffle
    mod.stateless_fold_in = fold_in
    mod.stateless_split = split
    mod.stateless_shuffle = stateless_shuffle
    return mod


experimental = _experimental_namespace()


# -- dropout ---------------------------------------------------------------------------------
def dropout(x: Any, rate: Any, noise_shape: Any = None, seed: int | None = None,
            name=None) -> Tensor:
    """Zero each element with probability ``rate`` and scale the rest by ``1 / (1 - rate)``.

    The gradient with respect to ``x`` is the same mask and scale (differentiable again).

    >>> import ember
    >>> y = ember.nn.dropout(ember.ones([4]), 0.5, seed=1)
    >>> sorted(set(y.numpy().tolist())) in ([0.0, 2.0], [0.0], [2.0])
    True
    """
    from .creation import convert_to_tensor
    from .elementwise import multiply
    if not (isinstance(x, Tensor) or hasattr(x, "_is_ember_variable")):
        x = convert_to_tensor(x)
    xd = x._value.dtype
    if not (xd.kind == "f" or xd.name == "bfloat16"):
        raise TypeError(f"ember.nn.dropout: x must be a floating point tensor; got "
                        f"{from_numpy(xd).name} tensor of shape {tuple(x._value.shape)}")
    if hasattr(rate, "_value"):
        if rate._value.ndim != 0:
            raise InvalidArgumentError(f"ember.nn.dropout: rate must be a scalar; got shape "
                                       f"{tuple(rate._value.shape)}")
        rate = float(rate._value)
    if not _is_py_number(rate) or not 0.0 <= float(rate) < 1.0:
        raise ValueError(f"ember.nn.dropout: rate must be a scalar in the range [0, 1); got "
                         f"{rate!r}")
    rate = float(rate)
    shape = tuple(x._value.shape)
    if noise_shape is None:
        nshape = shape
    else:
        if hasattr(noise_shape, "as_list"):
            noise_shape = noise_shape.as_list()
        ns = list(np.asarray(noise_shape).tolist()) if hasattr(noise_shape, "_value") \
            else list(noise_shape)
        if len(ns) != len(shape):
            raise InvalidArgumentError(
                f"ember.nn.dropout: noise_shape {tuple(ns)} must have the rank of x, whose "
                f"shape is {shape}")
        nshape = tuple(shape[i] if d is None else int(d) for i, d in enumerate(ns))
        for d, s in zip(nshape, shape):
            if d not in (1, s):
                raise InvalidArgumentError(
                    f"ember.nn.dropout: noise_shape {nshape} does not broadcast to x's shape "
                    f"{shape}")
    pair = _stateful_seed(seed, "nn.dropout")
    if rate == 0.0:
        return x
    udt = np.dtype(np.float64) if xd == np.float64 else np.dtype(np.float32)
    if _dyadic_width(rate) is not None:     # 0.5, 0.25, ...: a few random bits per element
        return multiply(x, _keep_mask(_seed_tensor(pair), shape=nshape, rate=rate, dtype=xd,
                                      scale=1.0 / (1.0 - rate)))
    u = _sample(_seed_tensor(pair), shape=nshape, dtype=udt, dist="uniform")
    return multiply(x, _dropout_scale(u, rate=rate, dtype=xd))


@primitive
def _dropout_scale(xp, u, rate, dtype):
    """``1 / (1 - rate)`` where ``u >= rate``, else 0, in ``dtype`` (the dropout mask)."""
    keep = xp.asarray(1.0 / (1.0 - rate), dtype=u.dtype)
    return xp.where(u >= rate, keep, xp.zeros((), dtype=u.dtype)).astype(dtype)


__all__ = ["normal", "uniform", "truncated_normal", "categorical", "shuffle",
           "stateless_normal", "stateless_uniform", "stateless_truncated_normal",
           "stateless_categorical", "Generator", "set_seed", "get_global_generator",
           "set_global_generator", "dropout", "Algorithm", "split", "fold_in",
           "create_rng_state", "stateless_shuffle", "index_shuffle", "experimental"]
