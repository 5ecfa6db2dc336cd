"""Ops whose output shape depends on input values (a boolean mask, ``where``, ``unique``,
segment sums without ``num_segments``) inside ``ember.function``: one graph serves
calls whose counts differ, and nothing downstream keeps the traced call's shape
(``shape``, ``size``, ``zeros_like``, reductions and their gradients)."""
import warnings

import numpy as np
import pytest

import ember as tf
from ember import keras

INPUTS = ([1.0, -1.0, 2.0, 0.5], [1.0, 3.0, 2.0, 5.0], [-1.0, -3.0, -2.0, -4.0],
          [2.0, -2.0, -2.0, 2.0])


def _masked(x):
    y = tf.boolean_mask(x, x > 0)
    return [tf.shape(y), tf.size(y), tf.reduce_sum(tf.ones_like(y)),
            tf.concat([y, tf.zeros_like(y)], 0), tf.reshape(y, [-1, 1]),
            tf.shape(tf.where(x > 0)), tf.unique(tf.round(x))[0],
            tf.reduce_max(tf.concat([y, [0.0]], 0))]


def test_one_graph_serves_calls_whose_mask_counts_differ():
    traced = tf.function(_masked)
    for values in INPUTS:
        x = tf.constant(values)
        for got, want in zip(traced(x), _masked(x)):
            np.testing.assert_array_equal(got.numpy(), want.numpy())
    assert traced.experimental_get_tracing_count() == 1


def test_value_shaped_results_print_with_unknown_dimensions():
    traced = tf.function(_masked)
    text = str(traced.get_concrete_function(tf.constant(INPUTS[0])))
    assert "getitem(%0, %2) {spec=(('a', 0),)} : float32[?]" in text
    assert "measure(" in text and "where_indices" in text     # read when the graph runs


def test_a_polymorphic_function_stays_one_graph():
    traced = tf.function(_masked, input_signature=[tf.TensorSpec([None], tf.float32)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # no fallback to one graph per size
        for values in INPUTS + ([3.0, -1.0], [0.5, 0.5, -2.0, 1.0, 7.0, -3.0]):
            x = tf.constant(values)
            for got, want in zip(traced(x), _masked(x)):
                np.testing.assert_array_equal(got.numpy(), want.numpy())


def _masked_loss_gradient(x, w):
    with tf.GradientTape() as tape:
        v = tf.boolean_mask(tf.square(tf.matmul(x, w) - x + 1.0), x[:, 0] > 0)
        loss = (tf.reduce_mean(v) + tf.reduce_sum(tf.reduce_max(v, axis=1))
                + tf.reduce_mean(tf.reduce_prod(v, axis=0))
                + tf.reduce_sum(tf.reduce_mean(v, axis=0, keepdims=True)))
    return tape.gradient(loss, w)


def test_gradients_through_a_mask_follow_each_calls_count():
    w = tf.Variable(np.eye(4, dtype=np.float32) * 0.5)
    traced = tf.function(_masked_loss_gradient)
    counts = set()
    for seed in range(5):
        x = np.random.default_rng(seed).normal(size=(8, 4)).astype(np.float32)
        counts.add(int((x[:, 0] > 0).sum()))
        np.testing.assert_allclose(traced(tf.constant(x), w).numpy(),
                                   _masked_loss_gradient(tf.constant(x), w).numpy(),
                                   rtol=1e-6, atol=1e-6)
    assert len(counts) > 1 and traced.experimental_get_tracing_count() == 1


@pytest.mark.parametrize("ids", [[0, 0, 1, 1, 1], [0, 1, 2, 3, 3], [2, 2, 2, 2, 2]])
def test_segment_reductions_count_segments_as_the_graph_runs(ids):
    def reduce(data, segment_ids):
        return (tf.math.segment_sum(data, segment_ids),
                tf.math.segment_mean(data, segment_ids),
                tf.math.segment_max(data, segment_ids))
    traced = tf.function(reduce)
    data = tf.constant([1.0, 2.0, 3.0, 4.0, 5.0])
    traced(data, tf.constant([0, 1, 1, 1, 1]))              # traced with 2 segments
    for got, want in zip(traced(data, tf.constant(ids)), reduce(data, tf.constant(ids))):
        np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_a_keras_model_with_a_masked_loss_trains_compiled_as_eagerly():
    x = np.random.default_rng(0).normal(size=(32, 4)).astype(np.float32)

    def loss(y_true, y_pred):
        keep = y_true[:, 0] > 0                 # a different count in every batch
        return tf.reduce_mean(tf.boolean_mask(tf.square(y_true - y_pred), keep))
    histories = []
    for eager in (False, True):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4)])
        model.compile(keras.optimizers.SGD(0.1), loss, run_eagerly=eager)
        histories.append(model.fit(x, x, batch_size=8, epochs=2, verbose=0,
                                   shuffle=False).history["loss"])
    np.testing.assert_allclose(histories[0], histories[1], rtol=1e-6)


