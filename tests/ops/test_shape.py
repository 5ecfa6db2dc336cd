import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import ember as tf
from ember.core.errors import InvalidArgumentError
from opcheck import OpCase, table_tests


def _mesh(indexing):
    def ref(a, b, c):
        return np.meshgrid(a, b, c, indexing=indexing)
    return ref


CASES = [
    OpCase("reshape", lambda x: tf.reshape(x, [4, -1]), lambda x: x.reshape(4, -1), [(2, 3, 2)]),
    OpCase("transpose_default", tf.transpose, np.transpose, [(2, 3, 4)]),
    OpCase("transpose_perm", lambda x: tf.transpose(x, perm=[1, 2, 0]),
           lambda x: np.transpose(x, (1, 2, 0)), [(2, 3, 4)]),
    OpCase("transpose_sq", lambda x: tf.square(tf.transpose(x, [2, 0, 1])),
           lambda x: np.transpose(x, (2, 0, 1)) ** 2, [(2, 3, 2)], second_order=True),
    OpCase("expand_dims", lambda x: tf.expand_dims(x, -1), lambda x: x[..., None], [(2, 3)]),
    OpCase("expand_dims0", lambda x: tf.expand_dims(x, 0), lambda x: x[None], [(2, 3)]),
    OpCase("squeeze_all", tf.squeeze, np.squeeze, [(1, 3, 1, 2)]),
    OpCase("squeeze_axis", lambda x: tf.squeeze(x, axis=[-2]),
           lambda x: np.squeeze(x, axis=2), [(1, 3, 1, 2)]),
    OpCase("concat", lambda a, b, c: tf.concat([a, b, c], axis=1),
           lambda a, b, c: np.concatenate([a, b, c], axis=1), [(2, 1, 3), (2, 3, 3), (2, 2, 3)]),
    OpCase("concat_neg_sq", lambda a, b: tf.square(tf.concat([a, b], -1)),
           lambda a, b: np.concatenate([a, b], -1) ** 2, [(2, 2), (2, 3)], second_order=True),
    OpCase("stack", lambda a, b: tf.stack([a, b], axis=1),
           lambda a, b: np.stack([a, b], axis=1), [(2, 3), (2, 3)]),
    OpCase("stack_last", lambda a, b: tf.stack([a, b], axis=-1),
           lambda a, b: np.stack([a, b], axis=-1), [(2, 3), (2, 3)]),
    OpCase("unstack", lambda x: tf.unstack(x, axis=1), lambda x: list(np.moveaxis(x, 1, 0)),
           [(2, 3, 2)]),
    OpCase("unstack_one", lambda x: tf.unstack(x, axis=-1)[1] * 3.0,
           lambda x: x[..., 1] * 3.0, [(2, 3)]),
    OpCase("split_even", lambda x: tf.split(x, 3, axis=1), lambda x: np.split(x, 3, axis=1),
           [(2, 6)]),
    OpCase("split_sizes", lambda x: tf.split(x, [2, -1, 1], axis=0),
           lambda x: np.split(x, [2, 6], axis=0), [(7, 2)]),
    OpCase("split_part_sq", lambda x: tf.square(tf.split(x, [1, 3], axis=1)[1]),
           lambda x: x[:, 1:] ** 2, [(2, 4)], second_order=True),
    OpCase("tile", lambda x: tf.tile(x, [2, 1, 3]), lambda x: np.tile(x, (2, 1, 3)),
           [(2, 3, 2)]),
    OpCase("tile_sq", lambda x: tf.square(tf.tile(x, [3, 2])),
           lambda x: np.tile(x, (3, 2)) ** 2, [(2, 2)], second_order=True),
    OpCase("repeat_int", lambda x: tf.repeat(x, 3, axis=1),
           lambda x: np.repeat(x, 3, axis=1), [(2, 3)]),
    OpCase("repeat_list", lambda x: tf.repeat(x, [2, 0, 3], axis=0),
           lambda x: np.repeat(x, [2, 0, 3], axis=0), [(3, 2)]),
    OpCase("repeat_flat", lambda x: tf.repeat(x, 2), lambda x: np.repeat(x, 2), [(2, 3)]),
    OpCase("repeat_list_sq", lambda x: tf.square(tf.repeat(x, [1, 3], axis=-1)),
           lambda x: np.repeat(x, [1, 3], axis=-1) ** 2, [(2, 2)], second_order=True),
    OpCase("pad_constant", lambda x: tf.pad(x, [[1, 2], [0, 3]], constant_values=1.5),
           lambda x: np.pad(x, [[1, 2], [0, 3]], constant_values=1.5), [(2, 3)]),
    OpCase("pad_reflect", lambda x: tf.pad(x, [[2, 1], [1, 2]], "REFLECT"),
           lambda x: np.pad(x, [[2, 1], [1, 2]], mode="reflect"), [(3, 4)]),
    OpCase("pad_symmetric", lambda x: tf.pad(x, [[3, 1], [0, 2]], "symmetric"),
           lambda x: np.pad(x, [[3, 1], [0, 2]], mode="symmetric"), [(3, 2)]),
    OpCase("pad_reflect_sq", lambda x: tf.square(tf.pad(x, [[1, 2]], "REFLECT")),
           lambda x: np.pad(x, [[1, 2]], mode="reflect") ** 2, [(4,)], second_order=True),
    OpCase("pad_const_sq", lambda x: tf.square(tf.pad(x, [[1, 0], [2, 1]])),
           lambda x: np.pad(x, [[1, 0], [2, 1]]) ** 2, [(2, 2)], second_order=True),
    OpCase("broadcast_to", lambda x: tf.broadcast_to(x, [2, 3, 4]),
           lambda x: np.broadcast_to(x, (2, 3, 4)), [(3, 1)]),
    OpCase("reverse", lambda x: tf.reverse(x, axis=[0, -1]), lambda x: x[::-1, :, ::-1],
           [(2, 3, 4)]),
    OpCase("roll", lambda x: tf.roll(x, shift=[1, -2], axis=[0, 1]),
           lambda x: np.roll(x, (1, -2), (0, 1)), [(3, 4)]),
    OpCase("roll_same_axis", lambda x: tf.roll(x, shift=[2, 3], axis=[1, 1]),
           lambda x: np.roll(x, 5, 1), [(2, 4)]),
    OpCase("roll_sq", lambda x: tf.square(tf.roll(x, 2, 0)),
           lambda x: np.roll(x, 2, 0) ** 2, [(5,)], second_order=True),
    OpCase("meshgrid_xy", lambda a, b, c: tf.meshgrid(a, b, c), _mesh("xy"),
           [(2,), (3,), (4,)]),
    OpCase("meshgrid_ij", lambda a, b, c: tf.meshgrid(a, b, c, indexing="ij"), _mesh("ij"),
           [(2,), (3,), (4,)]),
]


