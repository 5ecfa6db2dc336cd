"""keras.ops: values vs NumPy, symbolic use in a functional model, config round trip."""
import numpy as np
import pytest

import ember
from ember import keras

ops = keras.ops
rng = np.random.default_rng(0)
A = rng.normal(size=(3, 4)).astype("float32")
B = rng.normal(size=(3, 4)).astype("float32")
P = np.abs(A) + 0.5
M = rng.normal(size=(4, 2)).astype("float32")
I = np.array([[3, 1, 2], [0, 5, 4]], dtype="int32")
BOOL = A > 0


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis, keepdims=True))
    return e / e.sum(axis, keepdims=True)


def _gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))


CASES = [  # (id, keras call, numpy reference)
    ("add", lambda: ops.add(A, B), lambda: A + B),
    ("subtract", lambda: ops.subtract(A, 1.0), lambda: A - 1.0),
    ("multiply", lambda: ops.multiply(A, B), lambda: A * B),
    ("divide", lambda: ops.divide(A, P), lambda: A / P),
    ("divide_int", lambda: ops.divide(I, 2), lambda: I / 2),
    ("true_divide", lambda: ops.true_divide(A, P), lambda: A / P),
    ("power", lambda: ops.power(P, 2.0), lambda: P ** 2),
    ("negative", lambda: ops.negative(A), lambda: -A),
    ("abs", lambda: ops.abs(A), lambda: np.abs(A)),
    ("sign", lambda: ops.sign(A), lambda: np.sign(A)),
    ("exp", lambda: ops.exp(A), lambda: np.exp(A)),
    ("log", lambda: ops.log(P), lambda: np.log(P)),
    ("log1p", lambda: ops.log1p(P), lambda: np.log1p(P)),
    ("expm1", lambda: ops.expm1(A), lambda: np.expm1(A)),
    ("sqrt", lambda: ops.sqrt(P), lambda: np.sqrt(P)),
    ("square", lambda: ops.square(A), lambda: np.square(A)),
    ("maximum", lambda: ops.maximum(A, B), lambda: np.maximum(A, B)),
    ("minimum", lambda: ops.minimum(A, 0.0), lambda: np.minimum(A, 0.0)),
    ("clip", lambda: ops.clip(A, -0.5, 0.5), lambda: np.clip(A, -0.5, 0.5)),
    ("where", lambda: ops.where(BOOL, A, B), lambda: np.where(BOOL, A, B)),
    ("where_bcast", lambda: ops.where(BOOL, A, 0.0), lambda: np.where(BOOL, A, 0.0)),
    ("equal", lambda: ops.equal(I, 3), lambda: I == 3),
    ("not_equal", lambda: ops.not_equal(I, 3), lambda: I != 3),
    ("greater", lambda: ops.greater(A, B), lambda: A > B),
    ("greater_equal", lambda: ops.greater_equal(A, 0.0), lambda: A >= 0),
    ("less", lambda: ops.less(A, B), lambda: A < B),
    ("less_equal", lambda: ops.less_equal(A, 0.0), lambda: A <= 0),
    ("logical_and", lambda: ops.logical_and(BOOL, A < 1), lambda: BOOL & (A < 1)),
    ("logical_or", lambda: ops.logical_or(BOOL, A < -1), lambda: BOOL | (A < -1)),
    ("logical_not", lambda: ops.logical_not(BOOL), lambda: ~BOOL),
    ("sum", lambda: ops.sum(A), lambda: A.sum()),
    ("sum_axis", lambda: ops.sum(A, axis=1, keepdims=True), lambda: A.sum(1, keepdims=True)),
    ("sum_axes", lambda: ops.sum(A, axis=(0, 1)), lambda: A.sum((0, 1))),
    ("sum_bool", lambda: ops.sum(BOOL, axis=0), lambda: BOOL.sum(0)),
    ("mean", lambda: ops.mean(A, axis=0), lambda: A.mean(0)),
    ("mean_int", lambda: ops.mean(I), lambda: I.mean()),
    ("max", lambda: ops.max(A, axis=1), lambda: A.max(1)),
    ("min", lambda: ops.min(A), lambda: A.min()),
    ("prod", lambda: ops.prod(P, axis=0), lambda: P.prod(0)),
    ("std", lambda: ops.std(A, axis=1), lambda: A.std(1)),
    ("var", lambda: ops.var(A), lambda: A.var()),
    ("argmax", lambda: ops.argmax(A, axis=1), lambda: A.argmax(1)),
    ("argmax_flat", lambda: ops.argmax(A), lambda: A.argmax()),
    ("argmin", lambda: ops.argmin(A, axis=0), lambda: A.argmin(0)),
    ("all", lambda: ops.all(BOOL, axis=1), lambda: BOOL.all(1)),
    ("any", lambda: ops.any(BOOL), lambda: BOOL.any()),
    ("cumsum", lambda: ops.cumsum(A, axis=1), lambda: A.cumsum(1)),
    ("cumsum_flat", lambda: ops.cumsum(I), lambda: I.cumsum()),
    ("matmul", lambda: ops.matmul(A, M), lambda: A @ M),
    ("matmul_vec", lambda: ops.matmul(A, M[:, 0]), lambda: A @ M[:, 0]),
    ("matmul_batch", lambda: ops.matmul(np.stack([A, B]), M), lambda: np.stack([A, B]) @ M),
    ("dot", lambda: ops.dot(A, M), lambda: np.dot(A, M)),
    ("dot_vec", lambda: ops.dot(A[0], B[0]), lambda: np.dot(A[0], B[0])),
    ("tensordot", lambda: ops.tensordot(A, M, axes=1), lambda: np.tensordot(A, M, 1)),
    ("tensordot_pairs", lambda: ops.tensordot(A, B, axes=([0], [0])),
     lambda: np.tensordot(A, B, ([0], [0]))),
    ("einsum", lambda: ops.einsum("ij,jk->ik", A, M), lambda: np.einsum("ij,jk->ik", A, M)),
    ("reshape", lambda: ops.reshape(A, (2, -1)), lambda: A.reshape(2, -1)),
    ("transpose", lambda: ops.transpose(A), lambda: A.T),
    ("expand_dims", lambda: ops.expand_dims(A, 1), lambda: np.expand_dims(A, 1)),
    ("expand_dims_tuple", lambda: ops.expand_dims(A, (0, -1)),
     lambda: np.expand_dims(A, (0, -1))),
    ("squeeze", lambda: ops.squeeze(A[:, :1]), lambda: np.squeeze(A[:, :1])),
    ("concatenate", lambda: ops.concatenate([A, B], axis=1), lambda: np.concatenate([A, B], 1)),
    ("stack", lambda: ops.stack([A, B], axis=1), lambda: np.stack([A, B], 1)),
    ("tile", lambda: ops.tile(A, (2, 1)), lambda: np.tile(A, (2, 1))),
    ("repeat", lambda: ops.repeat(A, 2, axis=1), lambda: np.repeat(A, 2, axis=1)),
    ("repeat_flat", lambda: ops.repeat(I, 2), lambda: np.repeat(I, 2)),
    ("take", lambda: ops.take(A, [0, -1], axis=1), lambda: np.take(A, [0, -1], axis=1)),
    ("take_flat", lambda: ops.take(A, [1, 5]), lambda: np.take(A, [1, 5])),
    ("take_along_axis", lambda: ops.take_along_axis(A, np.argsort(A, 1), axis=1),
     lambda: np.take_along_axis(A, np.argsort(A, 1), axis=1)),
    ("broadcast_to", lambda: ops.broadcast_to(A[0], (2, 4)), lambda: np.broadcast_to(A[0], (2, 4))),
    ("zeros", lambda: ops.zeros((2, 3)), lambda: np.zeros((2, 3), "float32")),
    ("ones", lambda: ops.ones(3, dtype="int32"), lambda: np.ones(3, "int32")),
    ("zeros_like", lambda: ops.zeros_like(I), lambda: np.zeros_like(I)),
    ("ones_like", lambda: ops.ones_like(A), lambda: np.ones_like(A)),
    ("full", lambda: ops.full((2, 2), 7.0), lambda: np.full((2, 2), 7.0, "float32")),
    ("full_like", lambda: ops.full_like(A, 2), lambda: np.full_like(A, 2)),
    ("arange", lambda: ops.arange(5), lambda: np.arange(5, dtype="int32")),
    ("arange_float", lambda: ops.arange(0.0, 1.0, 0.25), lambda: np.arange(0, 1, 0.25, "float32")),
    ("linspace", lambda: ops.linspace(0, 1, 5), lambda: np.linspace(0, 1, 5).astype("float32")),
    ("eye", lambda: ops.eye(3, 4, k=1), lambda: np.eye(3, 4, 1, dtype="float32")),
    ("sin", lambda: ops.sin(A), lambda: np.sin(A)),
    ("cos", lambda: ops.cos(A), lambda: np.cos(A)),
    ("tanh", lambda: ops.tanh(A), lambda: np.tanh(A)),
    ("round", lambda: ops.round([0.5, 1.5, 2.5, -0.5]), lambda: np.round([0.5, 1.5, 2.5, -0.5]).astype("float32")),
    ("round_decimals", lambda: ops.round(A, 1), lambda: np.round(A, 1)),
    ("floor", lambda: ops.floor(A), lambda: np.floor(A)),
    ("ceil", lambda: ops.ceil(A), lambda: np.ceil(A)),
    ("sort", lambda: ops.sort(A, axis=1), lambda: np.sort(A, 1)),
    ("argsort", lambda: ops.argsort(A), lambda: np.argsort(A)),
    ("flip", lambda: ops.flip(A, axis=1), lambda: np.flip(A, 1)),
    ("flip_all", lambda: ops.flip(A), lambda: np.flip(A)),
    ("roll", lambda: ops.roll(A, 1, axis=1), lambda: np.roll(A, 1, 1)),
    ("roll_flat", lambda: ops.roll(A, 2), lambda: np.roll(A, 2)),
    ("pad", lambda: ops.pad(A, ((1, 0), (0, 2))), lambda: np.pad(A, ((1, 0), (0, 2)))),
    ("pad_reflect", lambda: ops.pad(A, 1, mode="reflect"), lambda: np.pad(A, 1, mode="reflect")),
    ("triu", lambda: ops.triu(A, 1), lambda: np.triu(A, 1)),
    ("tril", lambda: ops.tril(A), lambda: np.tril(A)),
    ("diag_1d", lambda: ops.diag(A[0]), lambda: np.diag(A[0])),
    ("diag_2d", lambda: ops.diag(A), lambda: np.diag(A)),
    ("size", lambda: ops.size(A), lambda: np.int32(A.size)),
    ("cast", lambda: ops.cast(A * 3, "int32"), lambda: (A * 3).astype("int32")),
    ("convert_to_tensor", lambda: ops.convert_to_tensor([1, 2]), lambda: np.array([1, 2], "int32")),
    ("stop_gradient", lambda: ops.stop_gradient(A), lambda: A),
    # nn
    ("relu", lambda: ops.relu(A), lambda: np.maximum(A, 0)),
    ("relu6", lambda: ops.relu6(A * 10), lambda: np.clip(A * 10, 0, 6)),
    ("sigmoid", lambda: ops.sigmoid(A), lambda: _sigmoid(A)),
    ("nn_tanh", lambda: ops.nn.tanh(A), lambda: np.tanh(A)),
    ("softmax", lambda: ops.softmax(A), lambda: _softmax(A)),
    ("softmax_axis0", lambda: ops.softmax(A, axis=0), lambda: _softmax(A, 0)),
    ("log_softmax", lambda: ops.log_softmax(A), lambda: np.log(_softmax(A))),
    ("gelu", lambda: ops.gelu(A), lambda: _gelu_tanh(A)),
    ("silu", lambda: ops.silu(A), lambda: A * _sigmoid(A)),
    ("swish", lambda: ops.swish(A), lambda: A * _sigmoid(A)),
    ("elu", lambda: ops.elu(A, alpha=0.5), lambda: np.where(A > 0, A, 0.5 * np.expm1(A))),
    ("selu", lambda: ops.selu(A), lambda: 1.0507009873554805 * np.where(
        A > 0, A, 1.6732632423543772 * np.expm1(A))),
    ("softplus", lambda: ops.softplus(A), lambda: np.log1p(np.exp(A))),
    ("softsign", lambda: ops.softsign(A), lambda: A / (1 + np.abs(A))),
    ("leaky_relu", lambda: ops.leaky_relu(A), lambda: np.where(A >= 0, A, 0.2 * A)),
    ("one_hot", lambda: ops.one_hot(I[0], 6), lambda: np.eye(6, dtype="float32")[I[0]]),
    ("categorical_crossentropy", lambda: ops.categorical_crossentropy(
        np.eye(4, dtype="float32")[[0, 3, 1]], _softmax(A)),
     lambda: -np.log(_softmax(A)[[0, 1, 2], [0, 3, 1]])),
    ("categorical_crossentropy_logits", lambda: ops.categorical_crossentropy(
        np.eye(4, dtype="float32")[[0, 3, 1]], A, from_logits=True),
     lambda: -np.log(_softmax(A)[[0, 1, 2], [0, 3, 1]])),
    ("sparse_categorical_crossentropy", lambda: ops.sparse_categorical_crossentropy(
        [0, 3, 1], A, from_logits=True), lambda: -np.log(_softmax(A)[[0, 1, 2], [0, 3, 1]])),
    ("binary_crossentropy", lambda: ops.binary_crossentropy(
        BOOL.astype("float32"), _sigmoid(A)),
     lambda: -(BOOL * np.log(_sigmoid(A)) + (~BOOL) * np.log(1 - _sigmoid(A)))),
    ("binary_crossentropy_logits", lambda: ops.binary_crossentropy(
        BOOL.astype("float32"), A, from_logits=True),
     lambda: -(BOOL * np.log(_sigmoid(A)) + (~BOOL) * np.log(1 - _sigmoid(A)))),
    ("moments", lambda: ops.moments(A, axes=[0]), lambda: (A.mean(0), A.var(0))),
    ("normalize", lambda: ops.normalize(A), lambda: A / np.linalg.norm(A, axis=-1, keepdims=True)),
    # core
    ("cond", lambda: ops.cond(True, lambda: A, lambda: B), lambda: A),
    ("while_loop", lambda: ops.while_loop(lambda i, s: i < 3, lambda i, s: (i + 1, s * 2.0),
                                          (0, A))[1], lambda: A * 8),
    ("fori_loop", lambda: ops.fori_loop(0, 4, lambda i, v: v + i, 0.0), lambda: 6.0),
    ("scan", lambda: ops.scan(lambda c, x: (c + x, c * 1.0), np.zeros(4, "float32"), A)[1],
     lambda: np.concatenate([np.zeros((1, 4)), np.cumsum(A, 0)[:-1]]).astype("float32")),
    ("slice", lambda: ops.slice(A, (1, 1), (2, 2)), lambda: A[1:3, 1:3]),
    ("dynamic_slice", lambda: ops.dynamic_slice(A, [0, 2], [3, 2]), lambda: A[:, 2:4]),
]


