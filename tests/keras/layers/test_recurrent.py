"""Recurrent layers: shapes (eager, symbolic, compute_output_shape), training steps,
config round trips, masks, dropout, state, custom cells, wrappers, and values against
NumPy re-statements of Keras's formulas. (Equality with real Keras itself:
test_recurrent_vs_keras.py.)"""
from __future__ import annotations

import numpy as np
import pytest

import ember
from ember import keras

L = keras.layers
RNG = np.random.default_rng(0)
X = RNG.standard_normal((3, 6, 4)).astype(np.float32)
MASK = np.array([[1, 1, 1, 1, 0, 0], [0, 1, 1, 1, 1, 1], [1, 1, 0, 1, 1, 0]], bool)


def _sig(x):
    return 1 / (1 + np.exp(-x))


def _generic(layer):
    """Force the per-step cell loop (the reference for the fused path)."""
    cells = layer.cell.cells if isinstance(layer.cell, L.StackedRNNCells) else [layer.cell]
    for c in cells + [layer.cell]:
        c._fusable = lambda: False
    return layer


def _flat(x):
    return [y for item in x for y in _flat(item)] if isinstance(x, (list, tuple)) else [x]


def _copy_weights(src, dst):
    dst.set_weights(src.get_weights())


# -- shapes -----------------------------------------------------------------------------------
LAYERS = {
    "simple_rnn": lambda: L.SimpleRNN(5, return_sequences=True, return_state=True),
    "lstm": lambda: L.LSTM(5, return_sequences=True, return_state=True),
    "lstm_last": lambda: L.LSTM(5),
    "gru": lambda: L.GRU(5, return_state=True),
    "gru_before": lambda: L.GRU(5, reset_after=False, return_sequences=True),
    "rnn_stacked": lambda: L.RNN([L.LSTMCell(5), L.GRUCell(2)], return_state=True),
    "bidirectional": lambda: L.Bidirectional(L.LSTM(5, return_sequences=True)),
    "bidirectional_state": lambda: L.Bidirectional(L.GRU(5, return_state=True),
                                                   merge_mode=None),
    "time_distributed": lambda: L.TimeDistributed(L.Dense(7)),
}


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_shapes_eager_symbolic_and_computed(name):
    eager = _flat(LAYERS[name]()(X))
    layer = LAYERS[name]()
    symbolic = _flat(layer(keras.Input(shape=(6, 4))))
    computed = _flat_shapes(layer.compute_output_shape((3, 6, 4)))
    assert [tuple(t.shape) for t in eager] == computed
    assert [tuple(t.shape)[1:] for t in symbolic] == [c[1:] for c in computed]
    assert all(t.shape[0] is None for t in symbolic)


def _flat_shapes(s):
    if isinstance(s, (list, tuple)) and s and all(isinstance(d, (int, type(None))) for d in s):
        return [tuple(s)]
    return [x for item in s for x in _flat_shapes(item)]


def test_conv_lstm_shapes():
    x = RNG.standard_normal((2, 3, 7, 7, 2)).astype(np.float32)
    layer = L.ConvLSTM2D(4, 3, strides=2, return_sequences=True, return_state=True)
    outs = layer(x)
    assert [tuple(o.shape) for o in outs] == [(2, 3, 3, 3, 4), (2, 3, 3, 4), (2, 3, 3, 4)]
    assert layer.compute_output_shape((2, 3, 7, 7, 2)) == ((2, 3, 3, 3, 4), (2, 3, 3, 4),
                                                           (2, 3, 3, 4))
    assert [tuple(w.shape) for w in layer.weights] == [(3, 3, 2, 16), (3, 3, 4, 16), (16,)]
    sym = L.ConvLSTM1D(3, 2)(keras.Input(shape=(4, 6, 2)))
    assert sym.shape == (None, 5, 3)


