import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import ember as tf
from ember.core.errors import InvalidArgumentError
from ember.ops import indexing as I
from opcheck import OpCase, table_tests

IDX = np.array([[0, 2, 0], [1, 1, 3]])
MASK = np.array([[True, False, True, True], [False, False, True, False], [True] * 4])


def _gather_ref(p, idx, axis, bd):
    if bd == 0:
        return np.take(p, idx, axis=axis)
    return np.stack([_gather_ref(p[b], idx[b], axis - 1, bd - 1) for b in range(p.shape[0])])


def _gather_nd_ref(p, idx, bd=0):
    if bd:
        return np.stack([_gather_nd_ref(p[b], idx[b], bd - 1) for b in range(p.shape[0])])
    lead = idx.shape[:-1]
    flat = idx.reshape(-1, idx.shape[-1])
    rows = [p[tuple(r)] for r in flat]
    return np.asarray(rows).reshape(lead + p.shape[idx.shape[-1]:])


def _scatter_nd_ref(idx, upd, shape):
    out = np.zeros(shape, upd.dtype)
    np.add.at(out, tuple(np.moveaxis(idx, -1, 0)), upd)
    return out


CASES = [
    # tensor[key]
    OpCase("getitem_int", lambda x: x[1], lambda x: x[1], [(3, 4)]),
    OpCase("getitem_neg_int", lambda x: x[-1, -2], lambda x: x[-1, -2], [(3, 4)]),
    OpCase("getitem_slices", lambda x: x[1:, ::2], lambda x: x[1:, ::2], [(3, 4)]),
    OpCase("getitem_neg_step", lambda x: x[::-1, 3:0:-2], lambda x: x[::-1, 3:0:-2], [(3, 4)]),
    OpCase("getitem_ellipsis_newaxis", lambda x: x[..., None, 1], lambda x: x[..., None, 1],
           [(2, 3, 4)]),
    OpCase("getitem_newaxis_front", lambda x: x[None, :, None],
           lambda x: x[None, :, None], [(2, 3)]),
    OpCase("getitem_int_array_dup", lambda x: x[[0, 2, 0, 0]], lambda x: x[[0, 2, 0, 0]],
           [(3, 4)]),
    OpCase("getitem_int_array_2d", lambda x: x[:, IDX], lambda x: x[:, IDX], [(2, 4)]),
    OpCase("getitem_tensor_index", lambda x: x[tf.constant([1, 1, -1])],
           lambda x: x[[1, 1, -1]], [(3, 2)]),
    OpCase("getitem_two_arrays", lambda x: x[[0, 1, 1], [2, 2, 0]],
           lambda x: x[[0, 1, 1], [2, 2, 0]], [(2, 3)]),
    OpCase("getitem_separated_adv", lambda x: x[[0, 1], :, [1, 0]],
           lambda x: x[[0, 1], :, [1, 0]], [(2, 3, 2)]),
    OpCase("getitem_int_and_array", lambda x: x[1, :, [0, 0, 1]],
           lambda x: x[1, :, [0, 0, 1]], [(2, 3, 2)]),
    OpCase("getitem_bool_mask", lambda x: x[MASK], lambda x: x[MASK], [(3, 4)]),
    OpCase("getitem_bool_tensor", lambda x: x[tf.constant([True, False, True])],
           lambda x: x[[True, False, True]], [(3, 2)]),
    OpCase("getitem_bool_after_slice", lambda x: x[:, MASK[0]], lambda x: x[:, MASK[0]],
           [(2, 4)]),
    OpCase("getitem_dup_sq", lambda x: tf.square(x[[0, 0, 2], 1:]),
           lambda x: x[[0, 0, 2], 1:] ** 2, [(3, 3)], second_order=True),
    OpCase("getitem_basic_sq", lambda x: tf.square(x[::-1, 1]),
           lambda x: x[::-1, 1] ** 2, [(3, 3)], second_order=True),
    OpCase("getitem_mask_sq", lambda x: tf.square(x[MASK]), lambda x: x[MASK] ** 2,
           [(3, 4)], second_order=True),
    # slice / strided_slice
    OpCase("slice", lambda x: tf.slice(x, [1, 0, 2], [-1, 2, 1]),
           lambda x: x[1:, 0:2, 2:3], [(3, 2, 4)]),
    OpCase("strided_slice", lambda x: tf.strided_slice(x, [0, 3], [3, 0], [2, -1]),
           lambda x: x[0:3:2, 3:0:-1], [(3, 4)]),
    OpCase("strided_slice_masks",
           lambda x: tf.strided_slice(x, [1, 0, 0, 2], [0, 0, 0, 0], [1, 1, 1, -1],
                                      begin_mask=0b0010, end_mask=0b1000,
                                      ellipsis_mask=0b0010, new_axis_mask=0b0100,
                                      shrink_axis_mask=0b0001),
           lambda x: x[1, ..., None, 2::-1], [(2, 3, 4)]),
    OpCase("strided_slice_bmask", lambda x: tf.strided_slice(x, [5, 1], [0, 3], [1, 1],
                                                             begin_mask=1, end_mask=1),
           lambda x: x[:, 1:3], [(3, 4)]),
    # gather family
    OpCase("gather_axis0_dup", lambda p: tf.gather(p, [2, 0, 2, 2]),
           lambda p: np.take(p, [2, 0, 2, 2], axis=0), [(3, 2)]),
    OpCase("gather_axis1_2d", lambda p: tf.gather(p, IDX, axis=1),
           lambda p: np.take(p, IDX, axis=1), [(2, 4, 2)]),
    OpCase("gather_neg_axis", lambda p: tf.gather(p, tf.constant(3), axis=-1),
           lambda p: np.take(p, 3, axis=-1), [(2, 4)]),
    OpCase("gather_batch", lambda p: tf.gather(p, IDX, batch_dims=1),
           lambda p: _gather_ref(p, IDX, 1, 1), [(2, 4, 3)]),
    OpCase("gather_batch_axis2", lambda p: tf.gather(p, IDX, axis=2, batch_dims=1),
           lambda p: _gather_ref(p, IDX, 2, 1), [(2, 3, 4, 2)]),
    OpCase("gather_batch_neg", lambda p: tf.gather(p, IDX[..., None], axis=3, batch_dims=-1),
           lambda p: _gather_ref(p, IDX[..., None], 3, 2), [(2, 3, 2, 4)]),
    OpCase("gather_sq", lambda p: tf.square(tf.gather(p, [1, 1, 0], axis=1)),
           lambda p: np.take(p, [1, 1, 0], axis=1) ** 2, [(2, 2)], second_order=True),
    OpCase("gather_nd", lambda p: tf.gather_nd(p, [[1, 0], [0, 2], [1, 0]]),
           lambda p: _gather_nd_ref(p, np.array([[1, 0], [0, 2], [1, 0]])), [(2, 3, 2)]),
    OpCase("gather_nd_full", lambda p: tf.gather_nd(p, [[[1, 0, 1]], [[0, 2, 0]]]),
           lambda p: _gather_nd_ref(p, np.array([[[1, 0, 1]], [[0, 2, 0]]])), [(2, 3, 2)]),
    OpCase("gather_nd_batch", lambda p: tf.gather_nd(p, [[[1], [1]], [[2], [0]]],
                                                     batch_dims=1),
           lambda p: _gather_nd_ref(p, np.array([[[1], [1]], [[2], [0]]]), 1), [(2, 3, 2)]),
    OpCase("gather_nd_sq", lambda p: tf.square(tf.gather_nd(p, [[0, 1], [0, 1]])),
           lambda p: p[[0, 0], [1, 1]] ** 2, [(2, 2)], second_order=True),
    OpCase("scatter_nd_dup", lambda u: tf.scatter_nd([[1], [3], [1]], u, [5, 2]),
           lambda u: _scatter_nd_ref(np.array([[1], [3], [1]]), u, (5, 2)), [(3, 2)]),
    OpCase("scatter_nd_elems", lambda u: tf.scatter_nd([[0, 1], [1, 0], [0, 1]], u, [2, 2]),
           lambda u: _scatter_nd_ref(np.array([[0, 1], [1, 0], [0, 1]]), u, (2, 2)), [(3,)]),
    OpCase("scatter_nd_sq", lambda u: tf.square(tf.scatter_nd([[2], [2]], u, [3])),
           lambda u: _scatter_nd_ref(np.array([[2], [2]]), u, (3,)) ** 2, [(2,)],
           second_order=True),
    OpCase("tensor_scatter_nd_update", lambda t, u: tf.tensor_scatter_nd_update(
        t, [[2], [0]], u), lambda t, u: np.concatenate([u[1:2], t[1:2], u[0:1]]),
        [(3, 2), (2, 2)]),
    OpCase("tensor_scatter_nd_update_sq", lambda t, u: tf.square(tf.tensor_scatter_nd_update(
        t, [[1, 1]], u)), lambda t, u: np.where(np.arange(4).reshape(2, 2) == 3, u[0], t) ** 2,
        [(2, 2), (1,)], second_order=True),
    OpCase("tensor_scatter_nd_add", lambda t, u: tf.tensor_scatter_nd_add(
        t, [[1], [1], [0]], u), lambda t, u: t + _scatter_nd_ref(np.array([[1], [1], [0]]), u,
                                                                 t.shape), [(2, 3), (3, 3)]),
    OpCase("boolean_mask", lambda x: tf.boolean_mask(x, MASK[0]), lambda x: x[MASK[0]],
           [(4, 2)]),
    OpCase("boolean_mask_axis", lambda x: tf.boolean_mask(x, MASK, axis=1),
           lambda x: x[:, MASK], [(2, 3, 4, 2)]),
    OpCase("embedding_lookup", lambda p: tf.nn.embedding_lookup(p, IDX),
           lambda p: p[IDX], [(4, 3)]),
    OpCase("embedding_lookup_sharded", lambda a, b: tf.nn.embedding_lookup([a, b], [4, 1, 0, 1]),
           lambda a, b: np.concatenate([a, b])[[2, 3, 0, 3]], [(3, 2), (2, 2)]),
    OpCase("embedding_lookup_max_norm",
           lambda p: tf.nn.embedding_lookup(p, [0, 1, 2], max_norm=1.0),
           lambda p: p * np.minimum(1.0, 1.0 / np.linalg.norm(p, axis=1, keepdims=True)),
           [(3, 2)], make_inputs=lambda r: [np.array([[0.3, 0.4], [3.0, 4.0], [0.1, -2.0]])]),
]


