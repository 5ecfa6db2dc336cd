"""keras.layers.Hashing: values to ``num_bins`` buckets with FarmHash64 (or keyed SipHash).

The hash functions are TensorFlow's ``tf.strings.to_hash_bucket_fast`` (FarmHash
``Fingerprint64``, i.e. ``farmhashna::Hash64``) and ``to_hash_bucket_strong`` (SipHash-2-4
keyed with two 64-bit words), written here in vectorized NumPy: strings are grouped by
their UTF-8 byte length, and each group is hashed with uint64 array arithmetic.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ... import config as keras_config
from ...models.keras_tensor import KerasTensor, any_symbolic
from ...models.layer import Layer
from .category_encoding import as_array, encode_categorical, on_host, to_output

_U = np.uint64
_K0 = _U(0xC3A5C85C97CB3127)
_K1 = _U(0xB492B66FBE98F273)
_K2 = _U(0x9AE16A3B2F90404F)


# -- FarmHash Fingerprint64 ----------------------------------------------------------------
def _fetch64(m: np.ndarray, at: int) -> np.ndarray:
    return np.ascontiguousarray(m[:, at:at + 8]).view("<u8")[:, 0].astype(_U)


def _fetch32(m: np.ndarray, at: int) -> np.ndarray:
    return np.ascontiguousarray(m[:, at:at + 4]).view("<u4")[:, 0].astype(_U)


def _rotr(v: np.ndarray, s: int) -> np.ndarray:
    return (v >> _U(s)) | (v << _U(64 - s))


def _shift_mix(v: np.ndarray) -> np.ndarray:
    return v ^ (v >> _U(47))


def _mix16(u: np.ndarray, v: np.ndarray, mul) -> np.ndarray:
    a = (u ^ v) * mul
    a = a ^ (a >> _U(47))
    b = (v ^ a) * mul
    b = b ^ (b >> _U(47))
    return b * mul


def _len0to16(m: np.ndarray, n: int) -> np.ndarray:
    rows = m.shape[0]
    if n >= 8:
        mul = _K2 + _U(2 * n)
        a = _fetch64(m, 0) + _K2
        b = _fetch64(m, n - 8)
        c = _rotr(b, 37) * mul + a
        d = (_rotr(a, 25) + b) * mul
        return _mix16(c, d, mul)
    if n >= 4:
        mul = _K2 + _U(2 * n)
        a = _fetch32(m, 0)
        return _mix16(_U(n) + (a << _U(3)), _fetch32(m, n - 4), mul)
    if n > 0:
        first, middle, last = (m[:, i].astype(_U) for i in (0, n >> 1, n - 1))
        y = first + (middle << _U(8))
        z = _U(n) + (last << _U(2))
        return _shift_mix((y * _K2) ^ (z * _K0)) * _K2
    return np.full(rows, _K2, dtype=_U)


def _len17to32(m: np.ndarray, n: int) -> np.ndarray:
    mul = _K2 + _U(2 * n)
    a = _fetch64(m, 0) * _K1
    b = _fetch64(m, 8)
    c = _fetch64(m, n - 8) * mul
    d = _fetch64(m, n - 16) * _K2
    return _mix16(_rotr(a + b, 43) + _rotr(c, 30) + d, a + _rotr(b + _K2, 18) + c, mul)


def _len33to64(m: np.ndarray, n: int) -> np.ndarray:
    mul = _K2 + _U(2 * n)
    a = _fetch64(m, 0) * _K2
    b = _fetch64(m, 8)
    c = _fetch64(m, n - 8) * mul
    d = _fetch64(m, n - 16) * _K2
    y = _rotr(a + b, 43) + _rotr(c, 30) + d
    z = _mix16(y, a + _rotr(b + _K2, 18) + c, mul)
    e = _fetch64(m, 16) * mul
    f = _fetch64(m, 24)
    g = (y + _fetch64(m, n - 32)) * mul
    h = (z + _fetch64(m, n - 24)) * mul
    return _mix16(_rotr(e + f, 43) + _rotr(g, 30) + h, e + _rotr(f + a, 18) + g, mul)


def _weak32(m: np.ndarray, at: int, a: np.ndarray, b: np.ndarray):
    """FarmHash's WeakHashLen32WithSeeds over the 32 bytes at ``at``."""
    w, x, y, z = (_fetch64(m, at + 8 * i) for i in range(4))
    a = a + w
    b = _rotr(b + a + z, 21)
    c = a
    a = a + x + y
    b = b + _rotr(a, 44)
    return a + z, b + c


