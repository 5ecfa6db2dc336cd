"""MultiHeadAttention, GroupedQueryAttention, Attention and AdditiveAttention: shapes
(eager and symbolic), values against NumPy re-statements of Keras's formulas, masks,
dropout, training steps, configs and errors."""
from __future__ import annotations

import numpy as np
import pytest

import ember
from ember import keras

L = keras.layers


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _randomize(layer, rng, scale=0.5):
    layer.set_weights([rng.standard_normal(w.shape).astype(np.float32) * scale
                       for w in layer.get_weights()])


def _np_mha(weights, q, v, k=None, mask=None, key_dim=None):
    """Keras's MultiHeadAttention for rank-3 inputs, in NumPy."""
    wq, bq, wk, bk, wv, bv, wo, bo = weights
    k = v if k is None else k
    qp = np.einsum("btd,dnh->btnh", q, wq) + bq
    kp = np.einsum("bsd,dnh->bsnh", k, wk) + bk
    vp = np.einsum("bsd,dnh->bsnh", v, wv) + bv
    logits = np.einsum("btnh,bsnh->bnts", qp / np.sqrt(key_dim), kp)
    if mask is not None:
        logits = np.where(mask[:, None], logits, -1e9)
    probs = _softmax(logits)
    out = np.einsum("bnts,bsnh->btnh", probs, vp)
    return np.einsum("btnh,nhd->btd", out, wo) + bo, probs


# -- MultiHeadAttention ------------------------------------------------------------------------
def test_mha_weights_shapes_names_and_order():
    mha = L.MultiHeadAttention(num_heads=3, key_dim=4, value_dim=5)
    mha(ember.ones((2, 6, 8)), ember.ones((2, 7, 10)))
    assert [w.name for w in mha.weights] == ["kernel", "bias"] * 4
    assert [w.path.split("/")[-2] for w in mha.weights] == [
        "query", "query", "key", "key", "value", "value", "attention_output",
        "attention_output"]
    assert [tuple(w.shape) for w in mha.weights] == [
        (8, 3, 4), (3, 4), (10, 3, 4), (3, 4), (10, 3, 5), (3, 5), (3, 5, 8), (8,)]
    assert mha.query_dense.equation == "abc,cde->abde"
    assert mha.output_dense.equation == "abcd,cde->abe"
    assert mha.count_params() == sum(int(np.prod(w.shape)) for w in mha.weights)


def test_mha_values_match_numpy(rng):
    mha = L.MultiHeadAttention(num_heads=2, key_dim=3)
    q = rng.standard_normal((2, 4, 5)).astype(np.float32)
    v = rng.standard_normal((2, 6, 5)).astype(np.float32)
    mha(q, v)
    _randomize(mha, rng)
    out, scores = mha(q, v, return_attention_scores=True)
    want, probs = _np_mha(mha.get_weights(), q, v, key_dim=3)
    np.testing.assert_allclose(out.numpy(), want, atol=1e-5)
    np.testing.assert_allclose(scores.numpy(), probs, atol=1e-6)
    np.testing.assert_allclose(mha(q, v).numpy(), want, atol=1e-5)


def test_mha_separate_key_and_attention_mask(rng):
    mha = L.MultiHeadAttention(num_heads=2, key_dim=3)
    q = rng.standard_normal((2, 4, 5)).astype(np.float32)
    v = rng.standard_normal((2, 6, 5)).astype(np.float32)
    k = rng.standard_normal((2, 6, 5)).astype(np.float32)
    mask = rng.random((2, 4, 6)) > 0.3
    mask[..., 0] = True
    mha(q, v, k)
    _randomize(mha, rng)
    out = mha(q, v, k, attention_mask=mask)
    want, _ = _np_mha(mha.get_weights(), q, v, k, mask=mask, key_dim=3)
    np.testing.assert_allclose(out.numpy(), want, atol=1e-5)