def _nested(x, w):
    with tf.GradientTape() as tape:
        y = tf.boolean_mask(x * w, x[:, 0] > 0)
        z = tf.boolean_mask(y, y[:, 1] > 0)                     # a mask of a mask
        column = tf.expand_dims(tf.reshape(z, [-1]), -1)
        same = tf.squeeze(tf.expand_dims(z, 0), axis=0)
        loss = (tf.reduce_sum(tf.square(column)) + tf.reduce_mean(same)
                + tf.reduce_sum(y[:, 2:] * 3.0))
    return loss, tape.gradient(loss, w), tf.shape(column)


def test_reshapes_slices_and_nested_masks_of_value_shaped_tensors():
    w = tf.Variable(np.linspace(0.5, 1.5, 4).astype(np.float32))
    traced = tf.function(_nested)
    rows = set()
    for seed in range(6):
        x = tf.constant(np.random.default_rng(seed).normal(size=(8, 4)).astype(np.float32))
        got, want = traced(x, w), _nested(x, w)
        rows.add(int(want[2].numpy()[0]))
        for a, b in zip(got, want):
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6, atol=1e-6)
    assert len(rows) > 1 and traced.experimental_get_tracing_count() == 1


def test_shape_of_a_loop_variable_with_a_free_dimension_is_read_each_iteration():
    @tf.function
    def lengths(n):
        def body(i, x):
            size = tf.cast(tf.reshape(tf.shape(x), [1]), tf.float32)
            return i + 1, tf.concat([x, size], 0)
        _, x = tf.while_loop(lambda i, x: i < n, body, [tf.constant(0), tf.zeros([1])],
                             shape_invariants=[tf.TensorShape([]), tf.TensorShape([None])])
        return x, tf.size(x)

    for n in (4, 2):
        x, size = lengths(tf.constant(n))
        assert x.numpy().tolist() == list(range(n + 1)) and int(size) == n + 1


def test_zeros_ones_and_fill_take_traced_dimensions():
    @tf.function
    def make(n, value):
        return (tf.zeros(tf.stack([n, 2])), tf.ones([n, 3], tf.int32), tf.fill([2, n], value),
                tf.shape(tf.zeros([n])))

    for n in (1, 3):
        zeros, ones, filled, shape = make(tf.constant(n), tf.constant(2.5))
        assert zeros.numpy().tolist() == [[0.0, 0.0]] * n
        assert ones.numpy().tolist() == [[1, 1, 1]] * n and ones.dtype == tf.int32
        assert filled.numpy().tolist() == [[2.5] * n] * 2 and shape.numpy().tolist() == [n]
    assert make.experimental_get_tracing_count() == 1


def test_fill_is_differentiable_in_its_value():
    x = tf.Variable(1.5)

    @tf.function
    def total(n):
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(tf.fill(tf.stack([n, 2]), x * 2.0))
        return tape.gradient(y, x)
    assert float(total(tf.constant(3))) == 12.0 and float(total(tf.constant(5))) == 20.0
    with tf.GradientTape() as tape:                              # eagerly too
        y = tf.reduce_sum(tf.fill([2, 2], x * 2.0))
    assert float(tape.gradient(y, x)) == 8.0


def test_fill_with_fixed_dimensions_keeps_a_static_shape():
    traced = tf.function(lambda v: tf.fill([2, 3], v * 2.0))
    text = str(traced.get_concrete_function(tf.constant(1.0)))
    assert "fill_shape(%2) {shape=(2, 3)} : float32[2,3]" in text
    assert traced(tf.constant(1.5)).numpy().tolist() == [[3.0] * 3] * 2
