"""ember.signal: every listed name resolves, and a TF-style program runs unchanged."""
import numpy as np

import ember
from ember import signal
from ember.ops.signal.names import SIGNAL_NAMESPACE

TF_SIGNAL_NAMES = {
    "dct", "fft", "fft2d", "fft3d", "fftshift", "frame", "hamming_window", "hann_window",
    "idct", "ifft", "ifft2d", "ifft3d", "ifftshift", "inverse_mdct", "inverse_stft",
    "inverse_stft_window_fn", "irfft", "irfft2d", "irfft3d", "kaiser_bessel_derived_window",
    "kaiser_window", "linear_to_mel_weight_matrix", "mdct", "mfccs_from_log_mel_spectrograms",
    "overlap_and_add", "rfft", "rfft2d", "rfft3d", "stft", "vorbis_window"}


def test_every_listed_name_resolves():
    assert set(SIGNAL_NAMESPACE) == TF_SIGNAL_NAMES
    missing = [n for n in SIGNAL_NAMESPACE if not callable(getattr(signal, n, None))]
    assert not missing
    assert TF_SIGNAL_NAMES <= set(dir(signal))


def test_tf_style_log_mel_pipeline_runs():
    tf = ember
    pcm = tf.constant(np.random.default_rng(0).standard_normal((2, 4000)).astype(np.float32))
    with tf.GradientTape() as tape:
        tape.watch(pcm)
        stfts = signal.stft(pcm, frame_length=256, frame_step=128, fft_length=256)
        spectrograms = tf.abs(stfts)
        mel_matrix = signal.linear_to_mel_weight_matrix(40, stfts.shape[-1], 8000.0, 80.0,
                                                        3800.0)
        log_mel = tf.math.log(tf.tensordot(spectrograms, mel_matrix, 1) + 1e-6)
        mfccs = signal.mfccs_from_log_mel_spectrograms(log_mel)[..., :13]
        loss = tf.reduce_sum(tf.square(mfccs))
    assert mfccs.shape == (2, 30, 13) and mfccs.dtype == tf.float32
    grad = tape.gradient(loss, pcm)
    assert grad.shape == (2, 4000) and np.all(np.isfinite(grad.numpy()))
