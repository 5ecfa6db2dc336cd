"""Mel-scale filterbanks and MFCCs (``tf.signal.linear_to_mel_weight_matrix``,
``tf.signal.mfccs_from_log_mel_spectrograms``).

The mel scale is HTK's, ``mel(f) = 1127 ln(1 + f / 700)``. The weight matrix holds
``num_mel_bins`` triangular filters, evenly spaced in mel between the two edge
frequencies, each peaking at 1, sampled at the ``num_spectrogram_bins`` linear
frequencies from 0 to ``sample_rate / 2`` (the DC row is zero).

>>> m = linear_to_mel_weight_matrix(num_mel_bins=4, num_spectrogram_bins=9,
...                                 sample_rate=8000, lower_edge_hertz=0.0,
...                                 upper_edge_hertz=4000.0)
>>> m.shape
TensorShape([9, 4])
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...core.errors import InvalidArgumentError
from ...core.tensor import Tensor
from ..creation import constant
from ._util import describe, float_dtype, real_input, shape_of, static_int
from .dct import dct

__all__ = ["linear_to_mel_weight_matrix", "mfccs_from_log_mel_spectrograms"]

_MEL_BREAK_FREQUENCY_HERTZ = 700.0
_MEL_HIGH_FREQUENCY_Q = 1127.0


def _hertz_to_mel(f):
    return _MEL_HIGH_FREQUENCY_Q * np.log1p(np.asarray(f, np.float64) /
                                            _MEL_BREAK_FREQUENCY_HERTZ)


def _scalar(value: Any, what: str) -> float:
    op = "linear_to_mel_weight_matrix"
    try:
        arr = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
        if arr.size != 1:
            raise ValueError
        return float(arr.reshape(()))
    except (TypeError, ValueError):
        raise TypeError(f"ember.signal.{op}: {what} must be a real scalar; got {value!r}") \
            from None


def linear_to_mel_weight_matrix(num_mel_bins: int = 20, num_spectrogram_bins: int = 129,
                                sample_rate: Any = 8000, lower_edge_hertz: float = 125.0,
                                upper_edge_hertz: float = 3800.0, dtype: Any = "float32",
                                name: str | None = None) -> Tensor:
    """A ``[num_spectrogram_bins, num_mel_bins]`` matrix that maps linear-frequency
    magnitudes (e.g. ``abs(stft(...))``, right-multiplied) to mel-frequency bands.

    >>> m = linear_to_mel_weight_matrix(2, 5, 8000, 100.0, 4000.0)
    >>> m.numpy().round(3)
    array([[0.   , 0.   ],
           [0.723, 0.277],
           [0.   , 0.939],
           [0.   , 0.405],
           [0.   , 0.   ]], dtype=float32)
    """
    op = "linear_to_mel_weight_matrix"
    mels = static_int(num_mel_bins, op, "num_mel_bins")
    bins = static_int(num_spectrogram_bins, op, "num_spectrogram_bins", minimum=0)
    rate = _scalar(sample_rate, "sample_rate")
    lower = _scalar(lower_edge_hertz, "lower_edge_hertz")
    upper = _scalar(upper_edge_hertz, "upper_edge_hertz")
    if mels <= 0:
        raise ValueError(f"ember.signal.{op}: num_mel_bins must be positive; got {mels}")
    if lower < 0.0:
        raise ValueError(f"ember.signal.{op}: lower_edge_hertz must be non-negative; got "
                         f"{lower}")
    if lower >= upper:
        raise ValueError(f"ember.signal.{op}: lower_edge_hertz {lower} >= upper_edge_hertz "
                         f"{upper}")
    if rate <= 0.0:
        raise ValueError(f"ember.signal.{op}: sample_rate must be positive; got {rate}")
    if upper > rate / 2:
        raise ValueError(f"ember.signal.{op}: upper_edge_hertz must not be larger than the "
                         f"Nyquist frequency (sample_rate / 2); got {upper} for sample_rate "
                         f"{rate}")
    npd = float_dtype(dtype, op)
    linear = np.linspace(0.0, rate / 2.0, bins)[1:]
    spec_mel = _hertz_to_mel(linear)[:, None]
    edges = np.linspace(_hertz_to_mel(lower), _hertz_to_mel(upper), mels + 2)
    lo, center, hi = edges[:-2][None, :], edges[1:-1][None, :], edges[2:][None, :]
    lower_slopes = (spec_mel - lo) / (center - lo)
    upper_slopes = (hi - spec_mel) / (hi - center)
    weights = np.maximum(0.0, np.minimum(lower_slopes, upper_slopes))
    weights = np.concatenate([np.zeros((1, mels)), weights], axis=0)  # TF: always a DC row
    return constant(weights.astype(npd))


def mfccs_from_log_mel_spectrograms(log_mel_spectrograms: Any,
                                    name: str | None = None) -> Tensor:
    """MFCCs of ``[..., num_mel_bins]`` log-magnitude mel spectrograms: HTK's scaling of
    the type-II DCT, ``dct(x) / sqrt(2 * num_mel_bins)``. All ``num_mel_bins``
    coefficients are returned (speech models usually keep the first 13).

    >>> import ember
    >>> mfccs = mfccs_from_log_mel_spectrograms(ember.ones([3, 8]))
    >>> mfccs.shape, float(mfccs[0, 0])
    (TensorShape([3, 8]), 4.0)
    """
    op = "mfccs_from_log_mel_spectrograms"
    x = real_input(log_mel_spectrograms, op)
    shape = shape_of(x)
    if not shape or shape[-1] <= 0:
        raise InvalidArgumentError(f"ember.signal.{op}: num_mel_bins (the last dimension) "
                                   f"must be positive; got {describe(x)}")
    return dct(x, type=2) * (1.0 / math.sqrt(2.0 * shape[-1]))