test_values, test_gradient, test_second_order = table_tests(CASES)


# -- duplicates accumulate ------------------------------------------------------------------
def test_getitem_duplicate_indices_accumulate():
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(x[[0, 0, 2, 0]] * tf.constant([1.0, 2.0, 3.0, 4.0]))
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [7.0, 0.0, 3.0])
    m = tf.constant(np.ones((2, 3)))
    with tf.GradientTape() as tape:
        tape.watch(m)
        y = tf.reduce_sum(m[tf.constant([1, 1]), [2, 2]])
    np.testing.assert_allclose(tape.gradient(y, m).numpy(), [[0, 0, 0], [0, 0, 2]])


def test_gather_duplicate_indices_accumulate():
    v = tf.Variable(np.zeros((3, 2)))
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.gather(v, [1, 1, 1, 2]))
    np.testing.assert_allclose(tape.gradient(y, v).numpy(), [[0, 0], [3, 3], [1, 1]])


# -- hypothesis: random valid keys ----------------------------------------------------------
@st.composite
def _keys(draw):
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=0, max_size=4)))
    items = []
    for d in shape:
        kind = draw(st.sampled_from(["int", "slice", "slice", "array"]))
        if kind == "int":
            items.append(draw(st.integers(-d, d - 1)))
        elif kind == "slice":
            bound = st.one_of(st.none(), st.integers(-d - 2, d + 2))
            items.append(slice(draw(bound), draw(bound),
                               draw(st.one_of(st.none(), st.sampled_from([-3, -2, -1, 1, 2])))))
        else:
            items.append(draw(st.lists(st.integers(-d, d - 1), min_size=1, max_size=3)))
    n_arrays = sum(isinstance(k, list) for k in items)
    if n_arrays > 1:  # several arrays broadcast together: give them one length
        n = min(len(k) for k in items if isinstance(k, list))
        items = [k[:n] if isinstance(k, list) else k for k in items]
    n = len(items)
    k = draw(st.integers(0, n))  # the first k axes get keys ...
    if draw(st.booleans()):  # ... then `...` and keys for the last m axes
        m = draw(st.integers(0, n - k))
        items = items[:k] + [Ellipsis] + items[n - m:]
    else:  # ... and the trailing axes are left out
        items = items[:k]
    for _ in range(draw(st.integers(0, 2))):
        items.insert(draw(st.integers(0, len(items))), None)
    return shape, tuple(items)


