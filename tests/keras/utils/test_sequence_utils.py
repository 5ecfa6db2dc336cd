import numpy as np
import pytest

from ember import keras


def test_pad_sequences_defaults_and_options():
    seqs = [[1, 2], [3], [4, 5, 6]]
    out = keras.utils.pad_sequences(seqs)
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out, [[0, 1, 2], [0, 0, 3], [4, 5, 6]])
    np.testing.assert_array_equal(
        keras.utils.pad_sequences(seqs, maxlen=2, padding="post", truncating="post",
                                  value=-1), [[1, 2], [3, -1], [4, 5]])
    np.testing.assert_array_equal(keras.utils.pad_sequences(seqs, maxlen=2),
                                  [[1, 2], [0, 3], [5, 6]])
    np.testing.assert_allclose(keras.utils.pad_sequences([[1.5, 2.0]], maxlen=3,
                                                         dtype="float32"), [[0, 1.5, 2.0]])
    np.testing.assert_array_equal(keras.utils.pad_sequences([[], [1]]), [[0], [1]])
    text = keras.utils.pad_sequences([["a", "b"], ["c"]], dtype=object, value="")
    assert text.tolist() == [["a", "b"], ["", "c"]]
    steps = keras.utils.pad_sequences([np.ones((1, 2)), np.ones((2, 2))])
    assert steps.shape == (2, 2, 2) and steps[0, 0].tolist() == [0, 0]


def test_pad_sequences_errors():
    with pytest.raises(ValueError, match="padding type"):
        keras.utils.pad_sequences([[1]], padding="middle")
    with pytest.raises(ValueError, match="dtype=object"):
        keras.utils.pad_sequences([["a"]], value="")
    with pytest.raises(ValueError, match="list of iterables"):
        keras.utils.pad_sequences([1, 2])


def test_graph_and_data_helpers():
    x = keras.Input((3,))
    y = keras.Input((3,))
    z = keras.layers.Add()([keras.layers.Dense(3)(x), y])
    sources = keras.utils.get_source_inputs(z)
    assert len(sources) == 2 and sources[0] is x and sources[1] is y
    assert keras.utils.is_keras_tensor(z) and not keras.utils.is_keras_tensor(np.ones(2))
    assert len(keras.utils.pack_x_y_sample_weight(1, 2)) == 2
    assert keras.utils.unpack_x_y_sample_weight((1,)) == (1, None, None)


def test_set_random_seed_wants_an_integer():
    with pytest.raises(ValueError, match="Expected `seed` argument to be an integer"):
        keras.utils.set_random_seed(1.5)
    keras.utils.set_random_seed(np.int64(3))