def test_mha_causal_mask_equals_explicit_lower_triangle(rng):
    mha = L.MultiHeadAttention(num_heads=2, key_dim=4)
    x = ember.constant(rng.standard_normal((2, 5, 6)).astype(np.float32))
    causal = mha(x, x, use_causal_mask=True)
    tril = np.tril(np.ones((5, 5), bool))[None]
    np.testing.assert_allclose(causal.numpy(), mha(x, x, attention_mask=tril).numpy(),
                               atol=1e-6)
    _, scores = mha(x, x, use_causal_mask=True, return_attention_scores=True)
    assert np.all(scores.numpy()[..., ~tril[0]] == 0)


def test_mha_keras_masks_are_merged_and_query_mask_propagates(rng):
    mha = L.MultiHeadAttention(num_heads=2, key_dim=3)
    q = ember.constant(rng.standard_normal((2, 4, 5)).astype(np.float32))
    v = ember.constant(rng.standard_normal((2, 6, 5)).astype(np.float32))
    q_mask = np.array([[1, 1, 1, 0], [1, 1, 0, 0]], bool)
    v_mask = np.array([[1, 1, 1, 1, 0, 0], [1, 0, 1, 0, 1, 0]], bool)
    q._keras_mask = ember.constant(q_mask)
    v._keras_mask = ember.constant(v_mask)
    out = mha(q, v)
    merged = q_mask[:, :, None] & v_mask[:, None, :]
    q2, v2 = ember.constant(q.numpy()), ember.constant(v.numpy())
    explicit = mha(q2, v2, attention_mask=merged)
    np.testing.assert_allclose(out.numpy(), explicit.numpy(), atol=1e-6)
    np.testing.assert_array_equal(out._keras_mask.numpy(), q_mask)
    # the same masks given as arguments
    by_args = mha(q2, v2, query_mask=q_mask, value_mask=v_mask)
    np.testing.assert_allclose(by_args.numpy(), explicit.numpy(), atol=1e-6)


def test_mha_embedding_mask_flows_through_a_model(rng):
    tokens = keras.Input((None,), dtype="int32")  # (1, 3) ids below: Keras needs None
    x = L.Embedding(10, 8, mask_zero=True)(tokens)
    x = L.MultiHeadAttention(2, 4)(x, x)
    model = keras.Model(tokens, L.GlobalAveragePooling1D()(x))
    ids = np.array([[3, 4, 5, 0, 0, 0], [1, 2, 3, 4, 5, 6]], np.int32)
    out = model(ids).numpy()
    # padding must not change the result
    ids2 = ids.copy()
    ids2[0, 3:] = 0
    np.testing.assert_allclose(model(ids2).numpy(), out, atol=1e-6)
    short = model(ids[:1, :3]).numpy()
    np.testing.assert_allclose(out[0], short[0], atol=1e-5)


@pytest.mark.parametrize("kwargs,q_shape,v_shape,out_shape,scores_shape", [
    ({}, (2, 4, 6), (2, 5, 6), (2, 4, 6), (2, 2, 4, 5)),
    ({"output_shape": 7}, (2, 4, 6), (2, 5, 3), (2, 4, 7), (2, 2, 4, 5)),
    ({"output_shape": (2, 3)}, (2, 4, 6), (2, 5, 6), (2, 4, 2, 3), (2, 2, 4, 5)),
    ({}, (2, 3, 4, 5), (2, 3, 2, 5), (2, 3, 4, 5), (2, 2, 3, 4, 3, 2)),
    ({"attention_axes": 2}, (2, 3, 4, 5), (2, 3, 2, 5), (2, 3, 4, 5), (2, 3, 2, 4, 2)),
])
def test_mha_shapes_eager_symbolic_and_computed(kwargs, q_shape, v_shape, out_shape,
                                                scores_shape):
    mha = L.MultiHeadAttention(num_heads=2, key_dim=3, **kwargs)
    out, scores = mha(ember.ones(q_shape), ember.ones(v_shape), return_attention_scores=True)
    assert tuple(out.shape) == out_shape and tuple(scores.shape) == scores_shape
    assert tuple(mha.compute_output_shape(q_shape, v_shape)) == out_shape
    qi, vi = keras.Input(q_shape[1:]), keras.Input(v_shape[1:])
    sym_out, sym_scores = L.MultiHeadAttention(num_heads=2, key_dim=3, **kwargs)(
        qi, vi, return_attention_scores=True)
    assert sym_out.shape == (None,) + out_shape[1:]
    assert sym_scores.shape == (None,) + scores_shape[1:]