def test_conv_lstm_channels_first_matches_channels_last():
    x = RNG.standard_normal((2, 3, 5, 5, 2)).astype(np.float32)
    last = L.ConvLSTM2D(3, 3, padding="same", return_sequences=True)
    first = L.ConvLSTM2D(3, 3, padding="same", return_sequences=True,
                         data_format="channels_first")
    want = last(x).numpy()
    first(np.transpose(x, (0, 1, 4, 2, 3)))
    _copy_weights(last, first)
    got = first(np.transpose(x, (0, 1, 4, 2, 3))).numpy()
    np.testing.assert_allclose(np.transpose(got, (0, 1, 3, 4, 2)), want, atol=1e-5)


# -- values against NumPy -----------------------------------------------------------------------
def _np_lstm(x, K, R, b, mask=None, backwards=False):
    U = R.shape[0]
    h = c = np.zeros((x.shape[0], U))
    out, outs = np.zeros((x.shape[0], U)), []
    order = range(x.shape[1])[::-1] if backwards else range(x.shape[1])
    for t in order:
        z = x[:, t] @ K + h @ R + b
        i, f, g, o = _sig(z[:, :U]), _sig(z[:, U:2 * U]), np.tanh(z[:, 2 * U:3 * U]), \
            _sig(z[:, 3 * U:])
        cn = f * c + i * g
        hn = o * np.tanh(cn)
        m = np.ones((x.shape[0], 1), bool) if mask is None else mask[:, t:t + 1]
        h, c = np.where(m, hn, h), np.where(m, cn, c)
        out = np.where(m, hn, out)
        outs.append(out)
    return np.stack(outs, 1), h, c


def test_lstm_values_mask_backwards_against_numpy():
    layer = L.LSTM(3, return_sequences=True, return_state=True, go_backwards=True)
    seq, h, c = layer(X, mask=ember.constant(MASK))
    K, R, b = layer.get_weights()
    w_seq, w_h, w_c = _np_lstm(X.astype(np.float64), K, R, b, MASK, backwards=True)
    np.testing.assert_allclose(seq.numpy(), w_seq, atol=1e-5)
    np.testing.assert_allclose(h.numpy(), w_h, atol=1e-5)
    np.testing.assert_allclose(c.numpy(), w_c, atol=1e-5)
    assert layer.cell.bias.numpy()[3:6].tolist() == [1.0, 1.0, 1.0]   # unit_forget_bias


def test_gru_and_simple_rnn_values_against_numpy():
    gru = L.GRU(3, return_sequences=True)
    out = gru(X).numpy()
    K, R, bias = gru.get_weights()
    bias = RNG.standard_normal(bias.shape).astype(np.float32)
    gru.set_weights([K, R, bias])
    out = gru(X).numpy()
    h = np.zeros((3, 3))
    for t in range(6):
        mx = X[:, t] @ K + bias[0]
        inner = h @ R + bias[1]
        z, r = _sig(mx[:, :3] + inner[:, :3]), _sig(mx[:, 3:6] + inner[:, 3:6])
        hh = np.tanh(mx[:, 6:] + r * inner[:, 6:])
        h = z * h + (1 - z) * hh
        np.testing.assert_allclose(out[:, t], h, atol=1e-5)
    srnn = L.SimpleRNN(3)
    got = srnn(X).numpy()
    K, R, b = srnn.get_weights()
    h = np.zeros((3, 3))
    for t in range(6):
        h = np.tanh(X[:, t] @ K + h @ R + b)
    np.testing.assert_allclose(got, h, atol=1e-5)


# -- fused path vs per-step cell loop -------------------------------------------------------
FUSABLE = {
    "lstm": lambda: L.LSTM(4, return_sequences=True, return_state=True),
    "gru": lambda: L.GRU(4, return_sequences=True, return_state=True),
    "gru_before": lambda: L.GRU(4, reset_after=False, return_sequences=True),
    "simple_rnn": lambda: L.SimpleRNN(4, go_backwards=True, return_sequences=True),
    "stacked": lambda: L.RNN([L.LSTMCell(4), L.GRUCell(3)], return_sequences=True,
                             return_state=True),
}


