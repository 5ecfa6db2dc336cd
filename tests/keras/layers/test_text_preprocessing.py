"""CategoryEncoding, Hashing, Discretization and TextVectorization: values against NumPy
re-statements of Keras's rules, shapes, symbolic use, configs, training through them."""
import json

import numpy as np
import pytest

import ember
from ember import keras
from ember.keras.layers.preprocessing.discretization import summarize
from ember.keras.layers.preprocessing.hashing import fingerprint64, hash_to_buckets, siphash64

L = keras.layers


def _sgd_lowers_loss(model, x, y, steps=8, lr=0.05):
    losses = []
    for _ in range(steps):
        with ember.GradientTape() as tape:
            loss = ember.reduce_mean(ember.square(model(x) - y))
        grads = tape.gradient(loss, model.trainable_weights)
        for v, g in zip(model.trainable_weights, grads):
            v.assign_sub(lr * g)
        losses.append(float(loss))
    assert losses[-1] < losses[0]


# -- CategoryEncoding ----------------------------------------------------------------------------
def test_category_encoding_values(rng):
    x = rng.integers(0, 5, (4, 3))
    eye = np.eye(5, dtype=np.float32)
    one_hot = L.CategoryEncoding(5, output_mode="one_hot")(x)
    np.testing.assert_array_equal(one_hot.numpy(), eye[x])
    multi = L.CategoryEncoding(5)(x)
    np.testing.assert_array_equal(multi.numpy(), eye[x].max(axis=1))
    count = L.CategoryEncoding(5, output_mode="count")(ember.constant(x))
    np.testing.assert_array_equal(count.numpy(), eye[x].sum(axis=1))
    w = rng.random((4, 3)).astype(np.float32)
    weighted = L.CategoryEncoding(5, output_mode="count")(x, count_weights=w)
    np.testing.assert_allclose(weighted.numpy(), (eye[x] * w[..., None]).sum(axis=1),
                               rtol=1e-6)
    assert multi.dtype == ember.float32
    assert L.CategoryEncoding(5, dtype="int32")(x).dtype == ember.int32


def test_category_encoding_edges_and_errors():
    layer = L.CategoryEncoding(3)
    assert layer([[0, 7]]).numpy().tolist() == [[1.0, 0.0, 0.0]]   # >= num_tokens dropped
    with pytest.raises(ValueError, match="non-negative"):
        layer([[0, -1]])
    with pytest.raises(ValueError, match="count_weights"):
        layer([[0, 1]], count_weights=[[1.0, 1.0]])
    with pytest.raises(ValueError, match="num_tokens must be set"):
        L.CategoryEncoding()
    with pytest.raises(ValueError, match="Unknown arg for output_mode"):
        L.CategoryEncoding(3, output_mode="tf_idf")
    with pytest.raises(TypeError, match="integer inputs"):
        layer(np.array(["a"]))


@pytest.mark.parametrize("mode", ["one_hot", "multi_hot", "count"])
@pytest.mark.parametrize("shape", [(5,), (4, 1), (2, 3)])
def test_category_encoding_shapes(mode, shape, rng):
    layer = L.CategoryEncoding(6, output_mode=mode)
    out = layer(rng.integers(0, 6, shape))
    assert tuple(out.shape) == layer.compute_output_shape(shape)
    symbolic = layer(keras.Input(shape[1:], dtype="int32"))
    assert symbolic.shape[1:] == tuple(out.shape)[1:] or len(shape) == 1
    config = json.loads(json.dumps(layer.get_config()))
    np.testing.assert_array_equal(L.CategoryEncoding.from_config(config)([[1, 2]]).numpy(),
                                  layer([[1, 2]]).numpy())


def test_category_encoding_training_step(rng):
    inputs = keras.Input((3,), dtype="int64")
    model = keras.Model(inputs, L.Dense(1)(L.CategoryEncoding(4, output_mode="count")(inputs)))
    x = rng.integers(0, 4, (32, 3))
    _sgd_lowers_loss(model, x, ember.constant((x == 2).sum(1, keepdims=True) * 1.0,
                                              dtype="float32"))


# -- Hashing ------------------------------------------------------------------------------------------
STRINGS = ["", "a", "hello", "hello world, 17 bytes", "x" * 40, "y" * 100, "日本語"]


