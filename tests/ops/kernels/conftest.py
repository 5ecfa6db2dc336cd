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
    import numpy as np

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
