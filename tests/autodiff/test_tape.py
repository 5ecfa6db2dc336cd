import numpy as np
import pytest

import ember


def test_watch_and_gradient():
    x = ember.constant(3.0)
    with ember.GradientTape() as tape:
        tape.watch(x)
        y = x * x + 2.0 * x
    assert float(tape.gradient(y, x)) == 8.0


def test_unwatched_constant_gets_none():
    x = ember.constant(3.0)
    with ember.GradientTape() as tape:
        y = x * x
    assert tape.gradient(y, x) is None


def test_trainable_variables_watched_automatically():
    w = ember.Variable([1.0, 2.0])
    frozen = ember.Variable([1.0, 1.0], trainable=False)
    with ember.GradientTape() as tape:
        y = ember.reduce_sum(w * frozen * w)
    gw, gf = tape.gradient(y, [w, frozen])
    np.testing.assert_allclose(gw.numpy(), [2.0, 4.0])
    assert gf is None
    assert tape.watched_variables() == (w,)


def test_watch_accessed_variables_false():
    w = ember.Variable(1.0)
    with ember.GradientTape(watch_accessed_variables=False) as tape:
        y = w * 3.0
    assert tape.gradient(y, w) is None
    with ember.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(w)
        y = w * 3.0
    assert float(tape.gradient(y, w)) == 3.0


def test_nested_structures_of_sources():
    a = ember.Variable(1.0)
    b = ember.Variable(2.0)
    with ember.GradientTape() as tape:
        y = a * b
    g = tape.gradient(y, {"a": a, "rest": [b]})
    assert float(g["a"]) == 2.0 and float(g["rest"][0]) == 1.0


def test_non_persistent_tape_used_once():
    x = ember.Variable(1.0)
    with ember.GradientTape() as tape:
        y = x * x
    tape.gradient(y, x)
    with pytest.raises(RuntimeError, match="persistent"):
        tape.gradient(y, x)


def test_persistent_tape_many_gradients():
    x = ember.Variable(2.0)
    with ember.GradientTape(persistent=True) as tape:
        y = x * x
        z = y * y
    assert float(tape.gradient(y, x)) == 4.0
    assert float(tape.gradient(z, x)) == 32.0


def test_output_gradients_and_multiple_targets():
    x = ember.Variable([1.0, 2.0])
    with ember.GradientTape(persistent=True) as tape:
        y = x * 3.0
        z = x * x
    g = tape.gradient(y, x, output_gradients=ember.constant([1.0, 10.0]))
    np.testing.assert_allclose(g.numpy(), [3.0, 30.0])
    g2 = tape.gradient([y, z], x)
    np.testing.assert_allclose(g2.numpy(), [5.0, 7.0])


def test_unconnected_gradients_zero():
    x = ember.Variable([1.0, 2.0])
    u = ember.Variable([5.0])
    with ember.GradientTape() as tape:
        y = ember.reduce_sum(x)
    g = tape.gradient(y, [x, u], unconnected_gradients=ember.UnconnectedGradients.ZERO)
    np.testing.assert_allclose(g[1].numpy(), [0.0])
    assert g[1].shape == (1,)


def test_stop_recording_and_reset():
    x = ember.Variable(2.0)
    with ember.GradientTape(persistent=True) as tape:
        y = x * x
        with tape.stop_recording():
            z = x * x
        assert tape.gradient(z, x) is None
        tape.reset()
        w = x * 5.0
    assert tape.gradient(y, x) is None
    assert float(tape.gradient(w, x)) == 5.0


def test_second_and_third_order():
    x = ember.constant(1.5)
    with ember.GradientTape() as t3:
        t3.watch(x)
        with ember.GradientTape() as t2:
            t2.watch(x)
            with ember.GradientTape() as t1:
                t1.watch(x)
                y = x ** 4.0
            dy = t1.gradient(y, x)
        d2y = t2.gradient(dy, x)
    d3y = t3.gradient(d2y, x)
    assert np.isclose(float(dy), 4 * 1.5 ** 3)
    assert np.isclose(float(d2y), 12 * 1.5 ** 2)
    assert np.isclose(float(d3y), 24 * 1.5)


def test_second_order_through_variables():
    v = ember.Variable(2.0)
    with ember.GradientTape() as outer:
        with ember.GradientTape() as inner:
            y = v * v * v
        g = inner.gradient(y, v)
    assert float(g) == 12.0
    assert float(outer.gradient(g, v)) == 12.0


def test_integer_inputs_get_no_gradient():
    x = ember.constant([1, 2])
    with ember.GradientTape() as tape:
        tape.watch(x)
        y = ember.cast(x, "float32") * 2.0
    assert tape.gradient(y, x) is None