test_values, test_gradient, test_second_order = table_tests(CASES)


# -- hypothesis: shapes ---------------------------------------------------------------------
def _grad(fn, arrays, cot):
    ts = [tf.constant(a) for a in arrays]
    with tf.GradientTape() as tape:
        for t in ts:
            tape.watch(t)
        out = fn(*ts)
        y = tf.reduce_sum(out * tf.constant(cot))
    return [g.numpy() for g in tape.gradient(y, ts)]


def test_concat_of_transposed_inputs_is_c_ordered():
    # NumPy would lay the result out like its (transposed) first input; Ember's result is
    # C-ordered, which later sums and matrix products read without another copy
    rng = np.random.default_rng(1)
    a = rng.normal(size=(3, 4, 5)).astype(np.float32).transpose(1, 0, 2)
    b = rng.normal(size=(4, 5, 2)).astype(np.float32).transpose(0, 2, 1)
    got = tf.concat([tf.constant(a), tf.constant(b)], axis=1).numpy()
    np.testing.assert_array_equal(got, np.concatenate([a, b], axis=1))
    assert got.flags.c_contiguous and got.dtype == np.float32

    @tf.function
    def f(x, y):
        return tf.concat([tf.transpose(x, [1, 0, 2]), tf.transpose(y, [0, 2, 1])], axis=-2)

    out = f(a.transpose(1, 0, 2).copy(), b.transpose(0, 2, 1).copy()).numpy()
    np.testing.assert_array_equal(out, got)
    assert out.flags.c_contiguous


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_concat_split_random(data):
    rank = data.draw(st.integers(1, 3))
    base = data.draw(st.lists(st.integers(1, 3), min_size=rank, max_size=rank))
    axis = data.draw(st.integers(-rank, rank - 1))
    sizes = data.draw(st.lists(st.integers(0, 3), min_size=1, max_size=4))
    rng = np.random.default_rng(0)
    arrays = []
    for s in sizes:
        shp = list(base)
        shp[axis] = s
        arrays.append(rng.normal(size=shp))
    want = np.concatenate(arrays, axis=axis)
    got = tf.concat([tf.constant(a) for a in arrays], axis=axis)
    np.testing.assert_array_equal(got.numpy(), want)
    cot = rng.normal(size=want.shape)
    grads = _grad(lambda *ts: tf.concat(list(ts), axis), arrays, cot)
    for g, ref in zip(grads, np.split(cot, np.cumsum(sizes)[:-1], axis=axis)):
        np.testing.assert_allclose(g, ref)
    parts = tf.split(got, sizes, axis=axis)
    for p, a in zip(parts, arrays):
        np.testing.assert_array_equal(p.numpy(), a)


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_stack_unstack_random(data):
    shape = tuple(data.draw(st.lists(st.integers(1, 3), min_size=0, max_size=3)))
    n = data.draw(st.integers(1, 4))
    axis = data.draw(st.integers(-len(shape) - 1, len(shape)))
    rng = np.random.default_rng(1)
    arrays = [rng.normal(size=shape) for _ in range(n)]
    want = np.stack(arrays, axis=axis)
    got = tf.stack([tf.constant(a) for a in arrays], axis=axis)
    np.testing.assert_array_equal(got.numpy(), want)
    back = tf.unstack(got, axis=axis)
    assert len(back) == n
    for b, a in zip(back, arrays):
        np.testing.assert_array_equal(b.numpy(), a)
    cot = rng.normal(size=want.shape)
    grads = _grad(lambda *ts: tf.stack(list(ts), axis), arrays, cot)
    for k, g in enumerate(grads):
        np.testing.assert_allclose(g, np.take(cot, k, axis=axis))


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_transpose_random(data):
    shape = tuple(data.draw(st.lists(st.integers(1, 3), min_size=0, max_size=4)))
    perm = data.draw(st.permutations(list(range(len(shape)))))
    x = np.random.default_rng(2).normal(size=shape)
    got = tf.transpose(tf.constant(x), perm)
    np.testing.assert_array_equal(got.numpy(), np.transpose(x, perm))
    cot = np.random.default_rng(3).normal(size=got.shape)
    (g,) = _grad(lambda t: tf.transpose(t, perm), [x], cot)
    np.testing.assert_allclose(g, np.transpose(cot, np.argsort(perm)))


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_tile_random(data):
    shape = tuple(data.draw(st.lists(st.integers(1, 3), min_size=1, max_size=3)))
    mult = data.draw(st.lists(st.integers(0, 3), min_size=len(shape), max_size=len(shape)))
    x = np.random.default_rng(4).normal(size=shape)
    got = tf.tile(tf.constant(x), mult)
    want = np.tile(x, mult)
    np.testing.assert_array_equal(got.numpy(), want)
    cot = np.random.default_rng(5).normal(size=want.shape)
    (g,) = _grad(lambda t: tf.tile(t, mult), [x], cot)
    inter = [v for m, d in zip(mult, shape) for v in (m, d)]
    ref = cot.reshape(inter).sum(axis=tuple(range(0, 2 * len(shape), 2)))
    np.testing.assert_allclose(g, ref, atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_broadcast_to_random(data):
    target = tuple(data.draw(st.lists(st.integers(1, 3), min_size=0, max_size=4)))
    k = data.draw(st.integers(0, len(target)))
    src = tuple(d if data.draw(st.booleans()) else 1 for d in target[len(target) - k:])
    x = np.random.default_rng(6).normal(size=src)
    got = tf.broadcast_to(tf.constant(x), target)
    np.testing.assert_array_equal(got.numpy(), np.broadcast_to(x, target))
    cot = np.random.default_rng(7).normal(size=target)
    (g,) = _grad(lambda t: tf.broadcast_to(t, target), [x], cot)
    lead = len(target) - len(src)
    ref = cot.sum(axis=tuple(range(lead))) if lead else cot
    ref = ref.sum(axis=tuple(i for i, d in enumerate(src) if d == 1 and target[lead + i] != 1),
                  keepdims=True).reshape(src) if src else ref.reshape(src)
    np.testing.assert_allclose(g, ref, atol=1e-12)
    assert tuple(tf.broadcast_static_shape(tf.TensorShape(src), tf.TensorShape(target))) \
        == np.broadcast_shapes(src, target)
    assert tf.broadcast_dynamic_shape(list(src), list(target)).numpy().tolist() == \
        list(np.broadcast_shapes(src, target))


# -- other behaviour ------------------------------------------------------------------------
def test_dtypes_and_python_values():
    assert tf.concat([tf.constant([1, 2]), [3]], 0).dtype == tf.int32
    assert tf.stack([tf.constant([1.0], dtype="float64"), [2.0]]).dtype == tf.float64
    assert tf.transpose(tf.constant([[1 + 2j]], dtype="complex64"),
                        conjugate=True).numpy()[0, 0] == 1 - 2j
    assert tf.tile(tf.constant(5), []).numpy() == 5
    assert tf.repeat(tf.constant(3), 2).numpy().tolist() == [3, 3]
    assert tf.concat(tf.constant([1, 2]), 0).numpy().tolist() == [1, 2]


def test_broadcast_shapes_unknown_dims():
    s = tf.broadcast_static_shape(tf.TensorShape([None, 1, 3]), tf.TensorShape([4, 1]))
    assert s.as_list() == [None, 4, 3]
    assert tf.broadcast_dynamic_shape(tf.constant([2, 1], dtype="int64"), [3]).dtype == tf.int64


def test_unstack_split_num():
    assert len(tf.unstack(tf.zeros([2, 3]), num=3, axis=1)) == 3
    assert len(tf.split(tf.zeros([6]), 3, num=3)) == 3


def test_variable_inputs_get_gradients():
    v = tf.Variable(np.arange(6.0).reshape(2, 3))
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.tile(tf.transpose(v), [2, 1]) * 2.0)
    np.testing.assert_allclose(tape.gradient(y, v).numpy(), np.full((2, 3), 4.0))


