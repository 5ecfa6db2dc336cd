import numpy as np
import pytest

import ember
from ember import keras


def test_sequential_with_input_builds_at_once():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(2)])
    assert model.built and model.output_shape == (None, 2)
    assert len(model.layers) == 2 and len(model.weights) == 4


def test_deferred_build_on_first_call():
    model = keras.Sequential([keras.layers.Dense(4), keras.layers.Dense(2)])
    assert not model.built
    assert model(np.ones((5, 3), np.float32)).shape == (5, 2)
    assert model.built and model.input_shape == (None, 3)


def test_add_pop_and_input_shape_kwarg():
    model = keras.Sequential()
    model.add(keras.layers.Dense(4, input_shape=(3,)))
    model.add(keras.layers.Dense(2))
    assert model.output_shape == (None, 2)
    popped = model.pop()
    assert popped.units == 2 and model.output_shape == (None, 4)


def test_duplicate_names_and_non_layers_rejected():
    model = keras.Sequential([keras.layers.Dense(1, name="d")])
    with pytest.raises(ValueError, match="unique names"):
        model.add(keras.layers.Dense(1, name="d"))
    with pytest.raises(ValueError, match="Only instances"):
        model.add("dense")


def test_config_round_trip():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"),
                              keras.layers.Dense(1)], name="seq")
    clone = keras.Sequential.from_config(model.get_config())
    assert clone.name == "seq" and clone.output_shape == (None, 1)
    clone.set_weights(model.get_weights())
    x = np.ones((2, 3), np.float32)
    np.testing.assert_allclose(clone(x).numpy(), model(x).numpy())


def test_summary_prints_keras_table(capsys):
    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(64, name="a"),
                              keras.layers.Dense(10, name="b")], name="s")
    model.summary()
    out = capsys.readouterr().out
    assert 'Model: "s"' in out and "a (Dense)" in out and "(None, 64)" in out
    assert "4,160" in out and "Total params: 4,810 (18.79 KB)" in out
    assert "Trainable params: 4,810" in out and "Non-trainable params: 0" in out


def test_compute_output_shape_keeps_the_batch_size():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8),
                              keras.layers.Dense(3)])
    assert model.compute_output_shape((7, 4)) == (7, 3)              # was (None, 3)
    assert model.compute_output_shape((None, 4)) == (None, 3)
    assert keras.layers.TimeDistributed(model).compute_output_shape((7, 5, 4)) == (7, 5, 3)
    assert keras.Sequential([keras.layers.Dense(3)]).compute_output_shape((7, 4)) == (7, 3)
    with pytest.raises(ValueError, match=r"expected shape=\(None, 4\), found shape=\(7, 5\)"):
        model.compute_output_shape((7, 5))


def test_float64_model_inputs_are_not_rounded_to_float32():
    x = np.random.default_rng(0).random((2, 3))
    model = keras.Sequential([keras.Input((3,), dtype="float64"),
                              keras.layers.Dense(1, dtype="float64", kernel_initializer="ones")])
    out = model(x)
    assert out.dtype == ember.float64
    np.testing.assert_array_equal(out.numpy(), x.sum(axis=1, keepdims=True))