def test_fingerprint_and_siphash_match_tensorflow_values():
    # tf.strings.to_hash_bucket_fast / _strong(key=[1, 2]) with 2**63 - 1 buckets
    fast = [1936946117179621456, 3694432073954588132, 3786372426573024489,
            2805509823192704130, 7780224193200209045, 7898120570302252548,
            6457860189211899976]
    strong = [443797209252341628, 5158252350249958646, 2957200328589801622,
              3532884423483188600, 5231829118318405120, 6704651231693548474,
              1091377360618762286]
    assert hash_to_buckets(np.array(STRINGS), 2**63 - 1).tolist() == fast
    assert hash_to_buckets(np.array(STRINGS), 2**63 - 1, [1, 2]).tolist() == strong
    assert fingerprint64([b"hello"]).tolist() == fingerprint64(["hello"]).tolist()
    assert siphash64(["a", "b"], [1, 2]).dtype == np.uint64


def test_hashing_values_mask_and_numbers():
    layer = L.Hashing(num_bins=5)
    out = layer(np.array(STRINGS))
    assert out.dtype == ember.int64
    assert out.numpy().tolist() == (fingerprint64(STRINGS) % np.uint64(5)).tolist()
    ints = layer(ember.constant([[3, -40]]))
    assert ints.numpy().tolist() == [(fingerprint64(["3", "-40"]) % np.uint64(5)).tolist()]
    floats = layer(np.array([3.9, -40.2]))            # floats are truncated first
    assert floats.numpy().tolist() == ints.numpy()[0].tolist()
    masked = L.Hashing(num_bins=4, mask_value="")(["", "a", ""])
    want = int(fingerprint64(["a"])[0] % np.uint64(3)) + 1
    assert masked.numpy().tolist() == [0, want, 0]
    salted = L.Hashing(num_bins=7, salt=9)(["a", "b"])
    assert salted.numpy().tolist() == (siphash64(["a", "b"], [9, 9]) % np.uint64(7)).tolist()


def test_hashing_bytes_as_they_are():
    # bytes that are not UTF-8 are hashed as they are (values from Keras 3 / TensorFlow)
    x = np.array([b"\xff\xfe", b"caf\xe9", b"ab"])
    assert L.Hashing(num_bins=1000)(x).numpy().tolist() == [139, 798, 502]
    assert L.Hashing(num_bins=1000, salt=[7, 9])(x).numpy().tolist() == [533, 767, 758]
    mixed = np.array([b"", b"\xff\xfe", "ab"], dtype=object)
    assert L.Hashing(num_bins=1000, mask_value="")(mixed).numpy().tolist() == [0, 823, 413]
    assert L.Hashing(num_bins=1000)(np.array(["ab"], dtype=object)).numpy().tolist() == [502]


@pytest.mark.parametrize("mode", ["int", "one_hot", "multi_hot", "count"])
def test_hashing_modes_shapes_config(mode):
    layer = L.Hashing(num_bins=6, output_mode=mode)
    x = [["a"], ["b"], ["c"]] if mode == "one_hot" else [["a", "b"], ["c", "a"], ["d", "d"]]
    out = layer(x)
    assert tuple(out.shape) == layer.compute_output_shape(np.shape(x))
    assert out.dtype == (ember.int64 if mode == "int" else ember.float32)
    config = json.loads(json.dumps(layer.get_config()))
    assert config["dtype"]["config"]["name"] == ("int64" if mode == "int" else "float32")
    np.testing.assert_array_equal(L.Hashing.from_config(config)(x).numpy(), out.numpy())
    symbolic = layer(keras.Input((2,), dtype="int64"))
    assert symbolic.shape == ((None, 2) if mode == "int" else (None, 6))


def test_hashing_errors():
    with pytest.raises(ValueError, match="num_bins"):
        L.Hashing(num_bins=0)
    with pytest.raises(ValueError, match="salt"):
        L.Hashing(num_bins=3, salt="x")
    with pytest.raises(ValueError, match="dtype"):
        L.Hashing(num_bins=3, dtype="float32")