def _raises(fn, *words, exc=InvalidArgumentError):
    with pytest.raises(exc) as info:
        fn()
    msg = str(info.value)
    for w in words:
        assert w in msg, f"{w!r} not in {msg!r}"


def test_errors():
    x = tf.zeros([2, 3])
    _raises(lambda: tf.reshape(x, [4, 2]), "ember.reshape", "(2, 3)", "(4, 2)")
    _raises(lambda: tf.transpose(x, [0, 0]), "ember.transpose", "perm", "(2, 3)")
    _raises(lambda: tf.expand_dims(x, 3), "ember.expand_dims", "axis 3", "rank 2")
    _raises(lambda: tf.squeeze(x, 1), "ember.squeeze", "axis 1", "(2, 3)")
    _raises(lambda: tf.concat([x, tf.zeros([3, 3])], 1), "ember.concat", "(2, 3)", "(3, 3)")
    _raises(lambda: tf.concat([x, x], 2), "ember.concat", "axis 2", "rank 2")
    _raises(lambda: tf.concat([tf.constant(1.0)], 0), "ember.concat", "scalar")
    _raises(lambda: tf.concat([], 0), "ember.concat")
    _raises(lambda: tf.stack([x, tf.zeros([3, 2])]), "ember.stack", "(2, 3)", "(3, 2)")
    _raises(lambda: tf.stack([x, x], axis=3), "ember.stack", "axis 3")
    _raises(lambda: tf.unstack(x, num=3), "ember.unstack", "num=3", "(2, 3)")
    _raises(lambda: tf.unstack(tf.constant(1.0)), "ember.unstack", "scalar")
    _raises(lambda: tf.split(x, 2, axis=1), "ember.split", "size 3", "(2, 3)")
    _raises(lambda: tf.split(x, [1, 1], axis=1), "ember.split", "(2, 3)")
    _raises(lambda: tf.split(x, [-1, -1, 1], axis=1), "ember.split", "-1")
    _raises(lambda: tf.tile(x, [2]), "ember.tile", "(2, 3)")
    _raises(lambda: tf.repeat(x, [1, 2], axis=1), "ember.repeat", "(2, 3)")
    _raises(lambda: tf.pad(x, [[1, 1]]), "ember.pad", "(2, 3)")
    _raises(lambda: tf.pad(x, [[0, 0], [3, 0]], "REFLECT"), "ember.pad", "REFLECT", "(2, 3)")
    _raises(lambda: tf.pad(x, [[0, 0], [4, 0]], "SYMMETRIC"), "ember.pad", "SYMMETRIC")
    _raises(lambda: tf.pad(x, [[0, 0], [1, 0]], "WRAP"), "ember.pad", "mode")
    _raises(lambda: tf.pad(x, [[0, -1], [1, 0]]), "ember.pad", "non-negative")
    _raises(lambda: tf.broadcast_to(x, [3, 3]), "ember.broadcast_to", "(2, 3)", "(3, 3)")
    _raises(lambda: tf.reverse(x, [1, -1]), "ember.reverse", "same axis")
    _raises(lambda: tf.roll(x, [1, 2], [0]), "ember.roll", "same length")
    _raises(lambda: tf.roll(x, 1, 2), "ember.roll", "axis 2")
    _raises(lambda: tf.broadcast_static_shape(tf.TensorShape([2]), tf.TensorShape([3])),
            "ember.broadcast_static_shape", "(2,)", "(3,)", exc=ValueError)
    _raises(lambda: tf.broadcast_dynamic_shape([2], [3]), "ember.broadcast_dynamic_shape")
    _raises(lambda: tf.meshgrid([1], indexing="zz"), "ember.meshgrid")