def _len65plus(m: np.ndarray, n: int) -> np.ndarray:
    rows = m.shape[0]
    seed = 81
    x = np.full(rows, seed, dtype=_U)
    y = x * _K1 + _U(113)
    z = _shift_mix(y * _K2 + _U(113)) * _K2
    v0 = v1 = w0 = w1 = np.zeros(rows, dtype=_U)
    x = x * _K2 + _fetch64(m, 0)
    end = ((n - 1) // 64) * 64
    for s in range(0, end, 64):
        x = _rotr(x + y + v0 + _fetch64(m, s + 8), 37) * _K1
        y = _rotr(y + v1 + _fetch64(m, s + 48), 42) * _K1
        x = x ^ w1
        y = y + v0 + _fetch64(m, s + 40)
        z = _rotr(z + w0, 33) * _K1
        v0, v1 = _weak32(m, s, v1 * _K1, x + w0)
        w0, w1 = _weak32(m, s + 32, z + w1, y + _fetch64(m, s + 16))
        x, z = z, x
    mul = _K1 + ((z & _U(0xFF)) << _U(1))
    s = n - 64
    w0 = w0 + _U((n - 1) & 63)
    v0 = v0 + w0
    w0 = w0 + v0
    x = _rotr(x + y + v0 + _fetch64(m, s + 8), 37) * mul
    y = _rotr(y + v1 + _fetch64(m, s + 48), 42) * mul
    x = x ^ (w1 * _U(9))
    y = y + v0 * _U(9) + _fetch64(m, s + 40)
    z = _rotr(z + w0, 33) * mul
    v0, v1 = _weak32(m, s, v1 * mul, x + w0)
    w0, w1 = _weak32(m, s + 32, z + w1, y + _fetch64(m, s + 16))
    x, z = z, x
    return _mix16(_mix16(v0, w0, mul) + _shift_mix(y) * _K0 + z,
                  _mix16(v1, w1, mul) + x, mul)


def _farmhash_same_length(m: np.ndarray, n: int) -> np.ndarray:
    if n <= 16:
        return _len0to16(m, n)
    if n <= 32:
        return _len17to32(m, n)
    if n <= 64:
        return _len33to64(m, n)
    return _len65plus(m, n)


# -- SipHash-2-4 ------------------------------------------------------------------------------
def _rotl(v: np.ndarray, s: int) -> np.ndarray:
    return (v << _U(s)) | (v >> _U(64 - s))


def _sip_rounds(v0, v1, v2, v3, rounds: int):
    for _ in range(rounds):
        v0 = v0 + v1
        v1 = _rotl(v1, 13) ^ v0
        v0 = _rotl(v0, 32)
        v2 = v2 + v3
        v3 = _rotl(v3, 16) ^ v2
        v0 = v0 + v3
        v3 = _rotl(v3, 21) ^ v0
        v2 = v2 + v1
        v1 = _rotl(v1, 17) ^ v2
        v2 = _rotl(v2, 32)
    return v0, v1, v2, v3


def _siphash_same_length(m: np.ndarray, n: int, key: tuple[int, int]) -> np.ndarray:
    rows = m.shape[0]
    k0 = np.full(rows, key[0] & 0xFFFFFFFFFFFFFFFF, dtype=_U)
    k1 = np.full(rows, key[1] & 0xFFFFFFFFFFFFFFFF, dtype=_U)
    v0 = k0 ^ _U(0x736F6D6570736575)
    v1 = k1 ^ _U(0x646F72616E646F6D)
    v2 = k0 ^ _U(0x6C7967656E657261)
    v3 = k1 ^ _U(0x7465646279746573)
    full = n - n % 8
    last = np.zeros((rows, 8), dtype=np.uint8)
    last[:, :n - full] = m[:, full:n]
    last[:, 7] = n & 0xFF
    blocks = [_fetch64(m, at) for at in range(0, full, 8)] + [_fetch64(last, 0)]
    for block in blocks:
        v3 = v3 ^ block
        v0, v1, v2, v3 = _sip_rounds(v0, v1, v2, v3, 2)
        v0 = v0 ^ block
    v2 = v2 ^ _U(0xFF)
    v0, v1, v2, v3 = _sip_rounds(v0, v1, v2, v3, 4)
    return v0 ^ v1 ^ v2 ^ v3


def _hash_by_length(values: Sequence[bytes],
                    fn: Callable[[np.ndarray, int], np.ndarray]) -> np.ndarray:
    lengths = np.fromiter((len(v) for v in values), dtype=np.int64, count=len(values))
    out = np.empty(len(values), dtype=_U)
    with np.errstate(over="ignore"):
        for n in np.unique(lengths):
            where = np.flatnonzero(lengths == n)
            n = int(n)
            data = b"".join(values[i] for i in where)
            m = np.frombuffer(data, dtype=np.uint8).reshape(len(where), n) if n else \
                np.zeros((len(where), 0), dtype=np.uint8)
            out[where] = fn(m, n)
    return out


def fingerprint64(values: Sequence[bytes | str]) -> np.ndarray:
    """FarmHash ``Fingerprint64`` of each string (UTF-8) or bytes, as ``uint64``; the hash
    TensorFlow's ``tf.strings.to_hash_bucket_fast`` and Keras's ``Hashing`` use.

    >>> int(fingerprint64(["hello"])[0]) % (2**63 - 1)
    3786372426573024489
    """
    data = [v.encode("utf-8") if isinstance(v, str) else bytes(v) for v in values]
    return _hash_by_length(data, _farmhash_same_length)


def siphash64(values: Sequence[bytes | str], key: Sequence[int]) -> np.ndarray:
    """SipHash-2-4 of each string (UTF-8) or bytes with the 128-bit ``key`` given as two
    64-bit integers, as ``uint64`` (``tf.strings.to_hash_bucket_strong``).

    >>> siphash64(["a"], [1, 2]).dtype
    dtype('uint64')
    """
    k = (int(key[0]), int(key[1]))
    data = [v.encode("utf-8") if isinstance(v, str) else bytes(v) for v in values]
    return _hash_by_length(data, lambda m, n: _siphash_same_length(m, n, k))


def _as_hash_strings(values: np.ndarray) -> np.ndarray:
    """Values as TensorFlow hashes them: strings and bytes as they are (an ``object``
    array as bytes, strings in UTF-8), floats truncated to int64, integers in decimal,
    booleans as ``"true"`` / ``"false"``."""
    if values.dtype.kind in "US":
        return values
    if values.dtype.kind == "O":
        flat = [v if isinstance(v, bytes) else str(v).encode("utf-8")
                for v in values.reshape(-1)]
        out = np.empty(len(flat), dtype=object)
        out[:] = flat
        return out.reshape(values.shape)
    if values.dtype.kind == "f":
        values = values.astype(np.int64)
    if values.dtype.kind == "b":
        return np.where(values, "true", "false")      # tf.as_string's spelling
    return values.astype(str)


def hash_to_buckets(values: Any, num_buckets: int, salt: Sequence[int] | None = None
                    ) -> np.ndarray:
    """Bucket index in ``[0, num_buckets)`` of each value (int64 array, input's shape):
    ``Fingerprint64(str(value)) % num_buckets``, or keyed SipHash when ``salt`` is given.

    >>> hash_to_buckets(np.array(["a", "b", "a"]), 5).tolist()
    [4, 2, 4]
    """
    values = np.asarray(values)
    strings = _as_hash_strings(values)
    uniq, inverse = np.unique(strings.reshape(-1), return_inverse=True)
    texts = [u if isinstance(u, bytes) else str(u) for u in uniq]
    hashed = siphash64(texts, salt) if salt is not None else fingerprint64(texts)
    buckets = (hashed % _U(num_buckets)).astype(np.int64)
    return buckets[inverse].reshape(values.shape)


# -- the layer --------------------------------------------------------------------------------
class Hashing(Layer):
    """Hashes strings, integers or floats into ``num_bins`` bins, as Keras's ``Hashing``.

    Strings are hashed as UTF-8 bytes; integers as their decimal text; floats are first
    truncated to integers. With ``mask_value`` set, bin 0 is kept for it and the others
    hash into bins ``1..num_bins-1``. With ``salt``, the keyed SipHash is used.
    ``output_mode`` ``"int"`` returns bin indices (int64 by default), ``"one_hot"``,
    ``"multi_hot"`` or ``"count"`` encode them (floats).

    Inputs may be Python strings or numbers, (nested) lists, NumPy arrays (``str``,
    ``object`` or numeric) or Ember tensors; outputs are Ember tensors.

    >>> layer = Hashing(num_bins=3)
    >>> layer([["A"], ["B"], ["C"], ["D"], ["E"]]).numpy().ravel().tolist()
    [1, 0, 1, 1, 2]
    """

    def __init__(self, num_bins: int, mask_value: Any = None, salt: Any = None,
                 output_mode: str = "int", sparse: bool = False, **kwargs):
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == "int" else keras_config.floatx()
        super().__init__(**kwargs)
        if num_bins is None or num_bins <= 0:
            raise ValueError("The `num_bins` for `Hashing` cannot be `None` or "
                             f"non-positive values. Received: num_bins={num_bins}.")
        if output_mode == "int" and self.dtype_policy.name not in ("int32", "int64"):
            raise ValueError('When `output_mode="int"`, `dtype` should be an integer '
                             f"type, 'int32' or 'in64'. Received: dtype={kwargs['dtype']}")
        modes = ("int", "one_hot", "multi_hot", "count")
        if output_mode not in modes:
            raise ValueError("Invalid value for argument `output_mode`. Expected one of "
                             f"{modes}. Received: output_mode={output_mode}")
        if sparse:
            raise ValueError(f"Hashing layer '{self.name}': `sparse=True` is not supported "
                             "by Ember (it has no sparse tensors); use sparse=False.")
        self.num_bins = num_bins
        self.mask_value = mask_value
        self.strong_hash = salt is not None
        self.output_mode = output_mode
        self.sparse = sparse
        self.salt = None
        if salt is not None:
            if isinstance(salt, (tuple, list)) and len(salt) == 2:
                self.salt = list(salt)
            elif isinstance(salt, int):
                self.salt = [salt, salt]
            else:
                raise ValueError("The `salt` argument for `Hashing` can only be a tuple of "
                                 "size 2 integers, or a single integer. "
                                 f"Received: salt={salt}.")
        self.built = True

    def __call__(self, inputs: Any, *args, **kwargs):
        if any_symbolic(inputs, args, kwargs):
            return super().__call__(inputs, *args, **kwargs)
        return self.call(inputs)

    def _bins(self, values: np.ndarray) -> np.ndarray:
        bins = self.num_bins
        mask = None
        if values.dtype.kind == "O" and all(isinstance(v, (str, bytes))
                                            for v in values.reshape(-1)):
            values = _as_hash_strings(values)               # all bytes
        if self.mask_value is not None and bins > 1:
            bins -= 1
            mask_value = self.mask_value
            if isinstance(mask_value, str) and values.dtype.kind in "SO":
                mask_value = mask_value.encode("utf-8")     # bytes inputs
            mask = values == mask_value
        out = hash_to_buckets(values, bins, self.salt)
        if mask is not None:
            out = np.where(mask, 0, out + 1)
        return out

    def call(self, inputs: Any):
        return on_host(self._call_on_host, inputs)

    def _call_on_host(self, inputs: Any):
        values = as_array(inputs, encoding=None)    # bytes are hashed as they are
        if self.output_mode == "one_hot" and values.ndim and values.shape[-1] == 1:
            values = values[..., 0]
        bins = self._bins(values)
        return to_output(encode_categorical(bins, self.output_mode, self.num_bins,
                                            self.dtype))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        if not input_shape:
            return (self.num_bins,)
        return input_shape[:-1] + (self.num_bins,)

    def compute_output_spec(self, inputs: KerasTensor, *args, **kwargs) -> KerasTensor:
        return KerasTensor(self.compute_output_shape(inputs.shape), self.dtype)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"num_bins": self.num_bins, "salt": self.salt,
                       "mask_value": self.mask_value, "output_mode": self.output_mode,
                       "sparse": self.sparse})
        return config
