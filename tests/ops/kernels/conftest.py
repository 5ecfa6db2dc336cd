import numpy as np
import pytest

from ember.ops import kernels


@pytest.fixture
def jit_switch():
    """``kernels.set_enabled`` for the test; the kernels are switched back on after it."""
    yield kernels.set_enabled
    kernels.set_enabled(True)


@pytest.fixture
def fit_with_and_without_kernels(jit_switch):
    """``fit(build, x, y, epochs=2)``: trains ``build()`` (a compiled Keras model) on
    ``(x, y)`` from the same seed with the kernels on and then off, and asserts that
    the two runs end with the same weights."""
    from ember import keras

    def fit(build, x, y, epochs=2):
        weights = []
        for on in (True, False):
            jit_switch(on)
            keras.utils.set_random_seed(0)
            model = build(keras)
            model.fit(x, y, epochs=epochs, batch_size=8, verbose=0)
            weights.append(model.get_weights())
        for a, b in zip(*weights):
            np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    return fit


@pytest.fixture
def kernels_match(jit_switch):
    """``kernels_match(run, rtol, atol, dtype=None)``: ``run(on)`` returns a list of arrays
    with the kernels switched on (True) or off (False); the two lists agree in shape,
    dtype (``dtype`` itself when given) and value. Returns the kernels' list."""
    def check(run, rtol=2e-5, atol=2e-6, dtype=None):
        got, want = run(True), run(False)
        assert len(got) == len(want)
        for g, w in zip(got, want):
            assert g.shape == w.shape and g.dtype == (w.dtype if dtype is None else dtype)
            np.testing.assert_allclose(g, w, rtol=rtol, atol=atol)
        return got
    return check


@pytest.fixture
def fit_recurrent_with_and_without_kernels(fit_with_and_without_kernels):
    """``fit(layer, pad=True, **kwargs)``: Masking, ``keras.layers.<layer>(8, **kwargs)``
    and Dense(3), trained on 16 random sequences of 9 steps of 4 features (with ``pad``
    the last 3 steps of the first 4 are zeros, which the Masking layer masks), ends with
    the same weights with the kernels on and off."""
    def fit(layer, pad=True, **kwargs):
        rng = np.random.default_rng(1)
        x = rng.normal(size=(16, 9, 4)).astype(np.float32)
        if pad:
            x[:4, 6:] = 0
        y = rng.integers(0, 3, size=16)

        def build(keras):
            model = keras.Sequential([keras.Input((9, 4)), keras.layers.Masking(),
                                      getattr(keras.layers, layer)(8, **kwargs),
                                      keras.layers.Dense(3)])
            model.compile("adam",
                          keras.losses.SparseCategoricalCrossentropy(from_logits=True))
            return model
        fit_with_and_without_kernels(build, x, y)
    return fit