@pytest.mark.parametrize("name", sorted(FUSABLE))
@pytest.mark.parametrize("masked", [False, True])
def test_fused_matches_cell_loop_values_and_gradients(name, masked):
    fused = FUSABLE[name]()
    loop = _generic(FUSABLE[name]())
    fused(X)
    loop(X)
    _copy_weights(fused, loop)
    mask = ember.constant(MASK) if masked else None

    def run(layer):
        with ember.GradientTape() as tape:
            outs = _flat(layer(X, mask=mask))
            loss = ember.add_n([ember.reduce_sum(o * o) for o in outs])
        return outs, tape.gradient(loss, layer.trainable_weights)
    outs_f, grads_f = run(fused)
    outs_l, grads_l = run(loop)
    for a, b in zip(outs_f + grads_f, outs_l + grads_l):
        np.testing.assert_allclose(a.numpy(), b.numpy(), atol=2e-5, rtol=1e-4)


@pytest.mark.parametrize("cls", [L.LSTM, L.GRU, L.SimpleRNN])
def test_dropout_fused_matches_cell_loop_in_training(cls):
    """Both paths draw the same masks (input, then recurrent) from the same seeds."""
    kw = {"dropout": 0.3, "recurrent_dropout": 0.4, "return_sequences": True}
    a, b = cls(4, seed=3, **kw), _generic(cls(4, seed=3, **kw))
    a(X)
    b(X)
    _copy_weights(a, b)
    np.testing.assert_allclose(a(X, training=True).numpy(), b(X, training=True).numpy(),
                               atol=1e-5)
    kw["recurrent_dropout"] = 0.0       # implementation 2: one input mask
    a, b = cls(4, seed=5, **kw), _generic(cls(4, seed=5, **kw))
    a(X)
    b(X)
    _copy_weights(a, b)
    np.testing.assert_allclose(a(X, training=True).numpy(), b(X, training=True).numpy(),
                               atol=1e-5)


def test_dropout_only_in_training_and_repeatable():
    layer = L.LSTM(4, dropout=0.5, recurrent_dropout=0.5, return_sequences=True)
    clean = L.LSTM(4, return_sequences=True)
    clean(X)
    layer(X)
    _copy_weights(layer, clean)
    np.testing.assert_allclose(layer(X).numpy(), clean(X).numpy(), atol=1e-6)
    t1, t2 = layer(X, training=True).numpy(), layer(X, training=True).numpy()
    assert not np.allclose(t1, t2)                    # fresh masks each sequence
    assert not np.allclose(t1, clean(X).numpy())
    assert layer.cell._dropout_mask is None           # cleared after the sequence
    runs = []
    for _ in range(2):
        keras.utils.set_random_seed(11)
        lay = L.GRU(4, dropout=0.5)
        runs.append(lay(X, training=True).numpy())
    np.testing.assert_array_equal(runs[0], runs[1])


def test_dropout_mask_is_shared_by_all_timesteps():
    cell = L.SimpleRNNCell(4, dropout=0.5, seed=1)
    m1 = cell.get_dropout_mask(ember.ones((3, 4)))
    assert cell.get_dropout_mask(ember.ones((3, 4))) is m1
    cell.reset_dropout_mask()
    assert cell.get_dropout_mask(ember.ones((3, 4))) is not m1
    lstm_cell = L.LSTMCell(2, recurrent_dropout=0.2)
    assert lstm_cell.implementation == 1
    assert len(lstm_cell.get_recurrent_dropout_mask(ember.ones((3, 2)))) == 4


# -- training ---------------------------------------------------------------------------------
TRAINABLE = {
    "lstm": lambda: L.LSTM(6),
    "gru": lambda: L.GRU(6, reset_after=False),
    "simple_rnn": lambda: L.SimpleRNN(6, dropout=0.1),
    "bidirectional": lambda: L.Bidirectional(L.LSTM(3), merge_mode="sum"),
    "stacked": lambda: L.RNN([L.GRUCell(6), L.LSTMCell(6)]),
    "relu_lstm": lambda: L.LSTM(6, activation="relu"),
}