def test_mha_symbolic_model_runs_and_shares_weights(rng):
    q_in, v_in = keras.Input((4, 6)), keras.Input((5, 6))
    mha = L.MultiHeadAttention(num_heads=2, key_dim=3)
    model = keras.Model([q_in, v_in], mha(q_in, v_in))
    q = rng.standard_normal((3, 4, 6)).astype(np.float32)
    v = rng.standard_normal((3, 5, 6)).astype(np.float32)
    np.testing.assert_allclose(model([q, v]).numpy(), mha(q, v).numpy(), atol=1e-6)
    assert len(model.weights) == 8


def test_mha_gate_and_sliding_window(rng):
    mha = L.MultiHeadAttention(num_heads=2, key_dim=3, use_gate=True, sliding_window=2)
    x = ember.constant(rng.standard_normal((2, 5, 4)).astype(np.float32))
    _, scores = mha(x, x, return_attention_scores=True)
    assert len(mha.weights) == 10 and mha.weights[4].path.endswith("gate/kernel")
    band = np.abs(np.arange(5)[:, None] - np.arange(5)[None]) < 2
    assert np.all(scores.numpy()[..., ~band] == 0)


def test_mha_dropout_training_only_and_seeded(rng):
    x = ember.constant(rng.standard_normal((2, 6, 4)).astype(np.float32))
    mha = L.MultiHeadAttention(num_heads=2, key_dim=3, dropout=0.5, seed=3)
    base = mha(x, x).numpy()
    np.testing.assert_allclose(mha(x, x, training=False).numpy(), base)
    a = mha(x, x, training=True).numpy()
    b = mha(x, x, training=True).numpy()
    assert not np.allclose(a, base) and not np.allclose(a, b)
    mha2 = L.MultiHeadAttention(num_heads=2, key_dim=3, dropout=0.5, seed=3)
    mha2(x, x)
    mha2.set_weights(mha.get_weights())
    np.testing.assert_allclose(mha2(x, x, training=True).numpy(), a, atol=1e-6)


def test_mha_config_round_trip_same_outputs(rng):
    mha = L.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=4, output_shape=5,
                               use_bias=False, kernel_regularizer="l2",
                               kernel_initializer="he_normal", name="attn")
    q = rng.standard_normal((2, 4, 6)).astype(np.float32)
    out = mha(q, q)
    config = mha.get_config()
    assert config["value_dim"] == 4 and config["output_shape"] == (5,)
    assert config["kernel_regularizer"]["class_name"] == "L2"
    clone = L.MultiHeadAttention.from_config(config)
    clone.build_from_config(mha.get_build_config())
    clone.set_weights(mha.get_weights())
    np.testing.assert_allclose(clone(q, q).numpy(), out.numpy(), atol=1e-6)
    assert clone.get_config() == config
    assert len(mha.losses) == 4     # the four kernels' L2 penalties (no biases)


def test_mha_sublayers_get_distinct_initial_kernels():
    mha = L.MultiHeadAttention(num_heads=2, key_dim=4)
    mha(ember.ones((1, 3, 4)), ember.ones((1, 3, 4)))
    kernels = [w.numpy() for w in mha.weights if w.name == "kernel"][:3]
    assert not np.allclose(kernels[0], kernels[1])
    assert not np.allclose(kernels[1], kernels[2])


