"""ember.function and new variables: allowed on the first trace only (as in TF), refused
with TF's error on later traces, init_scope included; per thread, per bound instance."""
from __future__ import annotations

import threading

import numpy as np
import pytest

import ember
from ember import keras
from ember.core.thread_state import STATE


class Lazy:
    """The common pattern: the variable is made on the first call only."""

    def __init__(self):
        self.v = None

    @ember.function
    def __call__(self, x):
        if self.v is None:
            self.v = ember.Variable(ember.ones_like(x) * 2.0)
        return self.v * x


class PerShape:
    """Makes a new variable for each new shape (TF refuses the second one)."""

    def __init__(self, lift: bool = False):
        self.vs, self.lift = {}, lift

    @ember.function
    def __call__(self, x):
        n = x.shape[0]
        if n not in self.vs:
            if self.lift:
                with ember.init_scope():
                    self.vs[n] = ember.Variable(np.zeros([n], np.float32), name=f"v{n}")
            else:
                self.vs[n] = ember.Variable(ember.zeros_like(x), name=f"v{n}")
        return self.vs[n] + x


def test_a_variable_made_on_the_first_call_serves_later_traces():
    m = Lazy()
    np.testing.assert_allclose(m(ember.constant([1.0, 2.0])).numpy(), [2.0, 4.0])
    first = m.v
    np.testing.assert_allclose(m(ember.constant([3.0, 1.0])).numpy(), [6.0, 2.0])
    m.v.assign([1.0, 1.0])
    np.testing.assert_allclose(m(ember.constant([5.0, 6.0])).numpy(), [5.0, 6.0])
    assert m.v is first


def test_a_variable_made_on_a_later_trace_is_refused_naming_the_function():
    m = PerShape()
    np.testing.assert_allclose(m(ember.constant([1.0])).numpy(), [1.0])
    with pytest.raises(ValueError, match=r"ember.function '__call__' only supports "
                                         r"singleton Variables created on the first call"):
        m(ember.constant([1.0, 2.0]))
    assert list(m.vs) == [1]
    np.testing.assert_allclose(m(ember.constant([4.0])).numpy(), [4.0])   # still runs


def test_init_scope_does_not_lift_a_later_trace_out_of_the_rule():
    # TF 2.21 refuses a variable made inside tf.init_scope on a later trace as well
    m = PerShape(lift=True)
    np.testing.assert_allclose(m(ember.constant([1.0])).numpy(), [1.0])
    with pytest.raises(ValueError, match="singleton Variables"):
        m(ember.constant([1.0, 2.0]))


def test_when_the_first_trace_made_no_variable_a_later_one_gets_tfs_other_message():
    calls = []

    @ember.function
    def step(x):
        calls.append(1)
        if len(calls) == 2:
            ember.Variable(1.0, name="late")
        return x + 1.0

    step(ember.constant(1.0))
    with pytest.raises(ValueError, match=r"ember.function 'step': creating variables on "
                                         r"a non-first call .*'late'"):
        step(ember.constant([1.0]))


def test_a_python_argument_retrace_that_creates_a_variable_is_refused():
    class Q:
        def __init__(self):
            self.v, self.w = None, None

        @ember.function
        def __call__(self, x, flag):
            if self.v is None:
                self.v = ember.Variable(1.0)
            if flag and self.w is None:
                self.w = ember.Variable(2.0)
            return x * self.v

    q = Q()
    assert float(q(ember.constant(3.0), False)) == 3.0
    with pytest.raises(ValueError, match="singleton"):
        q(ember.constant(3.0), True)


def test_each_instance_has_its_own_first_call():
    a, b = Lazy(), Lazy()
    a(ember.constant([1.0]))
    b(ember.constant([1.0, 2.0]))
    assert a.v is not b.v and b.v.shape == (2,)


def test_get_concrete_function_is_the_first_trace():
    m = Lazy()
    m.__call__.get_concrete_function(ember.TensorSpec([2], "float32"))
    assert m.v is not None
    np.testing.assert_allclose(m(ember.constant([1.0, 3.0])).numpy(), [2.0, 6.0])


def test_a_failed_first_trace_leaves_the_first_call_to_the_next_one():
    # (TF counts the failed call; Ember lets the trace that finishes make them, so a
    # Keras fit run again after an error in its step can still build its optimizer)
    class M:
        def __init__(self):
            self.v, self.n = None, 0

        @ember.function
        def __call__(self, x):
            self.n += 1
            if self.n == 1:
                raise RuntimeError("boom")
            if self.v is None:
                self.v = ember.Variable(1.0)
            return x * self.v

    m = M()
    with pytest.raises(RuntimeError, match="boom"):
        m(ember.constant(1.0))
    assert not STATE.variable_hooks                  # the hook came off on the error
    assert float(m(ember.constant(2.0))) == 2.0


def test_one_graph_for_all_sizes_creates_the_variable_once():
    made = []

    class N:
        def __init__(self):
            self.v = None

        @ember.function(input_signature=[ember.TensorSpec([None], "float32")])
        def f(self, x):
            if self.v is None:
                self.v = ember.Variable(2.0)
                made.append(self.v)
            return ember.reduce_sum(x) * self.v

    n = N()
    assert float(n.f(ember.ones([3]))) == 6.0
    assert float(n.f(ember.ones([5]))) == 10.0
    assert len(made) == 1


def test_a_variable_made_on_every_call_is_refused_on_the_second_trace():
    @ember.function
    def always(x):
        v = ember.Variable(1.0)
        return v + x

    assert float(always(ember.constant(1.0))) == 2.0
    with pytest.raises(ValueError, match="'always' only supports singleton"):
        always(ember.constant([1.0, 2.0]))


def test_variables_made_eagerly_or_by_another_thread_meanwhile_are_not_refused():
    m = PerShape()
    m(ember.constant([1.0]))
    made = []

    @ember.function
    def f(x):
        t = threading.Thread(target=lambda: made.append(ember.Variable(3.0)))
        t.start()
        t.join()
        return x * 2.0

    f(ember.constant(1.0))
    f(ember.constant([1.0, 2.0]))           # a later trace: the other thread's is its own
    assert len(made) == 2
    assert ember.Variable(1.0).numpy() == 1.0 and not STATE.variable_hooks


def test_keras_layers_built_on_the_first_call_survive_retracing():
    layer = keras.layers.Dense(2, kernel_initializer="ones")
    opt = keras.optimizers.Adam(learning_rate=0.1)

    @ember.function
    def step(x):
        with ember.GradientTape() as tape:
            loss = ember.reduce_sum(layer(x))
        grads = tape.gradient(loss, layer.trainable_variables)
        opt.apply_gradients(zip(grads, layer.trainable_variables))
        return loss

    assert float(step(ember.ones([1, 3]))) == 6.0        # builds the layer and slots
    n_vars = len(opt.variables)
    step(ember.ones([4, 3]))                              # a new shape: a new trace
    assert len(opt.variables) == n_vars and step.experimental_get_tracing_count() == 2