@pytest.mark.parametrize("name", sorted(TRAINABLE))
def test_training_step_lowers_loss(name):
    keras.utils.set_random_seed(0)
    layer = TRAINABLE[name]()
    head = L.Dense(1)
    y = (X.sum(axis=(1, 2)) > 0).astype(np.float32)[:, None]

    def loss_fn():
        return ember.reduce_mean(ember.square(head(layer(X, training=True)) - y))
    losses = []
    for _ in range(8):
        with ember.GradientTape() as tape:
            loss = loss_fn()
        weights = layer.trainable_weights + head.trainable_weights
        grads = tape.gradient(loss, weights)
        assert all(g is not None for g in grads)
        for v, g in zip(weights, grads):
            v.assign_sub(0.1 * g)
        losses.append(float(loss))
    assert losses[-1] < losses[0]


def test_conv_lstm_and_time_distributed_train():
    x = RNG.standard_normal((2, 3, 5, 5, 1)).astype(np.float32)
    conv = L.ConvLSTM2D(2, 3, padding="same", return_sequences=True)
    td = L.TimeDistributed(L.Dense(1))
    losses = []
    for _ in range(5):
        with ember.GradientTape() as tape:
            loss = ember.reduce_mean(ember.square(td(conv(x)) - 0.5))
        weights = conv.trainable_weights + td.trainable_weights
        for v, g in zip(weights, tape.gradient(loss, weights)):
            v.assign_sub(0.2 * g)
        losses.append(float(loss))
    assert losses[-1] < losses[0]


# -- configs ----------------------------------------------------------------------------------
ROUND_TRIP = {
    **LAYERS,
    "conv_lstm": lambda: L.ConvLSTM1D(2, 3, padding="same"),
    "dropout_lstm": lambda: L.LSTM(3, dropout=0.2, recurrent_dropout=0.1, seed=4,
                                   unit_forget_bias=False, go_backwards=True),
    "stacked_cells": lambda: L.RNN(L.StackedRNNCells([L.SimpleRNNCell(3), L.GRUCell(2)])),
}


@pytest.mark.parametrize("name", sorted(ROUND_TRIP))
def test_config_round_trip(name):
    a = ROUND_TRIP[name]()
    x = X if name != "conv_lstm" else RNG.standard_normal((3, 2, 5, 4)).astype(np.float32)
    out_a = _flat(a(x))
    config = a.get_config()
    b = type(a).from_config(config)
    assert b.get_config() == config
    b(x)
    _copy_weights(a, b)
    for p, q in zip(out_a, _flat(b(x))):
        np.testing.assert_allclose(p.numpy(), q.numpy(), atol=1e-6)


def test_serialization_envelope_round_trip():
    from ember.keras.saving import deserialize_keras_object, serialize_keras_object
    layer = L.Bidirectional(L.GRU(3, return_sequences=True), merge_mode="ave")
    clone = deserialize_keras_object(serialize_keras_object(layer))
    assert isinstance(clone, L.Bidirectional)
    assert clone.forward_layer.name == "forward_" + layer.forward_layer.name[8:]
    assert clone.backward_layer.go_backwards and not clone.forward_layer.go_backwards


# -- masks ------------------------------------------------------------------------------------
def test_embedding_and_masking_masks_reach_the_rnn():
    ids = np.array([[3, 1, 4, 1, 0, 0], [5, 9, 2, 6, 5, 3]])
    emb = L.Embedding(10, 4, mask_zero=True)
    lstm = L.LSTM(3, return_sequences=True)
    seq = lstm(emb(ids))
    assert np.array_equal(seq._keras_mask.numpy(), ids != 0)
    explicit = lstm(emb(ids), mask=ember.constant(ids != 0)).numpy()
    np.testing.assert_allclose(seq.numpy(), explicit)
    np.testing.assert_allclose(seq.numpy()[0, 4], seq.numpy()[0, 3])  # masked: kept
    padded = X.copy()
    padded[~MASK] = 0.0
    masked = L.Masking(0.0)(padded)
    gru = L.GRU(3)
    np.testing.assert_allclose(gru(masked).numpy(),
                               gru(padded, mask=ember.constant(MASK)).numpy(), atol=1e-6)
    last = gru(masked)
    assert getattr(last, "_keras_mask", None) is None         # no mask on last output