def test_mha_training_step_lowers_loss(rng):
    mha = L.MultiHeadAttention(num_heads=2, key_dim=4)
    x = ember.constant(rng.standard_normal((4, 5, 6)).astype(np.float32))
    target = ember.constant(rng.standard_normal((4, 5, 6)).astype(np.float32))

    def loss():
        return ember.reduce_mean((mha(x, x, training=True) - target) ** 2)
    first = float(loss())
    for _ in range(10):
        with ember.GradientTape() as tape:
            value = loss()
        grads = tape.gradient(value, mha.trainable_weights)
        assert all(g is not None for g in grads)
        for w, g in zip(mha.trainable_weights, grads):
            w.assign_sub(0.1 * g)
    assert float(loss()) < first


def test_mha_errors():
    with pytest.raises(ValueError, match="num_heads"):
        L.MultiHeadAttention(num_heads=0, key_dim=2)
    with pytest.raises(ValueError, match="key_dim"):
        L.MultiHeadAttention(num_heads=2, key_dim=None)
    with pytest.raises(ValueError, match="attention_axes"):
        L.MultiHeadAttention(num_heads=2, key_dim=2, attention_axes="x")
    mha = L.MultiHeadAttention(num_heads=2, key_dim=2)
    with pytest.raises(ValueError, match="except the last one"):
        mha(ember.ones((1, 3, 4)), ember.ones((1, 5, 4)), ember.ones((1, 6, 4)))
    with pytest.raises(ValueError, match="query.*value"):
        L.MultiHeadAttention(num_heads=2, key_dim=2)(ember.ones((1, 3, 4)))


# -- GroupedQueryAttention ---------------------------------------------------------------------
def test_gqa_alias_shapes_and_values(rng):
    assert L.GroupQueryAttention is L.GroupedQueryAttention
    gqa = L.GroupQueryAttention(head_dim=3, num_query_heads=4, num_key_value_heads=2)
    q = rng.standard_normal((2, 4, 6)).astype(np.float32)
    v = rng.standard_normal((2, 5, 6)).astype(np.float32)
    gqa(q, v)
    assert [tuple(w.shape) for w in gqa.weights] == [
        (6, 4, 3), (4, 3), (6, 2, 3), (2, 3), (6, 2, 3), (2, 3), (4, 3, 6), (6,)]
    _randomize(gqa, rng)
    out, scores = gqa(q, v, return_attention_scores=True)
    wq, bq, wk, bk, wv, bv, wo, bo = gqa.get_weights()
    qp = np.einsum("btd,dnh->btnh", q, wq) + bq
    kp = np.repeat(np.einsum("bsd,dnh->bsnh", v, wk) + bk, 2, axis=2)
    vp = np.repeat(np.einsum("bsd,dnh->bsnh", v, wv) + bv, 2, axis=2)
    probs = _softmax(np.einsum("btnh,bsnh->bnts", qp / np.sqrt(3), kp))
    want = np.einsum("btnh,nhd->btd", np.einsum("bnts,bsnh->btnh", probs, vp), wo) + bo
    np.testing.assert_allclose(out.numpy(), want, atol=1e-5)
    np.testing.assert_allclose(scores.numpy(), probs, atol=1e-6)
    assert tuple(gqa.compute_output_shape((2, 4, 6), (2, 5, 6))) == (2, 4, 6)
    qi, vi = keras.Input((4, 6)), keras.Input((5, 6))
    o, s = L.GroupedQueryAttention(3, 4, 2)(qi, vi, return_attention_scores=True)
    assert o.shape == (None, 4, 6) and s.shape == (None, 4, 4, 5)