# -- Discretization -----------------------------------------------------------------------------------
def test_discretization_matches_digitize(rng):
    bounds = [-1.0, 0.0, 0.5, 2.0]
    x = rng.standard_normal((4, 5)).astype(np.float32)
    x[0, :3] = [-1.0, 0.5, 2.0]                           # on a boundary: bin to the right
    layer = L.Discretization(bin_boundaries=bounds)
    out = layer(x)
    assert out.dtype == ember.int32
    np.testing.assert_array_equal(out.numpy(), np.digitize(x, bounds))
    counts = L.Discretization(bin_boundaries=bounds, output_mode="count")(x)
    np.testing.assert_array_equal(counts.numpy(), np.eye(5)[np.digitize(x, bounds)].sum(1))
    assert tuple(counts.shape) == L.Discretization(
        bin_boundaries=bounds, output_mode="count").compute_output_shape((4, 5))


def test_discretization_adapt_quantiles(rng):
    data = rng.standard_normal(2000).astype(np.float32)
    layer = L.Discretization(num_bins=4, epsilon=0.01)
    layer.adapt(data)
    np.testing.assert_allclose(layer.bin_boundaries, np.quantile(data, [0.25, 0.5, 0.75]),
                               atol=0.05)
    batched = L.Discretization(num_bins=4, epsilon=0.01)
    batched.adapt(iter([data[:1000], data[1000:]]))
    np.testing.assert_allclose(batched.bin_boundaries, layer.bin_boundaries, atol=0.05)
    # a summary keeps every step-th sorted value, weighted by the step
    np.testing.assert_array_equal(summarize(np.arange(8.0, dtype=np.float32), 0.25),
                                  [[1.0, 3.0, 5.0, 7.0], [2.0, 2.0, 2.0, 2.0]])
    config = json.loads(json.dumps(layer.get_config()))
    assert set(config) == {"bin_boundaries", "num_bins", "epsilon", "output_mode", "sparse",
                           "name", "dtype"}
    clone = L.Discretization.from_config(config)       # both keys set after adapt
    np.testing.assert_array_equal(clone(data[:10]).numpy(), layer(data[:10]).numpy())


def test_discretization_errors_and_symbolic():
    with pytest.raises(ValueError, match="either `num_bins` or `bin_boundaries`"):
        L.Discretization()
    with pytest.raises(ValueError, match="should not be set"):
        L.Discretization(bin_boundaries=[1.0], num_bins=2)
    with pytest.raises(ValueError, match="adapt"):
        L.Discretization(num_bins=3)([1.0])
    with pytest.raises(ValueError, match="Cannot adapt"):
        L.Discretization(bin_boundaries=[1.0]).adapt([1.0])
    out = L.Discretization(bin_boundaries=[0.0, 1.0], output_mode="one_hot")(
        keras.Input((4,)))
    assert out.shape == (None, 4, 3) and out.dtype == "float32"


# -- TextVectorization -----------------------------------------------------------------------------------
TEXTS = ["The cat sat on the mat.", "The dog ate my homework!", "Cat & dog: friends?"]


def test_text_vectorization_standardize_and_split():
    tv = L.TextVectorization(vocabulary=["x"], split=None, output_mode="int")
    assert tv._preprocess(np.array(["ÀB,c!"])).tolist() == ["Àbc"]   # ASCII only, as TF
    tv = L.TextVectorization(standardize="lower", split="character", vocabulary=["x"])
    assert [r.tolist() for r in tv._preprocess(["Ab, C"])] == [["a", "b", ",", " ", "c"]]
    tv = L.TextVectorization(standardize=None, vocabulary=["x"])
    rows = tv._preprocess(["a\xa0b  C\td\n"])            # only ASCII whitespace splits
    assert [r.tolist() for r in rows] == [["a\xa0b", "C", "d"]]
    tv = L.TextVectorization(ngrams=(1, 3), vocabulary=["x"])
    assert [r.tolist() for r in tv._preprocess(["a b c d"])] == [
        ["a", "b", "c", "d", "a b c", "b c d"]]