def test_masked_first_steps_output_zeros_not_initial_state():
    h0 = ember.ones((3, 3))
    layer = L.GRU(3, return_sequences=True)
    out = layer(X, mask=ember.constant(MASK), initial_state=[h0]).numpy()
    assert np.all(out[1, 0] == 0)                      # row 1 starts masked
    zero = L.LSTM(3, return_sequences=True, zero_output_for_mask=True)
    out = zero(X, mask=ember.constant(MASK)).numpy()
    assert np.all(out[~MASK] == 0) and np.all(out[MASK] != 0)


def _masked_input():
    """X with its masked steps zeroed, carrying MASK as its Keras mask."""
    padded = X.copy()
    padded[~MASK] = 0.0
    return L.Masking(0.0)(padded)


def test_bidirectional_mask_and_return_state_masks():
    layer = L.Bidirectional(L.LSTM(3, return_sequences=True, return_state=True))
    outs = layer(_masked_input())
    assert len(outs) == 5
    assert np.array_equal(outs[0]._keras_mask.numpy(), MASK)
    assert all(getattr(o, "_keras_mask", None) is None for o in outs[1:])
    assert np.all(outs[0].numpy()[~MASK] == 0)       # zero_output_for_mask forced on


def test_time_distributed_passes_masks_and_checks_them():
    td = L.TimeDistributed(L.Dense(2))
    out = td(_masked_input())
    assert np.array_equal(out._keras_mask.numpy(), MASK)
    with pytest.raises(ValueError, match="incompatible with the input shape"):
        td(X, mask=ember.constant(MASK[:, :3]))
    with pytest.raises(ValueError, match="at least 3 dimensions"):
        L.TimeDistributed(L.Dense(2))(ember.ones((2, 3)))


def test_time_distributed_batch_norm_steps_separately_in_training():
    x = RNG.standard_normal((4, 3, 2)).astype(np.float32) * np.array([1, 5, 9])[None, :, None]
    td = L.TimeDistributed(L.BatchNormalization())
    out = td(x, training=True).numpy()
    # each timestep normalized with its own batch statistics, as Keras's per-step loop
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-4)
    merged = L.TimeDistributed(L.Dense(3))
    np.testing.assert_allclose(merged(x).numpy()[:, 1], merged.layer(x[:, 1]).numpy(),
                               atol=1e-6)


# -- state --------------------------------------------------------------------------------------
def test_stateful_keeps_and_resets_state():
    layer = L.LSTM(3, stateful=True, batch_input_shape=(3, 6, 4))
    first = layer(X).numpy()
    second = layer(X).numpy()
    assert not np.allclose(first, second)
    assert len(layer.weights) == 3                 # states are not weights
    layer.reset_states()
    np.testing.assert_allclose(layer(X).numpy(), first, atol=1e-6)
    layer.reset_state([np.ones((3, 3)), np.zeros((3, 3))])
    np.testing.assert_allclose(layer.states[0].numpy(), 1.0)
    with pytest.raises(ValueError, match="batch size"):
        layer(X[:2])
    assert layer.get_config()["batch_input_shape"] == [3, 6, 4]
    with pytest.raises(ValueError, match="batch size must be static"):
        L.GRU(2, stateful=True)(keras.Input(shape=(6, 4)))


def test_stateful_bidirectional():
    layer = L.Bidirectional(L.GRU(2, stateful=True))
    a = layer(X).numpy()
    assert not np.allclose(a, layer(X).numpy())
    assert len(layer.states) == 2
    layer.reset_states()
    np.testing.assert_allclose(layer(X).numpy(), a, atol=1e-6)
    with pytest.raises(AttributeError, match="stateful"):
        L.Bidirectional(L.GRU(2)).reset_states()