def test_gqa_config_round_trip_training_and_errors(rng):
    gqa = L.GroupedQueryAttention(head_dim=2, num_query_heads=4, num_key_value_heads=1,
                                  use_bias=False, dropout=0.2, seed=1)
    x = ember.constant(rng.standard_normal((3, 4, 5)).astype(np.float32))
    out = gqa(x, x, use_causal_mask=True)
    config = gqa.get_config()
    clone = L.GroupedQueryAttention.from_config(config)
    clone(x, x)
    clone.set_weights(gqa.get_weights())
    np.testing.assert_allclose(clone(x, x, use_causal_mask=True).numpy(), out.numpy(),
                               atol=1e-6)
    assert clone.get_config() == config
    target = ember.zeros((3, 4, 5))
    losses = []
    for _ in range(6):
        with ember.GradientTape() as tape:
            loss = ember.reduce_mean((gqa(x, x, training=True) - target) ** 2)
        losses.append(float(loss))
        for w, g in zip(gqa.trainable_weights, tape.gradient(loss, gqa.trainable_weights)):
            w.assign_sub(0.2 * g)
    assert losses[-1] < losses[0]
    with pytest.raises(ValueError, match="divisible"):
        L.GroupedQueryAttention(head_dim=2, num_query_heads=3, num_key_value_heads=2)


# -- Attention and AdditiveAttention -----------------------------------------------------------
def test_attention_dot_values_masks_and_scores(rng):
    q = rng.standard_normal((2, 3, 4)).astype(np.float32)
    v = rng.standard_normal((2, 5, 4)).astype(np.float32)
    q_mask = np.array([[1, 1, 0], [1, 1, 1]], bool)
    v_mask = np.array([[1, 1, 1, 0, 0], [1, 0, 1, 0, 1]], bool)
    layer = L.Attention(use_scale=True)
    layer([q, v])
    layer.set_weights([np.array(0.7, np.float32)])
    out, scores = layer([q, v], mask=[q_mask, v_mask], return_attention_scores=True)
    logits = 0.7 * np.einsum("btd,bsd->bts", q, v)
    logits = np.where(v_mask[:, None], logits, logits - 1e9)
    probs = _softmax(logits)
    want = np.where(q_mask[..., None], probs @ v, 0)
    np.testing.assert_allclose(out.numpy(), want, atol=1e-5)
    np.testing.assert_allclose(scores.numpy(), probs, atol=1e-6)
    # masks attached to the inputs do the same, and the query's mask propagates
    tq, tv = ember.constant(q), ember.constant(v)
    tq._keras_mask, tv._keras_mask = ember.constant(q_mask), ember.constant(v_mask)
    out = layer([tq, tv])
    np.testing.assert_allclose(out.numpy(), want, atol=1e-5)
    np.testing.assert_array_equal(out._keras_mask.numpy(), q_mask)


def test_attention_concat_and_causal(rng):
    q = rng.standard_normal((2, 4, 3)).astype(np.float32)
    v = rng.standard_normal((2, 4, 3)).astype(np.float32)
    layer = L.Attention(score_mode="concat", use_scale=True)
    layer([q, v])
    assert [w.name for w in layer.weights] == ["scale", "concat_score_weight"]
    layer.set_weights([np.array(0.5, np.float32), np.array(2.0, np.float32)])
    out, scores = layer([q, v], use_causal_mask=True, return_attention_scores=True)
    logits = 2.0 * np.tanh(0.5 * (q[:, :, None] + v[:, None])).sum(-1)
    tril = np.tril(np.ones((4, 4), bool))
    probs = _softmax(np.where(tril, logits, logits - 1e9))
    np.testing.assert_allclose(scores.numpy(), probs, atol=1e-6)
    np.testing.assert_allclose(out.numpy(), probs @ v, atol=1e-5)


def test_additive_attention_values_and_config(rng):
    q = rng.standard_normal((2, 3, 4)).astype(np.float32)
    v = rng.standard_normal((2, 5, 4)).astype(np.float32)
    k = rng.standard_normal((2, 5, 4)).astype(np.float32)
    layer = L.AdditiveAttention()
    out = layer([q, v, k])
    scale = layer.get_weights()[0]
    assert scale.shape == (4,)
    probs = _softmax((scale * np.tanh(q[:, :, None] + k[:, None])).sum(-1))
    np.testing.assert_allclose(out.numpy(), probs @ v, atol=1e-5)
    config = layer.get_config()
    assert "score_mode" not in config and config["use_scale"] is True
    clone = L.AdditiveAttention.from_config(config)
    clone([q, v, k])
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(clone([q, v, k]).numpy(), out.numpy(), atol=1e-6)


