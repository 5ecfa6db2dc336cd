"""SpectralNormalization (with its Wrapper base) and Pipeline: NumPy references of the
power iteration, a training step, configs, and behaviour observed in Keras 3.15."""
import numpy as np
import pytest

import ember
from ember import keras
from ember.keras.layers.core.wrapper import Wrapper
from ember.keras.layers.normalization.spectral_normalization import SpectralNormalization
from ember.keras.layers.preprocessing.pipeline import Pipeline


def _np_normalize(x):
    return x * min(1.0 / np.sqrt(np.sum(x * x)), 1e7)


def _np_spectral(kernel, u, power_iterations):
    """Keras's update: returns (new u, kernel / sigma)."""
    w = kernel.reshape(-1, kernel.shape[-1])
    for _ in range(power_iterations):
        v = _np_normalize(u @ w.T)
        u = _np_normalize(v @ w)
    sigma = (v @ w @ u.T).item()
    return u, kernel / sigma


def _rng():
    return np.random.default_rng(7)


def test_weights_names_shapes_and_order_follow_keras():
    layer = SpectralNormalization(keras.layers.Dense(3, name="dense"), name="sn")
    layer(np.ones((2, 4), "float32"))
    # Keras: the wrapped kernel is tracked by the wrapper too, so it comes first
    assert [w.path for w in layer.weights] == ["sn/dense/kernel", "sn/vector_u",
                                               "sn/dense/bias"]
    u = layer.vector_u
    assert u.name == "vector_u" and tuple(u.shape) == (1, 3) and not u.trainable
    assert layer.kernel is layer.layer.kernel
    # truncated normal, stddev 0.02: within two standard deviations
    assert np.all(np.abs(u.numpy()) <= 0.04)
    assert [w.name for w in layer.trainable_weights] == ["kernel", "bias"]
    store = {}
    layer.save_own_variables(store)     # Keras's .keras layout: kernel, then vector_u
    assert [v.shape for v in store.values()] == [(4, 3), (1, 3)]
    assert layer.input_spec.axes == {-1: 4} and layer.input_spec.min_ndim == 1