def test_unroll_with_an_undefined_time_dimension_builds_and_runs():
    # Keras 3 accepts it (it refuses only a graph traced with that dimension unknown);
    # Ember used to refuse at build time
    x = keras.Input(shape=(None, 4))
    lstm = L.LSTM(2, unroll=True)
    model = keras.Model(x, lstm(x))
    assert model.output.shape == (None, 2)
    np.testing.assert_allclose(model.predict(X, verbose=0), lstm(X).numpy(), atol=1e-6)
    np.testing.assert_allclose(L.GRU(2, unroll=True, seed=1)(X).shape, (3, 2))


def test_mask_as_numpy_array():
    layer = L.LSTM(2)
    np.testing.assert_allclose(layer(X, mask=MASK).numpy(),
                               layer(X, mask=ember.constant(MASK)).numpy())


def test_initial_state_symbolic_and_unroll():
    x = keras.Input(shape=(6, 4))
    h, c = keras.Input(shape=(3,)), keras.Input(shape=(3,))
    out = L.LSTM(3, unroll=True)(x, initial_state=[h, c])
    model = keras.Model([x, h, c], out)
    h0 = RNG.standard_normal((3, 3)).astype(np.float32)
    got = model([X, h0, np.zeros((3, 3), np.float32)]).numpy()
    lstm = model.layers[-1]
    want = lstm(X, initial_state=[ember.constant(h0), ember.zeros((3, 3))]).numpy()
    np.testing.assert_allclose(got, want, atol=1e-6)
    assert not np.allclose(got, lstm(X).numpy())


