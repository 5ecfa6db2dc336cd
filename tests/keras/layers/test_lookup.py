"""StringLookup and IntegerLookup: inputs, vocabularies, adapt, OOV, modes, configs."""
import collections
import json
import math

import numpy as np
import pytest

import ember
from ember import keras
from ember.keras.layers.preprocessing.hashing import fingerprint64

L = keras.layers
VOCAB = ["the", "cat", "sat", "on", "mat"]


def _sorted_vocab(tokens, max_learned=None):
    """Keras's order: count high to low, ties by token high to low (UTF-8 order)."""
    counts = collections.Counter(tokens)
    ordered = sorted(counts, key=lambda t: (counts[t], t.encode() if isinstance(t, str)
                                            else t), reverse=True)
    return ordered[:max_learned] if max_learned else ordered


# -- inputs and outputs ----------------------------------------------------------------------
def test_string_inputs_of_every_kind_give_int64_tensors():
    layer = L.StringLookup(vocabulary=VOCAB)
    want = [[1, 2, 0], [5, 4, 3]]
    for inputs in ([["the", "cat", "dog"], ["mat", "on", "sat"]],
                   np.array([["the", "cat", "dog"], ["mat", "on", "sat"]]),
                   np.array([["the", "cat", "dog"], ["mat", "on", "sat"]], dtype=object),
                   np.array([[b"the", b"cat", b"dog"], [b"mat", b"on", b"sat"]]),
                   (("the", "cat", "dog"), ("mat", "on", "sat"))):
        out = layer(inputs)
        assert isinstance(out, ember.Tensor) and out.dtype == ember.int64
        assert out.numpy().tolist() == want
    scalar = layer("sat")
    assert scalar.shape == () and int(scalar.numpy()) == 3
    assert layer([]).shape == (0,)


def test_string_lookup_rejects_numbers_and_ragged_lists():
    layer = L.StringLookup(vocabulary=VOCAB)
    with pytest.raises(TypeError, match="expects string inputs"):
        layer(ember.constant([1, 2]))
    with pytest.raises(ValueError, match="rectangular"):
        layer([["a", "b"], ["c"]])


def test_integer_inputs_tensors_arrays_lists():
    layer = L.IntegerLookup(vocabulary=[12, 36, 1138, 42])
    for inputs in (ember.constant([[12, 1138, 42], [42, 1000, 36]]),
                   np.array([[12, 1138, 42], [42, 1000, 36]], dtype=np.int32),
                   [[12, 1138, 42], [42, 1000, 36]], np.array([[12.0, 1138, 42],
                                                               [42, 1000, 36]])):
        assert layer(inputs).numpy().tolist() == [[1, 3, 4], [4, 0, 2]]
    with pytest.raises(TypeError, match="expects integer"):
        layer(np.array([1.5]))


def test_invert_gives_strings_as_numpy_and_ints_as_tensors():
    forward = L.StringLookup(vocabulary=VOCAB, mask_token="")
    back = L.StringLookup(vocabulary=VOCAB, mask_token="", invert=True)
    words = np.array([["the", "", "dog"], ["mat", "on", "sat"]])
    out = back(forward(words))
    assert isinstance(out, np.ndarray) and out.dtype.kind == "U"
    assert out.tolist() == [["the", "", "[UNK]"], ["mat", "on", "sat"]]
    assert back(np.array([99, -3])).tolist() == ["[UNK]", "[UNK]"]
    ints = L.IntegerLookup(vocabulary=[7, 8], invert=True, oov_token=-5)
    got = ints(ember.constant([[1, 2, 0, 9]]))
    assert isinstance(got, ember.Tensor) and got.numpy().tolist() == [[7, 8, -5, -5]]