@pytest.mark.parametrize("call,ref", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_values_match_numpy(call, ref):
    got, want = call(), ref()
    if isinstance(want, tuple):
        for g, w in zip(got, want):
            np.testing.assert_allclose(ops.convert_to_numpy(g), w, rtol=1e-5, atol=1e-5)
        return
    got = ops.convert_to_numpy(got)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    assert got.shape == np.shape(want)


def test_dtypes_follow_keras():
    assert ops.argmax(A).dtype == ember.int32
    assert ops.argsort(A).dtype == ember.int32
    assert ops.mean(I).dtype == ember.float32
    assert ops.divide(I, 2).dtype == ember.float32
    assert ops.equal(A, B).dtype == ember.bool
    assert ops.arange(3).dtype == ember.int32
    assert ops.zeros((2,)).dtype == ember.float32
    assert ops.sum(BOOL).dtype == ember.int32


def test_split_sections_and_indices():
    parts = ops.split(A, 2, axis=1)
    assert [tuple(p.shape) for p in parts] == [(3, 2), (3, 2)]
    parts = ops.split(A, [1, 3], axis=1)
    for g, w in zip(parts, np.split(A, [1, 3], axis=1)):
        np.testing.assert_allclose(g.numpy(), w)


def test_info_and_conversion():
    assert ops.shape(A) == (3, 4) and ops.ndim(A) == 2
    assert ops.is_tensor(ops.convert_to_tensor(A)) and not ops.is_tensor(A)
    x = keras.Input((5,))
    assert ops.shape(x) == (None, 5) and ops.ndim(x) == 2
    assert isinstance(ops.convert_to_numpy(ember.constant([1.0])), np.ndarray)
    assert ops.nn.relu is ops.relu and ops.numpy.sum is ops.sum


def test_functional_model_matches_eager_and_round_trips():
    inp = keras.Input((3, 4))
    h = ops.sum(ops.relu(inp), axis=-1)                       # (None, 3)
    h = ops.concatenate([h, ops.max(inp, axis=2)], axis=1)     # (None, 6)
    h = ops.where(ops.greater(h, 1.0), h, ops.zeros_like(h))
    h = ops.add(h, ops.tile(ops.cast(ops.argmax(inp, axis=2), "float32"), (1, 2)))
    out = ops.softmax(ops.reshape(h, (-1, 2, 3)), axis=1)
    assert out.shape == (None, 2, 3)
    model = keras.Model(inp, out)
    data = rng.normal(size=(2, 3, 4)).astype("float32")

    def eager(x):
        h = ops.sum(ops.relu(x), axis=-1)
        h = ops.concatenate([h, ops.max(x, axis=2)], axis=1)
        h = ops.where(ops.greater(h, 1.0), h, ops.zeros_like(h))
        h = ops.add(h, ops.tile(ops.cast(ops.argmax(x, axis=2), "float32"), (1, 2)))
        return ops.softmax(ops.reshape(h, (-1, 2, 3)), axis=1)

    want = eager(data).numpy()
    np.testing.assert_allclose(model.predict(data, verbose=0), want, rtol=1e-6)
    config = model.get_config()
    clone = keras.Model.from_config(config)
    np.testing.assert_allclose(clone.predict(data, verbose=0), want, rtol=1e-6)
    assert clone.get_config() == config


def test_symbolic_with_tensor_keyword_and_list_outputs():
    x = keras.Input((4,))
    a, b = ops.split(x, 2, axis=1)
    y = ops.where(ops.greater(a, 0.0), x1=a, x2=b)
    model = keras.Model(x, y)
    data = rng.normal(size=(3, 4)).astype("float32")
    np.testing.assert_allclose(model.predict(data, verbose=0),
                               np.where(data[:, :2] > 0, data[:, :2], data[:, 2:]))


def test_clear_errors():
    with pytest.raises(ValueError, match="same shape"):
        ops.categorical_crossentropy(np.ones((2, 3)), np.ones((2, 4)))
    with pytest.raises(ValueError, match="both should"):
        ops.where(BOOL, A)
    with pytest.raises(ValueError, match="equal sections"):
        ops.split(A, 3, axis=1)
    with pytest.raises(ValueError, match="mode"):
        ops.pad(A, 1, mode="wrap")
    with pytest.raises(ValueError, match="at least 1 dimension"):
        ops.matmul(2.0, A)