@pytest.mark.parametrize("cls", [L.Attention, L.AdditiveAttention])
def test_attention_layers_shapes_symbolic_training_and_dropout(cls, rng):
    q = ember.constant(rng.standard_normal((4, 3, 4)).astype(np.float32))
    v = ember.constant(rng.standard_normal((4, 5, 4)).astype(np.float32))
    layer = cls(dropout=0.5, seed=2) if cls is L.Attention else cls(dropout=0.5)
    out = layer([q, v])
    assert tuple(out.shape) == (4, 3, 4)
    assert tuple(layer.compute_output_shape([(4, 3, 4), (4, 5, 4)])) == (4, 3, 4)
    o, s = cls()([keras.Input((3, 4)), keras.Input((5, 4))], return_attention_scores=True)
    assert o.shape == (None, 3, 4) and s.shape == (None, 3, 5)
    np.testing.assert_allclose(layer([q, v], training=False).numpy(), out.numpy())
    assert not np.allclose(layer([q, v], training=True).numpy(), out.numpy())
    trainable = cls(use_scale=True)
    target = ember.zeros((4, 3, 4))
    trainable([q, q])
    losses = []
    for _ in range(5):
        with ember.GradientTape() as tape:
            loss = ember.reduce_mean((trainable([q, q]) - target) ** 2)
        losses.append(float(loss))
        for w, g in zip(trainable.trainable_weights,
                        tape.gradient(loss, trainable.trainable_weights)):
            w.assign_sub(0.5 * g)
    assert losses[-1] < losses[0]


def test_attention_errors():
    with pytest.raises(ValueError, match="score_mode"):
        L.Attention(score_mode="add")
    with pytest.raises(ValueError, match="list of inputs"):
        L.Attention()(ember.ones((1, 2, 3)))
    with pytest.raises(ValueError, match="length 2 or 3"):
        L.Attention()([ember.ones((1, 2, 3))])


def test_mha_fused_self_attention_projections_match_separate_ones(rng):
    mha = L.MultiHeadAttention(num_heads=2, key_dim=3)
    x = ember.constant(rng.standard_normal((2, 5, 4)).astype(np.float32))
    mha(x, x)
    _randomize(mha, rng)
    mask = np.tril(np.ones((5, 5), bool))[None]
    results = []
    for fuse in (True, False):
        mha._fuse_projections = fuse
        with ember.GradientTape() as tape:
            tape.watch(x)
            out, scores = mha(x, x, attention_mask=mask, return_attention_scores=True)
            loss = ember.reduce_sum(out * out)
        grads = tape.gradient(loss, mha.trainable_weights + [x])
        results.append([out.numpy(), scores.numpy()] + [g.numpy() for g in grads])
    for fused, separate in zip(*results):
        np.testing.assert_allclose(fused, separate, rtol=1e-5, atol=1e-5)


def test_mha_self_attention_with_value_dim_other_than_key_dim(rng):
    # the fused self-attention path stacked kernels of different head sizes and raised;
    # Keras runs it (regression)
    mha = L.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=5)
    x = rng.standard_normal((2, 4, 6)).astype(np.float32)
    mha(x, x)
    _randomize(mha, rng)
    want, probs = _np_mha(mha.get_weights(), x, x, key_dim=3)
    out, scores = mha(x, x, return_attention_scores=True)
    np.testing.assert_allclose(out.numpy(), want, atol=1e-5)
    np.testing.assert_allclose(scores.numpy(), probs, atol=1e-6)
    np.testing.assert_allclose(mha(x, x).numpy(), want, atol=1e-5)