# -- vocabularies ------------------------------------------------------------------------------
def test_vocabulary_layout_sizes_and_special_tokens():
    layer = L.StringLookup(vocabulary=VOCAB, mask_token="[MASK]", num_oov_indices=2)
    assert layer.get_vocabulary() == ["[MASK]", "[UNK]", "[UNK]"] + VOCAB
    assert layer.get_vocabulary(include_special_tokens=False) == VOCAB
    assert layer.vocabulary_size() == 8
    # special tokens may lead the given vocabulary, in index order
    same = L.StringLookup(vocabulary=["[MASK]", "[UNK]", "[UNK]"] + VOCAB,
                          mask_token="[MASK]", num_oov_indices=2)
    assert same.get_vocabulary() == layer.get_vocabulary()
    # in the non-int modes the mask is not part of the vocabulary
    multi = L.StringLookup(vocabulary=VOCAB, mask_token="", output_mode="multi_hot")
    assert multi.get_vocabulary() == ["[UNK]"] + VOCAB
    assert L.StringLookup().vocabulary_size() == 1


def test_set_vocabulary_errors():
    with pytest.raises(ValueError, match="repeated term"):
        L.StringLookup(vocabulary=["a", "b", "a"])
    with pytest.raises(ValueError, match="reserved mask token"):
        L.StringLookup(vocabulary=["a", ""], mask_token="")
    with pytest.raises(ValueError, match="reserved OOV token"):
        L.StringLookup(vocabulary=["a", "[UNK]"], invert=True)
    with pytest.raises(ValueError, match="larger than the maximum vocab size"):
        L.StringLookup(vocabulary=VOCAB, max_tokens=3)
    with pytest.raises(ValueError, match="empty vocabulary"):
        L.StringLookup().set_vocabulary([])
    with pytest.raises(ValueError, match="idf_weights"):
        L.StringLookup(vocabulary=VOCAB, output_mode="tf_idf")
    with pytest.raises(ValueError, match="`output_mode` must be `'int'`"):
        L.StringLookup(invert=True, output_mode="count")
    with pytest.raises(ValueError, match="max_tokens"):
        L.IntegerLookup(max_tokens=1)
    with pytest.raises(ValueError, match="salt"):
        L.IntegerLookup(salt=3)
    with pytest.raises(ValueError, match="Unrecognized keyword"):
        L.StringLookup(bogus=1)


