"""The public names of ``ember.signal`` and the modules that define them."""
from __future__ import annotations

from ..._lazy import names

_P = "ember.ops.signal"

SIGNAL_NAMESPACE = {
    **names(f"{_P}.fft", "fft", "ifft", "fft2d", "ifft2d", "fft3d", "ifft3d", "rfft",
            "irfft", "rfft2d", "irfft2d", "rfft3d", "irfft3d", "fftshift", "ifftshift"),
    **names(f"{_P}.framing", "frame", "overlap_and_add"),
    **names(f"{_P}.stft", "stft", "inverse_stft", "inverse_stft_window_fn", "mdct",
            "inverse_mdct"),
    **names(f"{_P}.windows", "hann_window", "hamming_window", "kaiser_window",
            "kaiser_bessel_derived_window", "vorbis_window"),
    **names(f"{_P}.dct", "dct", "idct"),
    **names(f"{_P}.mel", "linear_to_mel_weight_matrix", "mfccs_from_log_mel_spectrograms"),
}