@settings(max_examples=60, deadline=None)
@given(_keys())
def test_random_keys(shape_key):
    shape, key = shape_key
    x = np.random.default_rng(0).normal(size=shape)
    npkey = tuple(np.asarray(k) if isinstance(k, list) else k for k in key)
    want = x[npkey]
    got = tf.constant(x)[key]
    assert tuple(got.shape) == want.shape
    np.testing.assert_array_equal(got.numpy(), want)
    cot = np.random.default_rng(1).normal(size=want.shape)
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = tf.reduce_sum(xt[key] * tf.constant(cot))
    ref = np.zeros_like(x)
    np.add.at(ref, npkey, cot)
    np.testing.assert_allclose(tape.gradient(y, xt).numpy(), ref, atol=1e-12)


def test_key_spec_is_hashable():
    spec, arrays = I._parse_key((slice(1, None, -1), Ellipsis, None, np.array([1, 2]),
                                 tf.constant([True, False]), 3))
    hash(spec)
    assert len(arrays) == 2
    assert spec[0] == ("s", 1, None, -1)


# -- other behaviour ------------------------------------------------------------------------
def test_one_hot():
    idx = np.array([[0, 2], [5, -1]])
    got = tf.one_hot(idx, 3)
    assert got.dtype == tf.float32
    np.testing.assert_array_equal(got.numpy(), (idx[..., None] == np.arange(3)).astype("f4"))
    got = tf.one_hot(idx, 3, on_value=5, off_value=-1, axis=0)
    assert got.dtype == tf.int32 and tuple(got.shape) == (3, 2, 2)
    np.testing.assert_array_equal(got.numpy(),
                                  np.moveaxis(np.where(idx[..., None] == np.arange(3), 5, -1),
                                              -1, 0))
    got = tf.one_hot([1], 2, axis=1, dtype="float64")
    assert got.dtype == tf.float64 and got.numpy().tolist() == [[0.0, 1.0]]
    assert tf.one_hot(tf.constant([0, 1], dtype="int64"), 2, on_value=2.0).dtype == tf.float32
    with pytest.raises(TypeError, match="ember.one_hot"):
        tf.one_hot([0], 2, on_value=1.0, off_value=0)
    with pytest.raises(TypeError, match="ember.one_hot.*float32"):
        tf.one_hot([0.5], 2)