def test_vocabulary_file(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("the\ncat\nsat\n", encoding="utf-8")
    layer = L.StringLookup(vocabulary=str(path))
    assert layer.get_vocabulary() == ["[UNK]", "the", "cat", "sat"]
    assert layer.get_config()["vocabulary"] is None   # files are assets, not config
    with pytest.raises(ValueError, match="does not exist"):
        L.StringLookup(vocabulary=str(tmp_path / "missing.txt"))


# -- adapt ---------------------------------------------------------------------------------------
def test_adapt_orders_by_count_then_token_and_truncates(rng):
    words = rng.choice(["a", "b", "c", "d", "é", "Z", "aa", "[UNK]"], size=200).tolist()
    layer = L.StringLookup()
    layer.adapt(words)
    want = _sorted_vocab([w for w in words if w != "[UNK]"])
    assert layer.get_vocabulary() == ["[UNK]"] + want
    capped = L.StringLookup(max_tokens=4, mask_token="")
    capped.adapt(np.array(words + ["", ""]))
    assert capped.get_vocabulary() == ["", "[UNK]"] + want[:2]
    ints = rng.integers(-3, 6, size=100)
    ilayer = L.IntegerLookup(mask_token=0)
    ilayer.adapt(ember.constant(ints))
    want_ints = _sorted_vocab([int(i) for i in ints if i not in (0, -1)])
    assert ilayer.get_vocabulary() == [0, -1] + want_ints


def test_adapt_from_iterables_with_steps_and_reset():
    layer = L.StringLookup()
    batches = [np.array(["a", "a"]), np.array(["b", "b", "b"]), np.array(["c"] * 9)]
    layer.adapt(iter(batches), steps=2)
    assert layer.get_vocabulary() == ["[UNK]", "b", "a"]
    layer.adapt(b for b in batches)          # adapting again starts from scratch
    assert layer.get_vocabulary() == ["[UNK]", "c", "b", "a"]
    fixed = L.StringLookup(vocabulary=["x"])
    with pytest.raises(ValueError, match="Cannot adapt"):
        fixed.adapt(["a"])


def test_adapted_tf_idf_matches_formula():
    docs = np.array([["a", "b", "a"], ["b", "c", "c"], ["a", "a", "d"], ["e", "b", "b"]])
    layer = L.StringLookup(output_mode="tf_idf")
    layer.adapt(docs)
    vocab = layer.get_vocabulary(include_special_tokens=False)
    df = {t: sum(t in row for row in docs.tolist()) for t in vocab}
    idf = np.array([math.log(1 + len(docs) / (1 + df[t])) for t in vocab], np.float32)
    idf = np.concatenate([[idf.mean()], idf])
    np.testing.assert_allclose(layer.idf_weights.numpy(), idf, rtol=1e-6)
    query = np.array([["a", "a", "z"], ["c", "d", "e"]])
    counts = np.array([[row.count(t) for t in ["[UNK]"] + vocab]
                       for row in [[w if w in vocab else "[UNK]" for w in r]
                                   for r in query.tolist()]], np.float32)
    got = layer(query)
    assert got.dtype == ember.float32
    np.testing.assert_allclose(got.numpy(), counts * idf, rtol=1e-6)


def test_given_idf_weights_are_padded_with_their_mean_and_zeros():
    layer = L.StringLookup(vocabulary=["a", "b"], idf_weights=[1.0, 3.0],
                           output_mode="tf_idf", max_tokens=5, pad_to_max_tokens=True)
    np.testing.assert_allclose(layer.idf_weights.numpy(), [2.0, 1.0, 3.0, 0.0, 0.0])
    np.testing.assert_allclose(layer([["a", "b", "b", "q"]]).numpy(),
                               [[2.0, 1.0, 6.0, 0.0, 0.0]])


# -- OOV and masks -------------------------------------------------------------------------------
def test_several_oov_indices_hash_strings_and_floormod_ints():
    words = ["zebra", "yak", "x", "日本", "w" * 80]
    layer = L.StringLookup(vocabulary=VOCAB, num_oov_indices=3, mask_token="")
    want = (fingerprint64(words) % np.uint64(3)).astype(np.int64) + 1
    assert layer(words).numpy().tolist() == want.tolist()
    ints = L.IntegerLookup(vocabulary=[10, 20], num_oov_indices=4)
    values = np.array([-7, 5, 6, 10, 103])
    assert ints(values).numpy().tolist() == [1, 1, 2, 4, 3]   # (v mod 4) + 0 oov start
    hashed = L.IntegerLookup(vocabulary=[10, 20], num_oov_indices=4, oov_method="farmhash")
    want = (fingerprint64([str(v) for v in [-7, 5, 6]]) % np.uint64(4)).astype(np.int64)
    assert hashed(values[:3]).numpy().tolist() == want.tolist()


def test_no_oov_indices_errors_on_unknown_tokens():
    layer = L.StringLookup(vocabulary=VOCAB, num_oov_indices=0)
    assert layer(["the", "mat"]).numpy().tolist() == [0, 4]
    with pytest.raises(ValueError, match="num_oov_indices=0"):
        layer(["the", "dog"])


def test_mask_token_maps_to_zero_or_is_dropped():
    int_layer = L.IntegerLookup(vocabulary=[3, 4], mask_token=0)
    assert int_layer([[3, 0, 9]]).numpy().tolist() == [[2, 0, 1]]
    count = L.IntegerLookup(vocabulary=[3, 4], mask_token=0, output_mode="count")
    assert count([[3, 0, 0, 9, 3]]).numpy().tolist() == [[1, 2, 0]]
    one_hot = L.IntegerLookup(vocabulary=[3, 4], mask_token=0, output_mode="one_hot")
    assert one_hot([3, 0]).numpy().tolist() == [[0, 1, 0], [0, 0, 0]]


# -- shapes, symbolic use, configs -------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["int", "one_hot", "multi_hot", "count", "tf_idf"])
@pytest.mark.parametrize("shape", [(4,), (3, 1), (2, 3)])
def test_compute_output_shape_matches_eager(mode, shape, rng):
    extra = {"idf_weights": [1.0, 2.0, 3.0]} if mode == "tf_idf" else {}
    layer = L.IntegerLookup(vocabulary=[1, 2, 3], output_mode=mode, **extra)
    x = rng.integers(0, 5, shape)
    out = layer(x)
    assert tuple(out.shape) == layer.compute_output_shape(shape)
    symbolic = layer(keras.Input(shape[1:], dtype="int64"))
    assert symbolic.shape[1:] == tuple(out.shape)[1:]
    assert symbolic.dtype == out.dtype.name


def test_string_layers_explain_they_cannot_be_symbolic():
    with pytest.raises(NotImplementedError, match="cannot hold"):
        L.StringLookup(vocabulary=VOCAB)(keras.Input((2,), dtype="int64"))
    with pytest.raises(NotImplementedError, match="returns strings"):
        L.StringLookup(vocabulary=VOCAB, invert=True)(keras.Input((2,), dtype="int64"))


def test_multi_hot_vocabulary_size_is_frozen():
    layer = L.StringLookup(output_mode="multi_hot")
    with pytest.raises(RuntimeError, match="set the layer's vocabulary"):
        layer(["a"])
    layer.adapt(["a", "b"])
    assert layer(["a", "q"]).numpy().tolist() == [1, 0, 1]   # vocab: [UNK], b, a
    with pytest.raises(RuntimeError, match="cannot be changed"):
        layer.adapt(["a", "b", "c"])


def test_config_round_trip_with_assets_and_variables(tmp_path):
    docs = np.array([["a", "b", "a"], ["b", "c", "c"], ["d", "a", "e"]])
    layer = L.StringLookup(output_mode="tf_idf", max_tokens=6, pad_to_max_tokens=True)
    layer.adapt(docs)
    config = json.loads(json.dumps(layer.get_config()))
    assert config["vocabulary"] is None and config["vocabulary_size"] == 6
    assert "vocabulary_dtype" not in config and config["encoding"] == "utf-8"
    store = {}
    layer.save_own_variables(store)
    layer.save_assets(str(tmp_path))
    clone = L.StringLookup.from_config(config)
    clone.load_own_variables(store)
    clone.load_assets(str(tmp_path))
    assert clone.get_config() == layer.get_config() | {"name": clone.name}
    assert clone.get_vocabulary() == layer.get_vocabulary()
    np.testing.assert_allclose(clone(docs).numpy(), layer(docs).numpy())
    ints = L.IntegerLookup(vocabulary=np.array([5, 9]), mask_token=0, num_oov_indices=2)
    icfg = json.loads(json.dumps(ints.get_config()))
    assert icfg["vocabulary"] == [5, 9] and icfg["vocabulary_dtype"] == "int64"
    assert L.IntegerLookup.from_config(icfg)([9, 0, 5]).numpy().tolist() == [4, 0, 3]
    assert ints.get_weights() == []


def test_training_through_lookups_lowers_the_loss(rng):
    inputs = keras.Input((4,), dtype="int64")
    encoded = L.CategoryEncoding(6, output_mode="count")(
        L.IntegerLookup(vocabulary=[10, 20, 30, 40, 50])(inputs))
    model = keras.Model(inputs, L.Dense(1)(encoded))
    x = rng.choice([10, 20, 30, 40, 50, 60], size=(32, 4))
    y = ember.constant(((x == 20).sum(1) - (x == 60).sum(1)).astype("float32")[:, None])
    losses = []
    for _ in range(8):
        with ember.GradientTape() as tape:
            loss = ember.reduce_mean(ember.square(model(x) - y))
        grads = tape.gradient(loss, model.trainable_weights)
        for v, g in zip(model.trainable_weights, grads):
            v.assign_sub(0.05 * g)
        losses.append(float(loss))
    assert losses[-1] < losses[0]
