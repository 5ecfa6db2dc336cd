"""The ops behind ``ember.signal`` (TensorFlow's ``tf.signal``), one family per module.

* ``fft``: ``fft``/``ifft`` (1-3 inner dimensions), ``rfft``/``irfft`` (1-3, with
  ``fft_length``), ``fftshift``/``ifftshift``;
* ``framing``: ``frame`` and ``overlap_and_add`` (each the other's gradient);
* ``windows``: Hann, Hamming, Kaiser, Kaiser-Bessel-derived and Vorbis windows;
* ``stft``: ``stft``, ``inverse_stft``, ``inverse_stft_window_fn``, ``mdct``,
  ``inverse_mdct``;
* ``dct``: DCT types 1-4 and their inverses;
* ``mel``: ``linear_to_mel_weight_matrix``, ``mfccs_from_log_mel_spectrograms``.

The complex-to-complex FFTs are one primitive on complex arrays (its gradient the adjoint
DFT); the real transforms are built on the differentiable (real, imaginary) pair
primitives of ``ember.ops.spectral``, complex tensors entering and leaving through
``complex_parts`` and ``complex_from_parts``. Gradients with respect to complex inputs
follow TensorFlow's convention (``dL/dRe + i dL/dIm``).
"""