def test_text_vectorization_int_output_and_sequence_length():
    tv = L.TextVectorization(output_sequence_length=5)
    tv.adapt(TEXTS)
    vocab = tv.get_vocabulary()
    assert vocab[:3] == ["", "[UNK]", "the"] and tv.vocabulary_size() == len(vocab)
    out = tv(["the cat flew", "dog"])
    assert out.dtype == ember.int64
    index = {w: i for i, w in enumerate(vocab)}
    assert out.numpy().tolist() == [[index["the"], index["cat"], 1, 0, 0],
                                    [index["dog"], 0, 0, 0, 0]]
    short = L.TextVectorization(vocabulary=vocab[2:], output_sequence_length=1)
    assert short(np.array([["the cat"], ["dog"]])).numpy().tolist() == [[index["the"]],
                                                                         [index["dog"]]]
    free = L.TextVectorization(vocabulary=vocab[2:])
    assert free(["the cat", "", "dog"]).shape == (3, 2)
    with pytest.raises(ValueError, match="last shape dimension must be 1"):
        free(np.array([["a", "b"]]))


def test_text_vectorization_bag_of_words_and_tf_idf():
    tv = L.TextVectorization(output_mode="tf_idf")
    tv.adapt(TEXTS)
    vocab = tv.get_vocabulary()
    docs = [t.lower().translate({ord(c): None for c in ".!&:?"}).split() for t in TEXTS]
    df = np.array([sum(w in d for d in docs) for w in vocab[1:]])
    idf = np.log(1 + len(docs) / (1 + df)).astype(np.float32)
    idf = np.concatenate([[idf.mean()], idf])
    np.testing.assert_allclose(tv._lookup_layer.idf_weights.numpy(), idf, rtol=1e-6)
    out = tv(["the the zzz"])
    want = np.zeros(len(vocab), np.float32)
    want[vocab.index("the")] = 2 * idf[vocab.index("the")]
    want[0] = idf[0]
    np.testing.assert_allclose(out.numpy()[0], want, rtol=1e-6)
    count = L.TextVectorization(output_mode="count", vocabulary=["a", "b"])
    assert count(["a a b c", "b"]).numpy().tolist() == [[1, 2, 1], [0, 0, 1]]
    multi = L.TextVectorization(output_mode="multi_hot", vocabulary=["a", "b"],
                                max_tokens=5, pad_to_max_tokens=True)
    assert multi(["a a b c"]).numpy().tolist() == [[1, 1, 1, 0, 0]]
    assert multi.compute_output_shape((7,)) == (7, 5)


def test_text_vectorization_callables_and_bytes():
    def standardize(x):
        return np.char.replace(np.char.lower(x), "-", " ")

    def split(x):
        return [s.split(",") for s in x.tolist()]

    tv = L.TextVectorization(standardize=standardize, split=split,
                             vocabulary=["a b", "c"])
    assert tv(np.array([b"A-B,c,d"])).numpy().tolist() == [[2, 3, 1]]
    config = tv.get_config()
    assert config["standardize"] is standardize
    assert L.TextVectorization.from_config(config)(["a-b"]).numpy().tolist() == [[2]]


def test_text_vectorization_config_round_trip_and_assets(tmp_path):
    tv = L.TextVectorization(max_tokens=8, ngrams=2, output_mode="tf_idf")
    tv.adapt(TEXTS)
    config = json.loads(json.dumps(tv.get_config()))
    assert config["ngrams"] == 2 and config["vocabulary_size"] == 8
    store = {}
    tv.save_own_variables(store)
    tv.save_assets(str(tmp_path))
    clone = L.TextVectorization.from_config(config)
    clone.load_own_variables(store)
    clone.load_assets(str(tmp_path))
    assert clone.get_vocabulary() == tv.get_vocabulary()
    np.testing.assert_allclose(clone(TEXTS).numpy(), tv(TEXTS).numpy())
    assert tv.get_weights() == []


def test_text_vectorization_is_not_symbolic_but_feeds_a_model():
    tv = L.TextVectorization(output_mode="multi_hot")
    tv.adapt(TEXTS)
    with pytest.raises(NotImplementedError, match="cannot hold"):
        tv(keras.Input((1,), dtype="int64"))
    with pytest.raises(ValueError, match="ragged"):
        L.TextVectorization(ragged=True)
    x = tv(TEXTS * 4)
    inputs = keras.Input((tv.vocabulary_size(),))
    model = keras.Model(inputs, L.Dense(1)(inputs))
    y = ember.constant(np.array([[1.0], [0.0], [1.0]] * 4, np.float32))
    _sgd_lowers_loss(model, ember.cast(x, "float32"), y)
