"""ember.function: tracing, signatures and retracing, variables, gradients inside,
nested functions, concrete functions and their printout, errors."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import ember


def test_traces_once_per_signature_and_skips_the_python_body():
    calls = []

    @ember.function
    def f(x, y):
        calls.append(1)
        return ember.tanh(x) * y + 1.0

    a = ember.constant([0.5, -1.0])
    for scale in (1.0, 2.0, 3.0):
        out = f(a, ember.constant(scale))
        np.testing.assert_allclose(out.numpy(), np.tanh([0.5, -1.0]) * scale + 1.0,
                                   rtol=1e-6)
    assert len(calls) == 1 and f.experimental_get_tracing_count() == 1
    f(ember.constant([1.0, 2.0, 3.0]), ember.constant(1.0))      # new shape: new trace
    f(ember.constant([1.0, 2.0], dtype="float64"), ember.constant(1.0, "float64"))
    assert len(calls) == 3 and f.experimental_get_tracing_count() == 3


def test_python_values_are_part_of_the_signature():
    @ember.function
    def f(x, power):
        return x ** power

    x = ember.constant([2.0])
    assert float(f(x, 2)[0]) == 4.0 and float(f(x, 3)[0]) == 8.0
    assert float(f(x, 2)[0]) == 4.0
    assert f.experimental_get_tracing_count() == 2


def test_structures_dicts_and_numpy_inputs():
    @ember.function
    def f(inputs):
        return {"sum": inputs["a"] + inputs["b"][0], "first": inputs["b"][1]}

    out = f({"a": np.ones(2, np.float32), "b": [ember.constant([1.0, 2.0]),
                                                ember.constant(5.0)]})
    assert out["sum"].numpy().tolist() == [2.0, 3.0] and float(out["first"]) == 5.0
    out = f({"a": np.zeros(2, np.float32), "b": [ember.constant([3.0, 4.0]),
                                                 ember.constant(6.0)]})
    assert out["sum"].numpy().tolist() == [3.0, 4.0] and float(out["first"]) == 6.0
    assert f.experimental_get_tracing_count() == 1


def test_variables_are_captured_by_reference_and_assignments_apply_every_call():
    v = ember.Variable([1.0, 2.0])

    @ember.function
    def step(x):
        v.assign_add(x)
        return v.read_value() * 2.0

    np.testing.assert_allclose(step(ember.constant([1.0, 1.0])).numpy(), [4.0, 6.0])
    np.testing.assert_allclose(step(ember.constant([1.0, 1.0])).numpy(), [6.0, 8.0])
    v.assign([0.0, 0.0])                                   # changed outside: seen inside
    np.testing.assert_allclose(step(ember.constant([1.0, 0.0])).numpy(), [2.0, 0.0])
    assert v.numpy().tolist() == [1.0, 0.0]
    assert step.experimental_get_tracing_count() == 1


def test_a_returned_variable_read_does_not_change_with_later_updates():
    v = ember.Variable([1.0])

    @ember.function
    def step():
        before = v.read_value()
        v.assign_add([1.0])
        return before

    first = step()
    second = step()
    assert first.numpy().tolist() == [1.0] and second.numpy().tolist() == [2.0]
    assert v.numpy().tolist() == [3.0]


def test_gradients_inside_a_function_train_a_model():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype(np.float32)
    y = x @ np.array([[1.0], [-2.0], [0.5]], np.float32) + 0.3
    w = ember.Variable(np.zeros((3, 1), np.float32))
    b = ember.Variable(np.zeros((1,), np.float32))

    def eager_step(x, y):
        with ember.GradientTape() as tape:
            loss = ember.reduce_mean(ember.square(ember.matmul(x, w) + b - y))
        gw, gb = tape.gradient(loss, [w, b])
        w.assign_sub(0.1 * gw)
        b.assign_sub(0.1 * gb)
        return loss

    compiled = ember.function(eager_step)
    losses = [float(compiled(ember.constant(x), ember.constant(y))) for _ in range(100)]
    assert losses[-1] < 1e-3 < losses[0]
    w_graph, b_graph = w.numpy().copy(), b.numpy().copy()
    w.assign(np.zeros((3, 1), np.float32))
    b.assign(np.zeros((1,), np.float32))
    for _ in range(100):
        eager_step(ember.constant(x), ember.constant(y))
    np.testing.assert_allclose(w_graph, w.numpy(), rtol=1e-6)
    np.testing.assert_allclose(b_graph, b.numpy(), rtol=1e-6)


def test_nested_functions_inline_into_the_caller():
    @ember.function
    def inner(x):
        return x * 3.0

    @ember.function
    def outer(x):
        return inner(x) + 1.0

    assert float(outer(ember.constant(2.0))) == 7.0
    graph = outer.get_concrete_function(ember.constant(2.0)).graph
    assert [n.name for n in graph.nodes if n.kind == "op"] == ["multiply", "add"]
    assert inner.experimental_get_tracing_count() == 0


def test_random_ops_draw_new_numbers_on_every_call_and_follow_the_global_seed():
    @ember.function
    def draw():
        return ember.random.uniform([4])

    ember.random.set_seed(7)
    a, b = draw().numpy(), draw().numpy()
    assert not np.array_equal(a, b)
    ember.random.set_seed(7)
    eager = [ember.random.uniform([4]).numpy() for _ in range(2)]
    np.testing.assert_array_equal(a, eager[0])
    np.testing.assert_array_equal(b, eager[1])


def test_traced_tensor_as_python_bool_names_the_line_and_the_fix():
    @ember.function
    def f(x):
        if x > 0:            # the offending line
            return x
        return -x

    with pytest.raises(TypeError) as err:
        f(ember.constant(1.0))
    message = str(err.value)
    assert "test_function.py" in message and "if x > 0:" in message
    assert "ember.cond" in message and "ember.where" in message


@pytest.mark.parametrize("convert", [int, float, lambda t: t.numpy()])
def test_traced_tensor_as_python_number_is_refused(convert):
    @ember.function
    def f(x):
        return convert(x)

    with pytest.raises(TypeError, match="traced tensor"):
        f(ember.constant(1.0))


def test_concrete_function_prints_ops_shapes_and_optimizations():
    @ember.function
    def f(x):
        unused = ember.exp(x)     # noqa: F841 - dead code the optimizer removes
        return ember.tanh(x * 2.0 + 1.0)

    cf = f.get_concrete_function(ember.TensorSpec([3, 4], ember.float32))
    text = str(cf.graph)
    assert text.startswith("graph f(x: float32[3,4]) -> float32[3,4]")
    assert "exp" not in text and "dead code" in text
    assert "float32[3,4]" in text
    np.testing.assert_allclose(cf(ember.ones((3, 4))).numpy(), np.tanh(np.full((3, 4), 3.0)),
                               rtol=1e-6)
    assert "f(x: float32[3,4])" in f.pretty_printed_concrete_signatures()


def test_input_signature_checks_arguments():
    f = ember.function(lambda x: x + 1.0,
                       input_signature=[ember.TensorSpec([2], ember.float32)])
    assert f(ember.constant([1.0, 2.0])).numpy().tolist() == [2.0, 3.0]
    with pytest.raises(ValueError, match="input_signature"):
        f(ember.constant([1.0, 2.0, 3.0]))


def test_retracing_often_warns_once_naming_the_argument():
    @ember.function
    def f(x):
        return x + 1.0

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for n in range(1, 10):
            f(ember.ones((n,)))
    messages = [str(w.message) for w in caught if "traced" in str(w.message)]
    assert len(messages) == 1
    assert "argument 'x' changed" in messages[0] and "input_signature" in messages[0]


def test_methods_get_one_function_per_instance():
    class Scaler:
        def __init__(self, k):
            self.k = ember.Variable(k)

        @ember.function
        def __call__(self, x):
            return x * self.k

    a, b = Scaler(2.0), Scaler(3.0)
    assert float(a(ember.constant(1.0))) == 2.0 and float(b(ember.constant(1.0))) == 3.0


def test_an_outer_tape_differentiates_through_a_compiled_function():
    f = ember.function(lambda x: ember.sin(x) * x)
    x = ember.constant(0.7)
    with ember.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    np.testing.assert_allclose(float(tape.gradient(y, x)), np.cos(0.7) * 0.7 + np.sin(0.7),
                               rtol=1e-6)


def test_run_functions_eagerly_runs_the_body():
    calls = []

    @ember.function
    def f(x):
        calls.append(ember.executing_eagerly())
        return x

    ember.config.run_functions_eagerly(True)
    try:
        f(ember.constant(1.0))
        f(ember.constant(1.0))
    finally:
        ember.config.run_functions_eagerly(False)
    f(ember.constant(1.0))
    f(ember.constant(1.0))
    assert calls == [True, True, False]


def test_dry_trace_of_a_spec_leaves_variables_untouched():
    v = ember.Variable(1.0)

    @ember.function
    def f(x):
        v.assign_add(x)
        return v.read_value()

    f.get_concrete_function(ember.TensorSpec([], ember.float32))
    assert float(v) == 1.0
    assert float(f(ember.constant(2.0))) == 3.0 and float(v) == 3.0


def test_tensors_do_not_leak_between_traces():
    leaked = []

    @ember.function
    def keep(x):
        leaked.append(x * 2.0)
        return x

    @ember.function
    def use(x):
        return x + leaked[0]

    keep(ember.constant(1.0))
    with pytest.raises(ValueError, match="do not outlive the trace"):
        use(ember.constant(1.0))


def test_none_dimensions_give_one_graph_for_every_batch_size():
    calls = []
    w = ember.Variable(np.ones((3, 2), np.float32))

    @ember.function(input_signature=[ember.TensorSpec([None, 3]),
                                     ember.TensorSpec([None], "int32")])
    def step(x, y):
        calls.append(1)
        with ember.GradientTape() as tape:
            logits = ember.matmul(ember.reshape(x, (-1, 3)), w)
            loss = ember.reduce_mean(ember.nn.sparse_softmax_cross_entropy_with_logits(
                y, logits))
        return loss, tape.gradient(loss, w)

    rng = np.random.default_rng(0)
    for n in (5, 8, 1, 64):
        x = rng.normal(size=(n, 3)).astype(np.float32)
        y = rng.integers(0, 2, n).astype(np.int32)
        want = step.python_function(ember.constant(x), ember.constant(y))
        got = step(x, y)
        np.testing.assert_allclose(float(got[0]), float(want[0]), rtol=1e-6)
        np.testing.assert_allclose(got[1].numpy(), want[1].numpy(), rtol=1e-6, atol=1e-7)
    assert step.experimental_get_tracing_count() == 1
    assert len(calls) == 3 + 4          # three dry traces find and check the graph; 4 eager
    assert "float32[?,3]" in str(step.get_concrete_function().graph)


def test_reduce_retracing_relaxes_changing_dimensions():
    @ember.function(reduce_retracing=True)
    def f(x):
        return ember.reduce_sum(x * 2.0, axis=0)

    for n in range(1, 8):
        np.testing.assert_allclose(f(np.ones((n, 3), np.float32)).numpy(), [2.0 * n] * 3)
    assert f.experimental_get_tracing_count() == 2


def test_affine_size_formulas_are_confirmed_by_a_third_trace():
    @ember.function(input_signature=[ember.TensorSpec([None])])
    def f(x):
        n = x.shape[0]
        return x * float(n - 1) + float(n / (n - 1))      # Bessel's correction, say

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for n in (3, 5, 8):
            np.testing.assert_allclose(f(np.ones(n, np.float32)).numpy(),
                                       [n - 1 + n / (n - 1)] * n, rtol=1e-6)
    assert f.experimental_get_tracing_count() == 1


def test_size_dependent_python_falls_back_to_one_trace_per_size():
    @ember.function(input_signature=[ember.TensorSpec([None])])
    def f(x):
        return x * float(x.shape[0] % 3)     # no formula of n the graph can hold

    with pytest.warns(RuntimeWarning, match="tracing once per size"):
        out = f(np.ones(4, np.float32))
    assert out.numpy().tolist() == [1.0] * 4
    assert f(np.ones(5, np.float32)).numpy().tolist() == [2.0] * 5


def test_numpy_function_runs_on_every_call_of_the_graph():
    calls = []

    def host_sort(a):
        calls.append(a.copy())
        return np.sort(a)

    f = ember.function(lambda x: ember.numpy_function(host_sort, [x], ember.float32) * 2.0)
    assert f(ember.constant([3.0, 1.0, 2.0])).numpy().tolist() == [2.0, 4.0, 6.0]
    assert f(ember.constant([5.0, 4.0, 6.0])).numpy().tolist() == [8.0, 10.0, 12.0]
    assert f.experimental_get_tracing_count() == 1 and len(calls) == 2
    assert "numpy_function host_sort" in str(f.get_concrete_function(
        ember.constant([1.0, 2.0, 3.0])).graph)
    eager = ember.numpy_function(lambda a, b: (a + b, a * b), [1.0, 2.0],
                                 [ember.float32, ember.float32])
    assert [float(t) for t in eager] == [3.0, 2.0]
    with pytest.raises(ValueError, match="returned 1 values"):
        ember.numpy_function(lambda a: a, [1.0], [ember.float32, ember.float32])


@pytest.mark.parametrize("make", [
    lambda k: k.layers.IntegerLookup(vocabulary=[3, 7, 9]),
    lambda k: k.layers.IntegerLookup(vocabulary=[3, 7, 9], output_mode="multi_hot"),
    lambda k: k.layers.Hashing(5),
    lambda k: k.layers.Discretization(bin_boundaries=[0.0, 5.0]),
    lambda k: k.layers.CategoryEncoding(10, output_mode="count"),
], ids=["lookup", "lookup_multi_hot", "hashing", "discretization", "category_encoding"])
def test_host_preprocessing_layers_compile(make):
    from ember import keras
    layer = make(keras)
    compiled = ember.function(lambda t: layer(t))
    rng = np.random.default_rng(0)
    for _ in range(2):
        x = rng.integers(0, 10, size=(4, 3))
        np.testing.assert_array_equal(compiled(ember.constant(x)).numpy(),
                                      layer(ember.constant(x)).numpy())
    assert compiled.experimental_get_tracing_count() == 1


def test_array_plan_runs_the_traced_graph_on_raw_arrays():
    f = ember.function(lambda x: ember.tanh(x) * 2.0)
    x = ember.constant([0.5, 1.0])
    assert f.array_plan(x) is None                # not traced yet: nothing to run
    f(x)
    plan = f.array_plan(x)
    y = np.array([0.25, -1.0], np.float32)
    np.testing.assert_allclose(plan([y])[0], np.tanh(y) * 2.0, rtol=1e-6)
    assert f.array_plan(ember.constant([1.0, 2.0, 3.0])) is None   # another shape
    pair = ember.function(lambda x: (x, x + 1.0))
    pair(x)
    assert pair.array_plan(x) is None             # a structure of results: no plan
    with ember.GradientTape():
        assert f.array_plan(x) is None            # under a tape the body would run