def test_where_indices():
    got = tf.where(tf.constant([[True, False], [False, True]]))
    assert got.dtype == tf.int64
    assert got.numpy().tolist() == [[0, 0], [1, 1]]
    assert tf.where(tf.constant([0, 3, 0, 2])).numpy().tolist() == [[1], [3]]


def test_int_tensors_and_variables():
    v = tf.Variable([[1, 2, 3], [4, 5, 6]])
    assert v[1, ::-1].numpy().tolist() == [6, 5, 4]
    assert tf.gather(tf.constant([10, 20, 30]), tf.constant([[2], [0]])).numpy().tolist() == \
        [[30], [10]]
    assert tf.scatter_nd(tf.constant([[0], [0]]), tf.constant([1, 2]), [2]).numpy().tolist() \
        == [3, 0]
    t = tf.constant(np.arange(6.0).reshape(2, 3))
    assert [r.numpy().tolist() for r in t] == [[0, 1, 2], [3, 4, 5]]
    assert t[1, 2].shape == () and float(t[1, 2]) == 5.0


def test_empty_results():
    x = tf.constant(np.ones((3, 2)))
    assert tuple(x[[]].shape) == (0, 2)
    assert tuple(x[2:1].shape) == (0, 2)
    assert tuple(x[np.zeros(3, bool)].shape) == (0, 2)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(x[2:1])
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), np.zeros((3, 2)))
    assert tuple(tf.gather(x, np.zeros((0,), np.int32)).shape) == (0, 2)