# -- custom cells -------------------------------------------------------------------------------
class MinimalRNNCell(L.Layer):
    """A cell with two states of different sizes and a custom initial state."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = [units, 1]
        self.output_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units),
                                                name="recurrent_kernel")

    def call(self, inputs, states):
        out = ember.matmul(inputs, self.kernel) + ember.matmul(states[0],
                                                               self.recurrent_kernel)
        return out, [out, states[1] + 1.0]

    def get_initial_state(self, batch_size=None):
        return [ember.zeros((batch_size, self.units)), ember.fill((batch_size, 1), 10.0)]


def test_custom_cell_rnn_against_numpy():
    layer = L.RNN(MinimalRNNCell(3), return_sequences=True, return_state=True)
    seq, h, count = layer(X, mask=ember.constant(MASK))
    K, R = layer.get_weights()
    hh, prev = np.zeros((3, 3)), np.zeros((3, 3))
    for t in range(6):
        new = X[:, t] @ K + hh @ R
        m = MASK[:, t:t + 1]
        hh = np.where(m, new, hh)
        prev = np.where(m, new, prev)
        np.testing.assert_allclose(seq.numpy()[:, t], prev, atol=1e-5)
    np.testing.assert_allclose(h.numpy(), hh, atol=1e-5)
    np.testing.assert_allclose(count.numpy()[:, 0], 10 + MASK.sum(axis=1))
    assert layer.compute_output_shape((3, 6, 4)) == ((3, 6, 3), (3, 3), (3, 1))


def test_cell_without_get_initial_state_starts_from_zeros():
    class Accumulate(L.Layer):
        state_size = 4

        def call(self, inputs, states):
            return states[0] + inputs, [states[0] + inputs]
    out = L.RNN(Accumulate())(X).numpy()
    np.testing.assert_allclose(out, X.sum(axis=1), atol=1e-5)


def test_cell_called_directly_and_errors():
    cell = L.GRUCell(3, reset_after=False)
    h, [h2] = cell(X[:, 0], [ember.zeros((3, 3))])
    assert h.shape == (3, 3) and h2 is h
    with pytest.raises(ValueError, match="units"):
        L.LSTMCell(0)
    with pytest.raises(ValueError, match="state_size"):
        L.RNN(L.Dense(3))
    with pytest.raises(ValueError, match="merge mode"):
        L.Bidirectional(L.LSTM(2), merge_mode="max")
    with pytest.raises(ValueError, match="go_backwards"):
        L.Bidirectional(L.LSTM(2), backward_layer=L.LSTM(2))
    with pytest.raises(ValueError, match="use_cudnn"):
        L.LSTM(2, use_cudnn="yes")
    with pytest.raises(ValueError, match="expected ndim=3"):
        L.LSTM(2)(ember.ones((2, 3)))
    with pytest.raises(ValueError, match="at least one timestep"):
        L.GRU(2)(ember.ones((2, 0, 3)))


def test_mask_of_shape_batch_time_1_is_accepted_and_others_refused():
    # Keras takes a (batch, timesteps, 1) mask as well; other shapes failed deep inside
    # the fused op with the time-major shape in the message
    for cls in (L.LSTM, L.SimpleRNN, L.GRU):
        layer = cls(2, return_sequences=True)
        want = layer(X, mask=MASK).numpy()
        np.testing.assert_allclose(layer(X, mask=MASK[..., None]).numpy(), want)
        with pytest.raises(ValueError, match=r"mask of shape \(batch, timesteps\) = "
                                             r"\(3, 6\).*\(3, 5\)"):
            layer(X, mask=MASK[:, :5])


def test_wrong_number_of_initial_states_is_refused():
    h = np.zeros((3, 2), np.float32)
    lstm = L.LSTM(2)
    with pytest.raises(ValueError, match=r"expects 2 initial state\(s\).*received 1"):
        lstm(X, initial_state=[h])
    with pytest.raises(ValueError, match=r"expects 2 initial state\(s\).*received 3"):
        lstm(X, initial_state=[h, h, h])    # Keras also refuses; Ember used to ignore one
    stacked = L.RNN([L.LSTMCell(2), L.GRUCell(2)])
    with pytest.raises(ValueError, match=r"for cell 0 .*received one tensor"):
        stacked(X, initial_state=[h, h])
    with pytest.raises(ValueError, match=r"expects 2 initial state\(s\).*received 3"):
        stacked(X, initial_state=[h, h, h])
    assert stacked(X, initial_state=[[h, h], h]).shape == (3, 2)
    conv = L.ConvLSTM1D(2, 3)
    x = np.ones((1, 2, 5, 1), np.float32)
    s = np.zeros((1, 3, 2), np.float32)
    assert conv(x, initial_state=[s, s]).shape == (1, 3, 2)
    with pytest.raises(ValueError, match=r"expects 2 initial state\(s\)"):
        conv(x, initial_state=[s])


@pytest.mark.parametrize("activation", ["tanh", "relu"])   # the fused and the step loop
def test_one_cell_stack_keeps_its_states_nested(activation):
    # Keras repacks the states as the initial ones each step: RNN([LSTMCell]) returns
    # (output, [h, c]). The step loop crashed (the cell got h alone at step 2) and the
    # fused run returned (output, h, c)
    stacked = L.RNN([L.LSTMCell(2, activation=activation)], return_state=True,
                    return_sequences=True)
    out, states = stacked(X)
    plain = L.RNN(L.LSTMCell(2, activation=activation), return_state=True,
                  return_sequences=True)
    plain(X)
    plain.set_weights(stacked.get_weights())
    want_out, want_h, want_c = plain(X)
    assert isinstance(states, list) and len(states) == 2
    np.testing.assert_allclose(out.numpy(), want_out.numpy(), atol=1e-6)
    np.testing.assert_allclose(states[0].numpy(), want_h.numpy(), atol=1e-6)
    np.testing.assert_allclose(states[1].numpy(), want_c.numpy(), atol=1e-6)
    masked = stacked(X, mask=MASK)   # Keras's own loop fails here; the states stay nested
    assert [tuple(s.shape) for s in masked[1]] == [(3, 2), (3, 2)]
