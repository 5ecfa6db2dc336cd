"""Writing a slice: ``tensor_strided_slice_update``, ``indexing.slice_update`` and a
variable's ``v[key].assign(value)`` (values against NumPy's ``x[key] = value``,
gradients in both inputs, eager and traced)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opcheck import OpCase, table_tests

import ember as tf
from ember.core.errors import InvalidArgumentError
from ember.ops.indexing import slice_update


def _np_update(x, key, value):
    out = x.copy()
    out[key] = value
    return out


CASES = [
    OpCase("slice_update_rows", lambda x, v: slice_update(x, (slice(1, 3),), v),
           lambda x, v: _np_update(x, (slice(1, 3),), v), [(4, 3), (2, 3)],
           second_order=True),
    OpCase("slice_update_strided_broadcast",
           lambda x, v: slice_update(x, (Ellipsis, slice(None, None, -2)), v),
           lambda x, v: _np_update(x, (Ellipsis, slice(None, None, -2)), v),
           [(3, 5), (1, 3)]),
    OpCase("slice_update_int_and_newaxis", lambda x, v: slice_update(x, (1, None), v),
           lambda x, v: _np_update(x, (1, None), v), [(3, 4), (4,)]),
    OpCase("slice_update_squared", lambda x, v: tf.square(slice_update(x, (0,), v * v)),
           lambda x, v: _np_update(x, (0,), v * v) ** 2, [(2, 3), (3,)],
           second_order=True),
    OpCase("tensor_strided_slice_update_masks",
           lambda x, v: tf.tensor_strided_slice_update(x, [0, 1], [0, 3], [1, 1], v,
                                                       begin_mask=1, end_mask=1),
           lambda x, v: _np_update(x, (slice(None), slice(1, 3)), v), [(3, 4), (3, 2)]),
    OpCase("tensor_strided_slice_update_shrink",
           lambda x, v: tf.tensor_strided_slice_update(x, [2], [3], [1], v,
                                                       shrink_axis_mask=1),
           lambda x, v: _np_update(x, (2,), v), [(4, 2), (2,)]),
]

test_values, test_gradient, test_second_order = table_tests(CASES)


@st.composite
def _shape_key_value(draw):
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    key = []
    for d in shape[:draw(st.integers(1, len(shape)))]:
        if draw(st.booleans()):
            key.append(draw(st.integers(-d, d - 1)))
        else:
            lo, hi = draw(st.integers(-d, d)), draw(st.integers(-d, d))
            key.append(slice(lo, hi, draw(st.sampled_from([1, 2, -1, -2]))))
    target = np.zeros(shape)[tuple(key)].shape
    broadcast = draw(st.booleans()) and len(target) > 0
    vshape = (1,) + target[1:] if broadcast else target
    return shape, tuple(key), vshape


@settings(max_examples=60, deadline=None)
@given(_shape_key_value())
def test_any_basic_key_matches_numpy_with_gradients(case):
    shape, key, vshape = case
    rng = np.random.default_rng(0)
    x, v = rng.normal(size=shape), rng.normal(size=vshape)
    cot = rng.normal(size=shape)
    xt, vt = tf.constant(x), tf.constant(v)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([xt, vt])
        y = slice_update(xt, key, vt)
        loss = tf.reduce_sum(y * cot)
    np.testing.assert_array_equal(y.numpy(), _np_update(x, key, v))
    written = np.zeros(shape, bool)
    written[key] = True
    np.testing.assert_allclose(tape.gradient(loss, xt).numpy(), np.where(written, 0, cot))
    dv = np.broadcast_to(cot[key], np.zeros(shape)[key].shape)
    want_dv = dv.sum(axis=0, keepdims=True) if vshape != dv.shape else dv
    np.testing.assert_allclose(tape.gradient(loss, vt).numpy().reshape(vshape),
                               np.reshape(want_dv, vshape), atol=1e-12)


def test_a_variable_slice_assign_writes_the_slice():
    v = tf.Variable(np.arange(6, dtype=np.float32))
    part = v[1:3]
    np.testing.assert_array_equal(part.numpy(), [1, 2])
    assert part.assign([10.0, 20.0]) is v
    np.testing.assert_array_equal(v.numpy(), [0, 10, 20, 3, 4, 5])
    np.testing.assert_array_equal(part.numpy(), [1, 2])       # the read stays as it was
    m = tf.Variable(tf.zeros([2, 3]))
    m[:, 1].assign([1.0, 2.0])
    m[0].assign(7.0)                                          # broadcast
    m[-1, ::2].assign(tf.constant([3.0, 4.0]))
    np.testing.assert_array_equal(m.numpy(), [[7, 7, 7], [3, 2, 4]])
    assert not hasattr(tf.constant([1.0]), "assign")          # only a variable's slices
    assert not hasattr(m + 1.0, "assign")


def test_a_variable_slice_assign_in_a_traced_function_runs_every_call():
    v = tf.Variable(np.zeros(4, np.float32))
    traces = []

    @tf.function
    def put(i, value):
        traces.append(1)
        v[i].assign(value)
        v[-1].assign(v[-1] + 1.0)
        return v.read_value()

    put(tf.constant(0), tf.constant(5.0))
    out = put(tf.constant(2), tf.constant(7.0))
    np.testing.assert_array_equal(out.numpy(), [5, 0, 7, 2])
    np.testing.assert_array_equal(v.numpy(), [5, 0, 7, 2])
    assert len(traces) == 1


def test_gradients_flow_through_a_written_slice():
    x = tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        y = tf.tensor_strided_slice_update(x, [1], [3], [1], x[:2] * 3.0)
        loss = tf.reduce_sum(y * tf.constant([1.0, 2.0, 3.0]))
    # y = [x0, 3 x0, 3 x1]: the loss is 7 x0 + 9 x1
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), [7.0, 9.0, 0.0])


def test_errors_name_the_op_and_what_it_got():
    v = tf.Variable([1.0, 2.0, 3.0])
    with pytest.raises(InvalidArgumentError, match=r"Variable.assign \(a slice\).*shape "
                                                   r"\(3,\).*slice's shape \(2,\)"):
        v[0:2].assign([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="scatter_nd_update"):
        v[[0, 1]].assign([1.0, 2.0])
    with pytest.raises(InvalidArgumentError, match="dtype float64 does not match.*float32"):
        tf.tensor_strided_slice_update(tf.constant([1.0, 2.0]), [0], [1], [1],
                                       tf.constant([1.0], tf.float64))
    with pytest.raises(InvalidArgumentError, match="strides"):
        tf.tensor_strided_slice_update([1, 2], [0], [1], [0], [1])
    np.testing.assert_array_equal(v.numpy(), [1, 2, 3])       # nothing written