def test_broadcast_gradients_summed_to_input_shape():
    a = ember.Variable(np.ones((3, 1), np.float32))
    b = ember.Variable(np.ones((4,), np.float32))
    with ember.GradientTape() as tape:
        y = ember.reduce_sum(a * b)
    ga, gb = tape.gradient(y, [a, b])
    assert ga.shape == (3, 1) and gb.shape == (4,)
    np.testing.assert_allclose(ga.numpy(), np.full((3, 1), 4.0))
    np.testing.assert_allclose(gb.numpy(), np.full((4,), 3.0))


def test_gradient_of_mixed_precision_cast_back():
    a = ember.Variable(np.ones(2, np.float32))
    with ember.GradientTape() as tape:
        y = ember.reduce_sum(a * ember.constant(np.ones(2)))  # float64 result
    g = tape.gradient(y, a)
    assert g.dtype == ember.float32


def test_stop_gradient():
    x = ember.Variable(3.0)
    with ember.GradientTape() as tape:
        y = x * ember.stop_gradient(x)
    assert float(tape.gradient(y, x)) == 3.0


def test_bad_sources_are_errors():
    x = ember.Variable(1.0)
    with ember.GradientTape() as tape:
        y = x * 2
    with pytest.raises(ValueError, match="sources"):
        tape.gradient(y, "x")
    with pytest.raises(ValueError, match="watch"):
        ember.GradientTape().watch("x")


# -- behaviour checked against TensorFlow 2.21 ------------------------------------------------
def test_unwatched_tensor_input_of_a_recorded_op_gets_none():
    # TF: only watched tensors (and values the tape produced) are sources
    x = ember.constant(2.0)
    v = ember.Variable(3.0)
    with ember.GradientTape() as tape:
        y = x * v
    gx, gv = tape.gradient(y, [x, v])
    assert gx is None and float(gv) == 2.0


def test_watching_after_first_use_counts_earlier_ops():
    x = ember.constant(2.0)
    v = ember.Variable(3.0)
    with ember.GradientTape() as tape:
        y = x * v
        tape.watch(x)
        w = x * x
        total = y + w
    assert float(tape.gradient(total, x)) == 7.0   # TF: 3 + 2 * 2


def test_reset_forgets_watched_tensors():
    a = ember.Variable(3.0)
    c = ember.constant(2.0)
    with ember.GradientTape() as tape:
        tape.watch(c)
        tape.reset()
        w = a * c
    ga, gc = tape.gradient(w, [a, c])
    assert float(ga) == 2.0 and gc is None


def test_persistent_gradient_inside_context_is_recorded():
    x = ember.Variable(2.0)
    with pytest.warns(UserWarning, match="inside its context"):
        import ember.autodiff.tape as tape_module
        tape_module._warned_inside_context = False
        with ember.GradientTape(persistent=True) as tape:
            y = x ** 3
            g = tape.gradient(y, x)
            z = g * x
    assert float(g) == 12.0
    assert float(tape.gradient(g, x)) == 12.0     # 6x
    assert float(tape.gradient(z, x)) == 36.0     # d(3x^3)/dx = 9x^2


def test_non_persistent_gradient_inside_context_stops_recording():
    x = ember.Variable(2.0)
    with ember.GradientTape() as tape:
        y = x * x
        assert float(tape.gradient(y, x)) == 4.0
        x * x   # not recorded: the tape is spent
    assert tape._nodes == [] and not tape._recording


def test_variable_as_target():
    v = ember.Variable(2.0)
    with ember.GradientTape(persistent=True) as tape:
        y = v * v
    assert float(tape.gradient(v, v)) == 1.0
    assert float(tape.gradient([y, v], v)) == 5.0


def test_watched_variables_in_creation_order():
    a = ember.Variable(1.0)
    b = ember.Variable(2.0)
    with ember.GradientTape() as tape:
        b * a + b
    assert tape.watched_variables() == (a, b)


def test_watch_integer_tensor_warns():
    with ember.GradientTape() as tape:
        with pytest.warns(UserWarning, match="must be floating"):
            tape.watch(ember.constant(3))


def test_tape_errors_are_clear():
    tape = ember.GradientTape()
    with pytest.raises(RuntimeError, match="not recording"):
        with tape.stop_recording():
            pass
    v = ember.Variable(1.0)
    with ember.GradientTape() as tape:
        y = v * v
    with pytest.raises(ValueError, match="unconnected_gradients: 'bogus'"):
        tape.gradient(y, v, unconnected_gradients="bogus")
    with ember.GradientTape() as tape:
        y = v * v
    with pytest.raises(TypeError, match="received None"):
        tape.gradient(None, v)