def _raises(fn, *words, exc=InvalidArgumentError):
    with pytest.raises(exc) as info:
        fn()
    msg = str(info.value)
    for w in words:
        assert w in msg, f"{w!r} not in {msg!r}"


def test_errors():
    x = tf.constant(np.zeros((3, 4), np.float32))
    _raises(lambda: x[3], "ember.getitem", "index 3", "axis 0", "(3, 4)", exc=IndexError)
    _raises(lambda: x[:, -5], "ember.getitem", "index -5", "axis 1", "(3, 4)")
    _raises(lambda: x[0, 0, 0], "ember.getitem", "too many indices", "(3, 4)", exc=IndexError)
    _raises(lambda: x[[0, 3]], "ember.getitem", "index 3", "(3, 4)", exc=IndexError)
    _raises(lambda: x[tf.constant([1, -4])], "ember.getitem", "-4", "(3, 4)")
    _raises(lambda: x[..., 1, ...], "ember.getitem", "Ellipsis")
    _raises(lambda: x[np.array([True, False])], "ember.getitem", "(2,)", "(3, 4)")
    _raises(lambda: x[1.5], "ember.getitem", "float", exc=TypeError)
    _raises(lambda: x[np.array([0.0, 1.0])], "ember.getitem", "float64", exc=TypeError)
    _raises(lambda: x[::0], "ember.getitem", "step")
    _raises(lambda: x[True], "ember.getitem", exc=TypeError)
    _raises(lambda: tf.slice(x, [1, 0], [3, -1]), "ember.slice", "(3, 4)")
    _raises(lambda: tf.slice(x, [0], [1]), "ember.slice", "(3, 4)")
    _raises(lambda: tf.strided_slice(x, [5], [6], shrink_axis_mask=1), "ember.strided_slice",
            "index 5", "(3, 4)")
    _raises(lambda: tf.gather(x, [0, 5]), "ember.gather", "indices[1] = 5", "[0, 3)", "(3, 4)",
            exc=IndexError)
    _raises(lambda: tf.gather(x, [[0, -1]], axis=1), "ember.gather", "indices[0,1] = -1",
            "[0, 4)")
    _raises(lambda: tf.gather(x, [0.0]), "ember.gather", "float32", exc=TypeError)
    _raises(lambda: tf.gather(x, [0], axis=2), "ember.gather", "axis 2", "(3, 4)")
    _raises(lambda: tf.gather(x, [[0], [1]], batch_dims=1), "ember.gather", "(3, 4)", "(2, 1)")
    _raises(lambda: tf.gather_nd(x, [[0, 4]]), "ember.gather_nd", "[0, 4]", "[3, 4]")
    _raises(lambda: tf.gather_nd(x, [[0, 1, 1]]), "ember.gather_nd", "(1, 3)", "(3, 4)")
    _raises(lambda: tf.scatter_nd([[0], [1]], [1.0], [3]), "ember.scatter_nd", "(2,)", "(1,)")
    _raises(lambda: tf.scatter_nd([[3]], [1.0], [3]), "ember.scatter_nd", "[3]", "[3]")
    _raises(lambda: tf.tensor_scatter_nd_update(x, [[3]], np.zeros((1, 4), np.float32)),
            "ember.tensor_scatter_nd_update", "[3]", "[3, 4]")
    _raises(lambda: tf.tensor_scatter_nd_add(x, [[1]], np.zeros((1, 3), np.float32)),
            "ember.tensor_scatter_nd_add", "(1, 4)", "(1, 3)")
    _raises(lambda: tf.boolean_mask(x, [True, False]), "ember.boolean_mask", "(2,)", "(3, 4)")
    _raises(lambda: tf.boolean_mask(x, [1, 0, 1]), "ember.boolean_mask", "int32",
            exc=TypeError)
    _raises(lambda: tf.nn.embedding_lookup(x, [3]), "ember.gather", "3", "[0, 3)")
    _raises(lambda: tf.nn.embedding_lookup([x, x], [6]), "ember.embedding_lookup", "6")
    _raises(lambda: tf.one_hot([0], 2, axis=3), "ember.one_hot", "axis 3")