def test_lists_holding_tensors_are_stacked_for_tapes_and_traces():
    # TF auto-packs such lists: gradients flow through them (values from TF 2.21)
    x = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        a = tf.reduce_sum(tf.convert_to_tensor([x, 2 * x]))
        b = tf.reduce_sum(tf.constant([1.0]) * [x * 3])
        c = tf.reduce_sum(tf.concat([[x], [x * x]], 0))
        d = tf.reduce_sum(tf.gather([x, 5 * x], [1]))
        e = tf.reduce_mean([x, 2 * x])
        f = tf.reduce_sum(tf.nn.softmax([x, 1.0]) * [1.0, 0.0])
    grads = [float(tape.gradient(y, x)) for y in (a, b, c, d, e)]
    assert grads == [3.0, 3.0, 5.0, 5.0, 1.5]
    np.testing.assert_allclose(float(tape.gradient(f, x)), 0.19661193, rtol=1e-6)

    @tf.function
    def fn(t):
        return (tf.concat([tf.zeros([1]), [t]], 0), tf.convert_to_tensor([t, t * 2]),
                tf.reduce_sum([t, t]), tf.gather([t, 3 * t], 1),
                tf.tensor_scatter_nd_add(tf.zeros([2]), [[1]], [t]))

    for value in (2.0, 3.0):          # the second call runs the compiled graph
        out = [o.numpy().tolist() for o in fn(tf.constant(value))]
        assert out == [[0.0, value], [value, 2 * value], 2 * value, 3 * value, [0.0, value]]
    mixed = tf.convert_to_tensor([[tf.constant(1.0), 2.0], [3.0, 4.0]])
    assert mixed.dtype == tf.float32 and mixed.numpy().tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert tf.convert_to_tensor([tf.constant(1.0), 2], dtype="float64").dtype == \
        tf.float64
    with pytest.raises(Exception, match="shape"):
        tf.convert_to_tensor([tf.constant(1.0), [1.0]])