@pytest.mark.parametrize("make, shape, iterations", [
    (lambda: keras.layers.Dense(5), (3, 4), 1),
    (lambda: keras.layers.Dense(2), (2, 3, 4), 3),
    (lambda: keras.layers.Conv2D(3, 2), (2, 5, 5, 2), 2),
])
def test_training_call_matches_numpy_power_iteration(make, shape, iterations):
    rng = _rng()
    layer = SpectralNormalization(make(), power_iterations=iterations)
    x = rng.normal(size=shape).astype("float32")
    layer(x)
    kernel = rng.normal(size=tuple(layer.kernel.shape)).astype("float32")
    u = rng.normal(size=(1, kernel.shape[-1])).astype("float32")
    bias = rng.normal(size=(kernel.shape[-1],)).astype("float32")
    layer.set_weights([kernel, u, bias])
    # inference (the default) uses the kernel as it is and changes nothing
    reference = ember.convert_to_tensor(layer.layer(x)).numpy()
    np.testing.assert_allclose(layer(x).numpy(), reference, rtol=1e-6)
    np.testing.assert_array_equal(layer.kernel.numpy(), kernel)
    np.testing.assert_array_equal(layer.vector_u.numpy(), u)
    for _ in range(2):      # each training call normalizes again, from the new u
        u, kernel = _np_spectral(kernel, u, iterations)
        out = layer(x, training=True).numpy()
        np.testing.assert_allclose(layer.kernel.numpy(), kernel, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(layer.vector_u.numpy(), u, rtol=1e-5, atol=1e-6)
    expected = ember.convert_to_tensor(layer.layer(x)).numpy()
    np.testing.assert_allclose(out, expected, rtol=1e-6)


def test_many_iterations_give_unit_spectral_norm_and_embedding_works():
    layer = SpectralNormalization(keras.layers.Embedding(7, 4), power_iterations=30)
    ids = np.array([[1, 2, 6]])
    layer(ids, training=True)
    assert np.linalg.svd(layer.kernel.numpy(), compute_uv=False)[0] == pytest.approx(1, 1e-4)
    # Keras casts the output to the ids' dtype (all zeros); Ember keeps the vectors
    out = layer(ids)
    assert out.dtype == ember.float32
    np.testing.assert_allclose(out.numpy()[0], layer.kernel.numpy()[[1, 2, 6]])


def test_zero_kernel_is_left_alone():
    layer = SpectralNormalization(keras.layers.Dense(3, kernel_initializer="zeros",
                                                     bias_initializer="ones"))
    x = np.ones((2, 4), "float32")
    layer(x)
    u = layer.vector_u.numpy().copy()
    np.testing.assert_array_equal(layer(x, training=True).numpy(), np.ones((2, 3)))
    np.testing.assert_array_equal(layer.vector_u.numpy(), u)
    assert not np.any(np.isnan(layer.kernel.numpy()))


def test_fit_step_normalizes_then_applies_the_gradient():
    rng = _rng()
    x = rng.normal(size=(8, 4)).astype("float32")
    y = rng.normal(size=(8, 1)).astype("float32")
    inputs = keras.Input((4,))
    model = keras.Model(inputs, SpectralNormalization(keras.layers.Dense(1))(inputs))
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    kernel = rng.normal(size=(4, 1)).astype("float32")
    u = np.array([[0.5]], "float32")
    model.set_weights([kernel, u, np.zeros(1, "float32")])
    loss = model.fit(x, y, batch_size=8, epochs=1, verbose=0).history["loss"][0]
    u_new, normalized = _np_spectral(kernel, u, 1)
    error = x @ normalized - y
    assert loss == pytest.approx(float(np.mean(error ** 2)), rel=1e-5)
    grad_k = x.T @ (2 * error / len(x))
    new_kernel, vector_u, bias = model.get_weights()
    np.testing.assert_allclose(new_kernel, normalized - 0.1 * grad_k, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(vector_u, u_new, rtol=1e-6)
    np.testing.assert_allclose(bias, [-0.1 * np.sum(2 * error) / len(x)], rtol=1e-5)


def test_config_round_trip():
    layer = SpectralNormalization(keras.layers.Dense(3, activation="relu"),
                                  power_iterations=4, name="sn")
    config = layer.get_config()
    assert sorted(config) == ["dtype", "layer", "name", "power_iterations", "trainable"]
    assert config["layer"]["class_name"] == "Dense" and config["power_iterations"] == 4
    clone = SpectralNormalization.from_config(config)
    assert clone.name == "sn" and clone.power_iterations == 4
    assert isinstance(clone.layer, keras.layers.Dense) and clone.layer.units == 3
    assert clone.layer is not layer.layer


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match="power_iterations=0"):
        SpectralNormalization(keras.layers.Dense(2), power_iterations=0)
    with pytest.raises(ValueError, match="ReLU object has no attribute 'kernel' nor"):
        SpectralNormalization(keras.layers.ReLU())(np.ones((2, 3), "float32"))
    with pytest.raises(ValueError, match="supplied to Wrapper isn't a supported layer"):
        SpectralNormalization("dense")
    layer = SpectralNormalization(keras.layers.Dense(2))
    layer(np.ones((2, 3), "float32"))
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 3"):
        layer(np.ones((2, 4), "float32"))


def test_wrapper_builds_the_inner_layer_under_its_name():
    class Twice(Wrapper):
        def call(self, x):
            return 2 * self.layer(x)

    layer = Twice(keras.layers.Dense(2, kernel_initializer="ones", name="dense"), name="twice")
    np.testing.assert_allclose(layer(np.ones((1, 3), "float32")).numpy(), [[6.0, 6.0]])
    assert [w.path for w in layer.weights] == ["twice/dense/kernel", "twice/dense/bias"]


def test_pipeline_applies_layers_in_order_and_passes_training():
    pipeline = Pipeline([keras.layers.Rescaling(0.5), keras.layers.Rescaling(2.0, offset=1.0)])
    x = np.array([[1.0, -3.0]], "float32")
    np.testing.assert_allclose(pipeline(x).numpy(), (x * 0.5) * 2.0 + 1.0)
    dropping = Pipeline([keras.layers.Dropout(0.5, seed=1)])
    ones = np.ones((50, 20), "float32")
    assert np.mean(dropping(ones).numpy() == 0) > 0.3     # training defaults to True
    np.testing.assert_array_equal(dropping(ones, training=False).numpy(), ones)
    dense = keras.layers.Dense(2)
    assert Pipeline([dense]).layers[0] is dense


def test_pipeline_passes_masks_on():
    embedding = keras.layers.Embedding(5, 3, mask_zero=True)
    pipeline = Pipeline([embedding, keras.layers.GlobalAveragePooling1D()])
    embedding.build((None, 4))
    embedding.set_weights([np.arange(15, dtype="float32").reshape(5, 3)])
    out = pipeline(np.array([[1, 2, 0, 0], [3, 0, 0, 0]]))
    np.testing.assert_allclose(out.numpy(), [[4.5, 5.5, 6.5], [9.0, 10.0, 11.0]])


def test_pipeline_tracks_weights_and_config_round_trips():
    pipeline = Pipeline([keras.layers.Dense(3), keras.layers.Dropout(0.5)], name="pre")
    pipeline(np.ones((2, 4), "float32"))
    assert [w.name for w in pipeline.trainable_weights] == ["kernel", "bias"]
    config = pipeline.get_config()
    assert sorted(config) == ["layers", "name"]        # Keras adds no base keys
    assert [c["class_name"] for c in config["layers"]] == ["Dense", "Dropout"]
    clone = Pipeline.from_config(config)
    assert clone.name == "pre" and [type(l).__name__ for l in clone.layers] == \
        ["Dense", "Dropout"]
    with pytest.raises(ValueError, match="must contain a `layers` key"):
        Pipeline.from_config({"layers": None})


def test_pipeline_in_a_functional_model():
    inputs = keras.Input((4,))
    outputs = Pipeline([keras.layers.Dense(3), keras.layers.Dense(1)])(inputs)
    model = keras.Model(inputs, outputs)
    assert model.predict(np.ones((5, 4), "float32"), verbose=0).shape == (5, 1)
