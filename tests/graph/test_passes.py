"""The optimization passes: each one's rewrite shows in the graph, and the compiled
function still gives the eager results."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ember
from ember.graph.ir import Graph, Node
from ember.graph.optimize import optimize
from ember.graph.passes import constant_folding, cse, fusion, memory, simplify
from ember.graph.plan import Plan
from ember.graph.tracer import GraphBuilder, tracing
from ember.ops import elementwise as ew
from ember.ops import shape as shp


def _graph(fn, *specs):
    return ember.function(fn).get_concrete_function(*specs).graph


def _ops(graph, kinds=("op", "fused")):
    return [n.name for n in graph.nodes if n.kind in kinds]


def _check(fn, *arrays, exact=False):
    """Compiled == eager on these arrays (bit for bit with exact=True)."""
    f = ember.function(fn)
    for _ in range(2):                      # the trace's result, then the plan's
        got = f(*[ember.constant(a) for a in arrays])
        want = fn(*[ember.constant(a) for a in arrays])
        got = got if isinstance(got, (list, tuple)) else [got]
        want = want if isinstance(want, (list, tuple)) else [want]
        for g, w in zip(got, want):
            g, w = np.asarray(g.numpy()), np.asarray(w.numpy())
            assert g.dtype == w.dtype and g.shape == w.shape
            if exact:
                np.testing.assert_array_equal(g, w)
            else:
                np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-6)
    return f


def _rand(rng, shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


# -- constant folding ----------------------------------------------------------------------
def test_gradient_seed_folds_to_a_constant(rng):
    def fn(x):
        with ember.GradientTape() as t:
            t.watch(x)
            y = ember.reduce_sum(ember.tanh(x) * 2.0)
        return t.gradient(y, x)
    g = _graph(fn, ember.TensorSpec([4, 3]))
    assert g.stats["constant folding"] >= 3          # ones_like, reshape, broadcast, ...
    assert "ones_like" not in _ops(g) and "broadcast_to" not in _ops(g)
    _check(fn, _rand(rng, (4, 3)))


def test_folding_skips_results_over_a_megabyte(rng):
    def fn(x):
        one = ember.ones_like(ember.reduce_sum(x))
        return ember.broadcast_to(one, [600, 600]) * x
    g = _graph(fn, ember.TensorSpec([600, 600]))
    assert "broadcast_to" in _ops(g)                  # 1.44 MB: left to run
    assert "ones_like" not in _ops(g)
    _check(fn, _rand(rng, (600, 600)))


def test_folding_multi_result_and_cast_to():
    g = Graph("g")
    c = g.new_value((2, 2), np.dtype("int32"))
    a, b = g.new_value((2,), np.dtype("int32")), g.new_value((2,), np.dtype("int32"))
    h = g.new_value((2,), np.dtype("float32"))
    w = g.new_value((), "weak float")
    g.add(Node("const", None, (), (c,), {"value": np.array([[1, 2], [3, 4]], np.int32)}))
    g.add(Node("const", None, (), (w,), {"value": 0.5}))
    g.add(Node("op", shp._unstack.primitive, (c,), (a, b), {"axis": 0}, {"multi": True}))
    g.add(Node("op", ew.multiply.primitive, (b, w), (h,), {},
               {"cast_to": np.dtype("float32")}))
    g.outputs = [a, h]
    assert constant_folding.run(g) == 2
    values = {n.outputs[0]: n.params["value"] for n in g.nodes if n.kind == "const"}
    np.testing.assert_array_equal(values[a], [1, 2])
    assert values[h].dtype == np.float32 and values[h].tolist() == [1.5, 2.0]
    assert [n.kind for n in g.nodes] == ["const"] * 5


def test_folding_leaves_shape_of_unknown_dims_alone():
    b = GraphBuilder("g")
    x = b.placeholder(np.ones((3, 2), np.float32), "x", static_shape=(None, 2))
    with tracing(b):
        y = ember.zeros_like(x) + x
    b.graph.outputs = [y._vid]
    assert constant_folding.run(b.graph) == 0


# -- simplification ------------------------------------------------------------------------
def test_neutral_ops_disappear(rng):
    def fn(x):
        y = (1.0 * (x * 1.0) + 0.0) - 0.0
        y = 0 + y / 1.0
        y = ember.negative(ember.negative(y))
        y = ember.reshape(y, [4, 3])
        y = ember.transpose(y, [0, 1])
        y = ember.identity(ew._cast(y, dtype=np.dtype("float32")))
        y = ember.broadcast_to(y, [4, 3]) * np.float32(1.0)
        return y * np.ones((1, 3), np.float32)
    g = _graph(fn, ember.TensorSpec([4, 3]))
    assert g.stats["simplified"] == 14
    assert _ops(g) == [] and g.outputs == g.inputs
    _check(fn, _rand(rng, (4, 3)), exact=True)


@pytest.mark.parametrize("fn", [
    lambda x: x * np.ones((2, 4, 3), np.float32),     # broadcast grows x
    lambda x: x * 1.0 + ember.constant([0.0, 1.0, 0.0]),
    lambda x: x * np.float64(1.0),                     # float32 * float64 -> float64
    lambda x: x * np.array([1.0, 2.0, 1.0], np.float32),
    lambda x: 0.0 - x,
    lambda x: 1.0 / x,
    lambda x: ember.reshape(x, [3, 4]),
    lambda x: ember.transpose(x, [1, 0]),
])
def test_non_neutral_ops_stay(fn, rng):
    _check(fn, _rand(rng, (4, 3)), exact=True)
    g = _graph(fn, ember.TensorSpec([4, 3]))
    assert _ops(g)


def test_int_times_one_point_zero_keeps_its_float_result():
    fn = lambda x: x * 1.0
    g = _graph(fn, ember.TensorSpec([3], "int32"))
    assert g.value_type(g.outputs[0]) == "float32[3]" and _ops(g)
    _check(fn, np.array([1, 2, 3], np.int32), exact=True)


def test_float64_and_negative_zero(rng):
    x = _rand(rng, (5,), np.float64)
    x[0] = -0.0
    f = _check(lambda x: (x - 0.0) * 1.0 / 1.0, x, exact=True)
    out = f(ember.constant(x)).numpy()
    assert np.signbit(out[0])


def test_simplify_keeps_shape_ops_on_unknown_dims():
    b = GraphBuilder("g")
    x = b.placeholder(np.ones((3, 2), np.float32), "x", static_shape=(None, 2))
    with tracing(b):
        y = shp._broadcast_to(x, shape=(3, 2)) * np.ones((3, 2), np.float32)
        z = y * 1.0
    b.graph.outputs = [z._vid]
    assert simplify.run(b.graph) == 1                 # only the scalar * 1.0
    assert [n.name for n in b.graph.nodes if n.kind == "op"] == ["broadcast_to", "multiply"]
    out = Plan(b.graph)([np.full((1, 2), 2.0, np.float32)])[0]
    np.testing.assert_array_equal(out, np.full((3, 2), 2.0, np.float32))


# -- common subexpressions -----------------------------------------------------------------
def test_duplicate_ops_and_constants_merge(rng):
    def fn(x, y):
        a = ember.matmul(x, y) + np.array([1.0, 2.0], np.float32)
        b = ember.matmul(x, y) + np.array([1.0, 2.0], np.float32)
        c = ember.reduce_sum(x, axis=1) + ember.reduce_sum(x, axis=1)
        d = ember.reduce_sum(x, axis=0)                    # other params: kept apart
        return a * b, c, d
    g = _graph(fn, ember.TensorSpec([3, 2]), ember.TensorSpec([2, 2]))
    assert g.stats["common subexpressions"] >= 4
    names = _ops(g)
    assert names.count("matmul") == 1 and names.count("reduce_sum") == 2
    _check(fn, _rand(rng, (3, 2)), _rand(rng, (2, 2)))


def test_weak_scalars_merge_only_with_the_same_type():
    g = Graph("g")
    x = g.new_value((2,), np.dtype("float32"))
    ids = [g.new_value((), "weak " + type(v).__name__) for v in (2.0, 2, 2.0, -0.0, 0.0)]
    g.add(Node("input", None, (), (x,), {"index": 0, "name": "x"}))
    g.inputs, g.input_names = [x], ["x"]
    for vid, v in zip(ids, (2.0, 2, 2.0, -0.0, 0.0)):
        g.add(Node("const", None, (), (vid,), {"value": v}))
    outs = []
    for vid in ids:
        o = g.new_value((2,), np.dtype("float32"))
        g.add(Node("op", ew.multiply.primitive, (x, vid), (o,)))
        outs.append(o)
    g.outputs = outs
    assert cse.run(g) == 2        # the second 2.0, and its multiply
    assert g.outputs[2] == g.outputs[0] and len(set(g.outputs)) == 4


def test_variable_reads_merge_between_writes(rng):
    def make():
        v = ember.Variable(np.arange(3, dtype=np.float32))

        def fn(x):
            a = v * x + v * 2.0           # two reads, no write between: one read
            v.assign_add(a)
            b = v * x                      # read after the write: a new read
            return a, b + v
        return v, fn
    v1, fn1 = make()
    v2, fn2 = make()
    f = ember.function(fn1)
    x = _rand(rng, (3,))
    for _ in range(3):
        got = f(ember.constant(x))
        want = fn2(ember.constant(x))
        for g_, w in zip(got, want):
            np.testing.assert_allclose(g_.numpy(), w.numpy(), rtol=1e-6)
        np.testing.assert_allclose(v1.numpy(), v2.numpy(), rtol=1e-6)
    g = f.get_concrete_function(ember.TensorSpec([3])).graph
    assert [n.kind for n in g.nodes].count("read") == 2


def test_unkeyable_params_never_merge():
    assert cse._params_key({"a": np.zeros(100)}) is None
    assert cse._params_key({"a": object()}) is None
    assert cse._params_key({"axis": 1}) != cse._params_key({"axis": True})
    assert cse._params_key({"x": 0.0}) != cse._params_key({"x": -0.0})
    assert cse._params_key({"s": (1, slice(0, 2))}) == cse._params_key({"s": (1, slice(0, 2))})


# -- fusion -------------------------------------------------------------------------------
def test_chain_fuses_and_matches_exactly(rng):
    fn = lambda x: ember.tanh(x * 2.0 + 1.0) * x
    g = _graph(fn, ember.TensorSpec([16, 8]))
    assert _ops(g) == ["fused[multiply, add, tanh, multiply]"]
    assert g.stats["fused"] == 4
    for dtype in (np.float32, np.float64, np.float16):
        _check(fn, _rand(rng, (16, 8), dtype), exact=True)


def test_activations_fuse_exactly(rng):
    def fn(x, b):
        h = ember.nn.relu(x + b)
        h = ember.sigmoid(h * 3.0 - 1.0)
        h = ember.nn.relu(ember.keras.activations.sigmoid(h * 40.0 - 20.0) - 0.2)
        h = ember.nn.relu6(ember.nn.leaky_relu(h - 0.5, alpha=0.3) * 20.0)
        return ember.nn.softsign(ember.math.rsqrt(ember.abs(h) + 1e-3)) / b
    g = _graph(fn, ember.TensorSpec([40, 10]), ember.TensorSpec([10]))
    assert len(_ops(g)) == 1 and _ops(g)[0].startswith("fused[add, relu, multiply")
    x = _rand(rng, (40, 10)) * 30             # sigmoid of large |x|: overflow stays quiet
    _check(fn, x, _rand(rng, (10,)), exact=True)


def test_fused_kernels_bind_literals_in_the_chain_dtype(rng):
    def fn(x, b):
        return ember.nn.relu6(ember.nn.relu(x + b) * 2.0)
    for dtype in ("float32", "float64"):
        g = _graph(fn, ember.TensorSpec([3, 4], dtype), ember.TensorSpec([4], dtype))
        (node,) = [n for n in g.nodes if n.kind == "fused"]
        assert node.meta["dtype"] == np.dtype(dtype)
        step = fusion.compile_program(node.meta["program"], node.outputs[0], np,
                                      dtype=node.meta["dtype"])
        bound = [c.cell_contents for c in step.__closure__]
        literals = [v for v in bound if isinstance(v, np.ndarray) and v.ndim == 0]
        assert literals and all(v.dtype == np.dtype(dtype) for v in literals)
        x, b = _rand(rng, (3, 4)).astype(dtype) * 5, _rand(rng, (4,)).astype(dtype)
        _check(fn, x, b, exact=True)


def test_intermediate_used_twice_is_not_fused_through(rng):
    def fn(x):
        a = ember.exp(x * 0.5)
        return ember.tanh(a) + a, a * 3.0
    g = _graph(fn, ember.TensorSpec([5, 4]))
    fused = [n for n in g.nodes if n.kind == "fused"]
    assert fused
    for n in fused:   # `a` is read twice: it ends a chain, no chain runs through it
        inner = {m.outputs[0] for m in n.meta["nodes"][:-1]}
        assert not inner & {i for m in g.nodes for i in m.inputs}
    _check(fn, _rand(rng, (5, 4)), exact=True)


def test_output_intermediate_and_non_float_do_not_fuse(rng):
    def fn(x, i):
        a = x * 2.0
        return a, ember.exp(a), ember.cast(i, "float32") * 2.0 + ember.exp(x)
    g = _graph(fn, ember.TensorSpec([6]), ember.TensorSpec([6], "int32"))
    assert all(n.kind != "fused" or "cast" not in n.name for n in g.nodes)
    x, i = _rand(rng, (6,)), np.arange(6, dtype=np.int32)
    _check(fn, x, i, exact=True)

    g2 = _graph(lambda i: ember.exp(i) * 2.0, ember.TensorSpec([6], "int32"))
    assert "fused" not in str(g2)                          # exp of ints converts first
    _check(lambda i: ember.exp(i) * 2.0, i, exact=True)


def test_fusion_stops_at_side_effects(rng):
    v = ember.Variable(np.zeros(4, np.float32))
    v_ref = ember.Variable(np.zeros(4, np.float32))

    def body(var):
        def fn(x):
            a = x * 2.0
            var.assign_add(x)
            return ember.exp(a) + var
        return fn
    f = ember.function(body(v))
    g = f.get_concrete_function(ember.TensorSpec([4])).graph
    v.assign(np.zeros(4, np.float32))
    assert not any(n.kind == "fused" and n.meta["names"][0] == "multiply" for n in g.nodes)
    x = _rand(rng, (4,))
    for _ in range(3):
        np.testing.assert_allclose(f(ember.constant(x)).numpy(),
                                   body(v_ref)(ember.constant(x)).numpy(), rtol=1e-6)


def test_gradient_inside_function_fuses_and_matches(rng):
    w = ember.Variable(_rand(rng, (8, 4)))
    w_ref = ember.Variable(w.numpy())

    def body(var):
        def fn(x):
            with ember.GradientTape() as t:
                h = ember.tanh(ember.matmul(x, var) * 0.5 + 0.1)
                loss = ember.reduce_mean(ember.square(h - 1.0))
            g = t.gradient(loss, var)
            var.assign_sub(g * 0.1)
            return loss
        return fn
    f = ember.function(body(w))
    x = _rand(rng, (16, 8))
    for _ in range(3):
        np.testing.assert_allclose(f(ember.constant(x)).numpy(),
                                   body(w_ref)(ember.constant(x)).numpy(), rtol=1e-6)
        np.testing.assert_allclose(w.numpy(), w_ref.numpy(), rtol=1e-6, atol=1e-7)
    g = f.get_concrete_function(ember.TensorSpec([16, 8])).graph
    assert g.stats.get("fused", 0) >= 3


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=1, max_size=3),
       st.lists(st.booleans(), min_size=3, max_size=3),
       st.sampled_from([np.float32, np.float64]))
def test_fusion_with_drawn_broadcast_shapes(shape, ones, dtype):
    rng = np.random.default_rng(len(shape))
    side_shape = [1 if o else d for d, o in zip(shape, ones)]
    x, s = _rand(rng, shape, dtype), _rand(rng, side_shape[1:], dtype)
    fn = lambda x, s: ember.maximum(ember.exp(x - s) * s, 0.25) / (1.5 + s * s)
    _check(fn, x, s, exact=True)


def test_fused_step_falls_back_when_a_side_input_grows_the_buffer():
    prog = [(ew.multiply.primitive, {}, (("v", 0), ("c", 2.0))),
            (ew.add.primitive, {}, (("b",), ("v", 1))),
            (ew.tanh.primitive, {}, (("b",),))]
    x = np.arange(3, dtype=np.float32).reshape(1, 3)
    y = np.ones((4, 3), np.float32)
    want = np.tanh(x * 2.0 + y)
    for inplace in (None, 0):
        step = fusion.compile_program(prog, 2, np, inplace)
        s = [x.copy(), y, None]
        step(s)
        np.testing.assert_array_equal(s[2], want)
    step = fusion.compile_program(prog, 2, np, 0)
    ro = np.ones((4, 3), np.float32)
    ro.flags.writeable = False                                   # not writable: allocate
    s = [ro, y, None]
    step(s)
    np.testing.assert_array_equal(s[2], np.tanh(2.0 + y))
    np.testing.assert_array_equal(ro, 1.0)


# -- memory -------------------------------------------------------------------------------
def test_in_place_marks_and_peak(rng):
    def fn(x, y):
        m = ember.matmul(x, y)
        return ember.reduce_sum(ember.exp(m) * 2.0, axis=0)
    g = _graph(fn, ember.TensorSpec([32, 16]), ember.TensorSpec([16, 8]))
    fused = [n for n in g.nodes if n.kind == "fused"]
    assert len(fused) == 1 and fused[0].meta["inplace"] == 0
    assert g.stats["in place"] == 1
    assert g.peak_bytes == 32 * 8 * 4 + 8 * 4           # the product, then the sum
    assert "peak live 1,056 bytes" in str(g)
    _check(fn, _rand(rng, (32, 16)), _rand(rng, (16, 8)), exact=True)


def test_in_place_single_op_and_not_on_inputs_views_or_shared(rng):
    def fn(x, y):
        m = ember.matmul(x, y)
        a = ember.sqrt(ember.abs(m))          # fused [abs, sqrt], in place into m
        r = ember.reshape(a, [4, 2])          # a view: whatever reads it is not in place
        n = ember.matmul(x, y * 2.0) * 1.5 + 0.0
        t = ember.exp(x)                      # x is an input: never overwritten
        return r * 2.0, n, t
    g = _graph(fn, ember.TensorSpec([2, 3]), ember.TensorSpec([3, 4]))
    made = {o: n for n in g.nodes for o in n.outputs}
    inplace = {}
    for n in g.nodes:
        if n.kind in ("op", "fused"):
            src = made[n.inputs[0]].name
            inplace[(src, n.name)] = n.meta.get("inplace")
    assert inplace[("matmul", "fused[abs, sqrt]")] == 0
    assert inplace[("matmul", "multiply")] == 0          # n: one op, in place
    assert inplace[("input", "exp")] is None              # x is an input
    assert inplace[("input", "multiply")] is None         # y * 2.0
    assert inplace[("reshape", "multiply")] is None       # reads the reshape view
    x, y = _rand(rng, (2, 3)), _rand(rng, (3, 4))
    f = _check(fn, x, y, exact=True)
    xc = x.copy()
    f(ember.constant(x), ember.constant(y))
    np.testing.assert_array_equal(x, xc)


def test_in_place_after_a_two_operand_einsum_but_not_a_one_operand_view(rng):
    def fn(x, w, b):
        h = ember.einsum("abc,cd->abd", x, w) + b      # a product: a new array
        t = ember.einsum("abc->acb", x) * 2.0           # a transpose: a view of x
        return h, t
    g = _graph(fn, ember.TensorSpec([2, 3, 4]), ember.TensorSpec([4, 5]),
               ember.TensorSpec([5]))
    inplace = {n.name: n.meta.get("inplace") for n in g.nodes if n.kind == "op"}
    assert inplace["add"] == 0 and inplace["multiply"] is None
    x, w, b = _rand(rng, (2, 3, 4)), _rand(rng, (4, 5)), _rand(rng, (5,))
    xc = x.copy()
    _check(fn, x, w, b, exact=True)
    np.testing.assert_array_equal(x, xc)


def _lstm_loss(x, w, r):
    """An LSTM over ``x @ w`` (time-major) and its gradients: ``zx`` is read once."""
    T, B, _ = x.shape
    U = r.shape[0]
    with ember.GradientTape() as tape:
        tape.watch([w, r])
        zx = ember.reshape(ember.matmul(ember.reshape(x, [T * B, -1]), w), [T, B, 4 * U])
        hs, _ = ember.nn.lstm_sequence(zx, ember.zeros([B, U]), ember.zeros([B, U]), r)
        loss = ember.reduce_sum(hs[-1] * hs[-1])
    return [loss, *tape.gradient(loss, [w, r])]


def test_an_lstm_takes_its_projection_and_activations_in_place(rng):
    specs = (ember.TensorSpec([6, 4, 3]), ember.TensorSpec([3, 20]),
             ember.TensorSpec([5, 20]))
    g = _graph(_lstm_loss, *specs)
    donated = {n.name for n in g.nodes if n.kind == "op" and n.params.get("donate")}
    assert donated == {"lstm_sequence", "lstm_sequence_grad"}
    assert "donate=True" in str(g)
    _check(_lstm_loss, _rand(rng, (6, 4, 3)), _rand(rng, (3, 20)),
           _rand(rng, (5, 20)) * 0.5)


def test_no_donation_of_a_value_read_again_or_returned(rng):
    def read_twice(x, w, r):
        zx = ember.reshape(ember.matmul(ember.reshape(x, [24, 3]), w), [6, 4, 20])
        hs, _ = ember.nn.lstm_sequence(zx, ember.zeros([4, 5]), ember.zeros([4, 5]), r)
        return hs, ember.reduce_sum(zx)

    def returned(x, w, r):
        zx = ember.reshape(ember.matmul(ember.reshape(x, [24, 3]), w), [6, 4, 20])
        hs, _ = ember.nn.lstm_sequence(zx, ember.zeros([4, 5]), ember.zeros([4, 5]), r)
        return hs, zx

    def from_an_input(zx, w, r):
        hs, _ = ember.nn.lstm_sequence(zx, ember.zeros([4, 5]), ember.zeros([4, 5]), r)
        return hs

    args = (_rand(rng, (6, 4, 3)), _rand(rng, (3, 20)), _rand(rng, (5, 20)) * 0.5)
    for fn, first in ((read_twice, (6, 4, 3)), (returned, (6, 4, 3)),
                      (from_an_input, (6, 4, 20))):
        g = _graph(fn, ember.TensorSpec(first), ember.TensorSpec([3, 20]),
                   ember.TensorSpec([5, 20]))
        assert not any(n.params.get("donate") for n in g.nodes if n.kind == "op")
        arrays = (_rand(rng, first), *args[1:])
        kept = arrays[0].copy()
        _check(fn, *arrays)
        np.testing.assert_array_equal(arrays[0], kept)


def test_in_place_op_step_shares_the_buffer(rng):
    g = Graph("g")
    x = g.new_value((3,), np.dtype("float32"))
    m = g.new_value((3,), np.dtype("float32"))
    e = g.new_value((3,), np.dtype("float32"))
    g.add(Node("input", None, (), (x,), {"index": 0, "name": "x"}))
    g.inputs, g.input_names = [x], ["x"]
    g.add(Node("op", ew.negative.primitive, (x,), (m,)))
    g.add(Node("op", ew.exp.primitive, (m,), (e,)))
    g.outputs = [e]
    assert memory.run(g) == 1 and g.nodes[2].meta["inplace"] == 0
    plan = Plan(g)
    arr = np.array([0.0, 1.0, 2.0], np.float32)
    np.testing.assert_array_equal(plan([arr])[0], np.exp(-arr))
    assert arr.tolist() == [0.0, 1.0, 2.0]                 # the input is untouched


def test_whole_pipeline_on_a_train_step(rng):
    w = ember.Variable(_rand(rng, (6, 3)) * 0.3)
    w_ref = ember.Variable(w.numpy())

    def body(var):
        def step(x, y):
            with ember.GradientTape() as t:
                p = ember.sigmoid(ember.matmul(x, var))
                loss = ember.reduce_mean(-(y * ember.math.log(p + 1e-7)
                                           + (1.0 - y) * ember.math.log(1.0 - p + 1e-7)))
            var.assign_sub(t.gradient(loss, var) * 0.5)
            return loss, p
        return step
    f = ember.function(body(w))
    x, y = _rand(rng, (20, 6)), (rng.random((20, 3)) > 0.5).astype(np.float32)
    for _ in range(4):
        got, want = f(x, y), body(w_ref)(ember.constant(x), ember.constant(y))
        for a, b in zip(got, want):
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(w.numpy(), w_ref.numpy(), rtol=1e-6, atol=1e-7)
    g = f.get_concrete_function(ember.TensorSpec([20, 6]), ember.TensorSpec([20, 3])).graph
    assert g.stats.get("fused") and g.peak_bytes > 0


def test_optimize_is_repeatable_on_an_optimized_graph(rng):
    fn = lambda x: ember.tanh(x * 2.0 + 1.0) * x * 1.0
    g = _graph(fn, ember.TensorSpec([4]))
    names = [n.name for n in g.nodes]
    optimize(g)                                  # nothing left to do, nothing breaks
    assert [n.name for n in g.nodes] == names
    x = _rand(rng, (4,))
    np.testing.assert_array_equal(Plan(g)([x])[0], fn(ember.constant(x)).numpy())


def test_no_in_place_into_a_value_the_chain_reads_again(rng):
    fn = lambda x, y: (lambda m: ember.tanh(m * 2.0 + 1.0) * m)(ember.matmul(x, y))  # noqa
    g = _graph(fn, ember.TensorSpec([4, 3]), ember.TensorSpec([3, 5]))
    (fused,) = [n for n in g.nodes if n.kind == "fused"]
    assert fused.meta.get("inplace") is None
    _check(fn, _rand(rng, (4, 3)), _rand(rng, (3, 5)), exact=True)


# -- fused kernels over long rows ----------------------------------------------------------
def test_fused_bias_and_relu_run_over_long_rows(rng):
    def fn(x, b):
        return ember.nn.relu(x + b) * 2.0
    shape = (8, 26, 26, 32)                         # 173k elements: past long_rows.MIN_SIZE
    g = _graph(fn, ember.TensorSpec(shape), ember.TensorSpec([32]))
    (node,) = [n for n in g.nodes if n.kind == "fused"]
    step = fusion._fused_step(node, np)
    assert step.source.count("long_rows(") == 2     # the bias add and the relu's maximum
    x = _rand(rng, shape)
    x[0, 0, 0, :4] = [np.nan, np.inf, -np.inf, -0.0]
    _check(fn, x, _rand(rng, (32,)), exact=True)
    small = _graph(fn, ember.TensorSpec([4, 32]), ember.TensorSpec([32]))
    (node,) = [n for n in small.nodes if n.kind == "fused"]
    assert "long_rows" not in fusion._fused_step(node, np).source   # too small to pay


def test_long_rows_with_an_unknown_batch_size(rng):
    def fn(x, b):
        return ember.nn.relu(b - x)
    f = ember.function(fn, input_signature=[ember.TensorSpec([None, 64, 32]),
                                            ember.TensorSpec([64, 32])])
    b = _rand(rng, (64, 32))
    for n in (1, 40):                               # below and above long_rows.MIN_SIZE
        x = _rand(rng, (n, 64, 32))
        np.testing.assert_array_equal(f(x, b).numpy(), fn(ember.constant(x),
                                                           ember.constant(b)).numpy())


# -- gradient folding ----------------------------------------------------------------------
def _relu_pool_grad(x, w):
    with ember.GradientTape() as tape:
        tape.watch(x)
        y = ember.nn.max_pool2d(ember.nn.relu(x), 2, 2, "VALID")
        loss = ember.reduce_sum(y * w)
    return tape.gradient(loss, x)


def test_relu_gradient_folds_into_the_tiled_max_pool_gradient(rng):
    x = _rand(rng, (2, 7, 6, 3))
    x[0, :2, :2, 0] = 1.5                           # a tie at a positive maximum
    x[1, :2, :2, 1] = -1.0                          # all negative: relu ties them at 0
    w = _rand(rng, (2, 3, 3, 3))
    w[0, 0, 0, 2] = np.inf
    g = _graph(_relu_pool_grad, ember.TensorSpec(x.shape), ember.TensorSpec(w.shape))
    names = _ops(g, ("op",))
    assert "max_pool_relu_grad" in names and "_relu_grad" not in names
    assert g.stats["folded"] == 1
    _check(_relu_pool_grad, x, w, exact=True)
    x[1, 2, 2, 2] = np.nan                          # NaN maximum: the unfolded route
    _check(_relu_pool_grad, x, w, exact=True)


def test_folding_needs_the_pool_gradient_to_feed_only_the_relu(rng):
    def fn(x, w):
        with ember.GradientTape(persistent=True) as tape:
            tape.watch(x)
            r = ember.nn.relu(x)
            y = ember.nn.max_pool2d(r, 2, 2, "VALID")
            loss = ember.reduce_sum(y * w)
        return tape.gradient(loss, x), tape.gradient(loss, r)   # both read the pool's
    g = _graph(fn, ember.TensorSpec([1, 4, 4, 2]), ember.TensorSpec([1, 2, 2, 2]))
    assert g.stats.get("folded", 0) == 0
    _check(fn, _rand(rng, (1, 4, 4, 2)), _rand(rng, (1, 2, 2, 2)), exact=True)


def test_folded_op_gradients_match_the_pair(rng):
    from ember.ops import pool
    x = ember.constant(rng.standard_normal((2, 4, 6, 3)))
    y = pool._max_pool(x, ksize=(2, 2), strides=(2, 2), dilations=(1, 1),
                       pads=((0, 0), (0, 0)))
    g = ember.constant(rng.standard_normal(tuple(y.shape)))
    h = ember.constant(rng.standard_normal(tuple(x.shape)))

    def folded(g):
        return ember.reduce_sum(pool._max_pool_relu_grad(g, x, y, ksize=(2, 2)) * h)

    def pair(g):
        a = pool._max_pool_grad(g, x, y, ksize=(2, 2))
        return ember.reduce_sum(ember.ops.activations._relu_grad(a, x) * h)
    for fn in (folded, pair):
        with ember.GradientTape() as tape:
            tape.watch(g)
            out = fn(g)
        if fn is folded:
            want_out, want_grad = out, tape.gradient(out, g)
        else:
            np.testing.assert_allclose(out.numpy(), want_out.numpy(), rtol=1e-12)
            np.testing.assert_allclose(tape.gradient(out, g).numpy(), want_grad.numpy(),
                                       rtol=1e-12)


# -- conv epilogue ---------------------------------------------------------------------------
def _conv_layer(relu, rank=2):
    def fn(x, w, b):
        conv = ember.nn.conv2d if rank == 2 else ember.nn.conv1d
        z = conv(x, w, 1, "SAME") + b
        return ember.nn.relu(z) if relu else z
    return fn


@pytest.mark.parametrize("relu", [True, False])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bias_and_relu_fold_into_the_convolution(rng, relu, dtype):
    from ember.ops import kernels
    x, w, b = (_rand(rng, s).astype(dtype) for s in ((3, 7, 6, 2), (3, 3, 2, 5), (5,)))
    x[0, 0, 0] = np.nan                                 # NaN stays NaN through the relu
    b[1] = -1e9                                         # and a column clamped to zero
    fn = _conv_layer(relu)
    g = _graph(fn, *(ember.TensorSpec(a.shape, a.dtype) for a in (x, w, b)))
    assert _ops(g) == ["conv_bias"] and g.stats["conv epilogue"] == 1
    try:
        for jit in (True, False):                       # the kernel and the NumPy route
            kernels.set_enabled(jit)
            _check(fn, x, w, b, exact=True)
    finally:
        kernels.set_enabled(True)


def test_conv1d_and_a_bias_on_the_left_fold_too(rng):
    x, w, b = _rand(rng, (2, 9, 3)), _rand(rng, (3, 3, 4)), _rand(rng, (4,))

    def fn(x, w, b):
        return ember.nn.relu(b + ember.nn.conv1d(x, w, 1, "VALID"))
    g = _graph(fn, *(ember.TensorSpec(a.shape) for a in (x, w, b)))
    assert _ops(g) == ["conv_bias"]
    _check(fn, x, w, b, exact=True)


def test_epilogue_needs_the_intermediates_to_be_read_once(rng):
    x, w, b = _rand(rng, (2, 6, 6, 2)), _rand(rng, (3, 3, 2, 3)), _rand(rng, (3,))

    def conv_read_twice(x, w, b):
        c = ember.nn.conv2d(x, w, 1, "VALID")
        return ember.nn.relu(c + b), c
    def sum_read_twice(x, w, b):
        s = ember.nn.conv2d(x, w, 1, "VALID") + b
        return ember.nn.relu(s) * s
    def wide_bias(x, w, b):                             # only an (O,) bias folds
        return ember.nn.conv2d(x, w, 1, "VALID") + ember.reshape(b, (1, 1, 1, 3))
    specs = [ember.TensorSpec(a.shape) for a in (x, w, b)]
    assert _ops(_graph(conv_read_twice, *specs)) == ["conv", "fused[add, relu]"]
    assert _ops(_graph(sum_read_twice, *specs)) == ["conv_bias", "fused[relu, multiply]"]
    assert "conv_bias" not in _ops(_graph(wide_bias, *specs))
    for fn in (conv_read_twice, sum_read_twice, wide_bias):
        _check(fn, x, w, b, exact=True)


def test_gradients_through_the_folded_convolution(rng):
    x, w, b = (_rand(rng, s) for s in ((2, 6, 5, 2), (3, 3, 2, 4), (4,)))

    def grads(x, w, b):
        with ember.GradientTape() as tape:
            tape.watch([x, w, b])
            y = ember.nn.relu(ember.nn.conv2d(x, w, 1, "SAME") + b)
            loss = ember.reduce_sum(y * y)
        return tape.gradient(loss, [x, w, b])
    _check(grads, x, w, b)
    from ember.ops import conv
    kw = {"strides": (1, 1), "dilations": (1, 1), "pads": ((1, 1), (1, 1)), "groups": 1}
    xs, ws, bs = (ember.constant(a.astype(np.float64)) for a in (x, w, b))
    for relu in (True, False):                          # the op's own rule, second order
        def loss(x, w, b, relu=relu):
            return ember.reduce_sum(conv._conv_bias(x, w, b, relu=relu, **kw) ** 2)

        def pair(x, w, b, relu=relu):
            z = conv._conv(x, w, **kw) + b
            return ember.reduce_sum((ember.nn.relu(z) if relu else z) ** 2)
        for fn in (loss, pair):
            with ember.GradientTape() as outer:
                outer.watch([xs, ws, bs])
                with ember.GradientTape() as inner:
                    inner.watch([xs, ws, bs])
                    out = fn(xs, ws, bs)
                first = inner.gradient(out, [xs, ws, bs])
                total = ember.add_n([ember.reduce_sum(d * d) for d in first])
            got = [d.numpy() for d in first] + [d.numpy() for d in outer.gradient(
                total, [xs, ws, bs])]
            if fn is loss:
                want = got
            else:
                for a, c in zip(got, want):
                    np.testing.assert_allclose(a, c, rtol=1e-10)


def _conv_pool_grads(x, w, b, watch_x=True, pool=2):
    with ember.GradientTape() as tape:
        tape.watch([x, w, b] if watch_x else [w, b])
        z = ember.nn.relu(ember.nn.conv2d(x, w, 1, "VALID") + b)
        loss = ember.reduce_sum(ember.nn.max_pool2d(z, pool, pool, "VALID") ** 2)
    return tape.gradient(loss, [x, w, b] if watch_x else [w, b])


def test_bias_gradient_folds_into_the_pool_gradient(rng):
    x, w, b = _rand(rng, (3, 9, 8, 2)), _rand(rng, (3, 3, 2, 4)), _rand(rng, (4,))
    g = _graph(_conv_pool_grads, *(ember.TensorSpec(a.shape) for a in (x, w, b)))
    names = _ops(g)
    assert "max_pool_relu_grad_sum" in names and "reduce_sum" not in names
    assert "conv_filter_grad_pooled" not in names      # dz is read by the input gradient
    assert g.stats["folded"] == 2
    _check(_conv_pool_grads, x, w, b)


@pytest.mark.parametrize("shape, pool", [((3, 9, 8, 2), 2), ((5, 11, 12, 1), 2),
                                         ((3, 12, 12, 2), 3)])
def test_a_first_layer_filter_gradient_takes_the_pool_gradient(rng, shape, pool):
    """Without an input gradient, the pool's gradient folds into the filter gradient:
    whole tiles or not (9x8 input: a 7x6 output, 3x3 tiles of 2x2), 2x2 or 3x3 pools,
    with the kernels and without, equal to eager."""
    from ember.ops import kernels
    x, w, b = _rand(rng, shape), _rand(rng, (3, 3, shape[-1], 4)), _rand(rng, (4,))

    def fn(x, w, b):
        return _conv_pool_grads(x, w, b, watch_x=False, pool=pool)
    g = _graph(fn, *(ember.TensorSpec(a.shape) for a in (x, w, b)))
    names = _ops(g)
    assert "conv_filter_grad_pooled" in names
    assert not {"max_pool_relu_grad_sum", "conv_filter_grad", "reduce_sum"} & set(names)
    assert g.stats["folded"] == 3
    try:
        for jit in (True, False):
            kernels.set_enabled(jit)
            _check(fn, x, w, b)
    finally:
        kernels.set_enabled(True)


def test_the_pooled_filter_gradient_differentiates_like_the_pair(rng):
    from ember.ops import conv, pool
    x = ember.constant(rng.standard_normal((2, 7, 9, 2)))
    kw = {"strides": (1, 1), "dilations": (1, 1), "pads": ((0, 0), (0, 0)), "groups": 1}
    z = ember.constant(np.maximum(rng.standard_normal((2, 5, 7, 3)), 0))
    y = pool._max_pool(z, ksize=(2, 2), strides=(2, 2), dilations=(1, 1),
                       pads=((0, 0), (0, 0)))
    g = ember.constant(rng.standard_normal(tuple(y.shape)))
    h = ember.constant(rng.standard_normal((3, 3, 2, 3)))
    k = ember.constant(rng.standard_normal(3))

    def fused(x, g):
        dw, db = conv._conv_filter_grad_pooled(x, g, z, y, ksize=(2, 2), w_shape=(3, 3, 2, 3),
                                               **kw)
        return ember.reduce_sum(dw * h) + ember.reduce_sum(db * k)

    def pair(x, g):
        dz, db = pool._max_pool_relu_grad_sum(g, z, y, ksize=(2, 2))
        dw = conv._conv_filter_grad(x, dz, w_shape=(3, 3, 2, 3), **kw)
        return ember.reduce_sum(dw * h) + ember.reduce_sum(db * k)
    got = []
    for fn in (fused, pair):
        with ember.GradientTape() as tape:
            tape.watch([x, g])
            out = fn(x, g)
        got.append([out.numpy()] + [d.numpy() for d in tape.gradient(out, [x, g])])
    for a, c in zip(*got):
        np.testing.assert_allclose(a, c, rtol=1e-12)


def test_only_a_sum_over_all_but_the_channels_folds(rng):
    def fn(x, w, axis, keepdims=False):
        with ember.GradientTape() as tape:
            tape.watch(x)
            loss = ember.reduce_sum(ember.nn.max_pool2d(ember.nn.relu(x), 2, 2, "VALID") * w)
        dx = tape.gradient(loss, x)
        return dx, ember.reduce_sum(dx, axis=axis, keepdims=keepdims)
    specs = (ember.TensorSpec([2, 4, 4, 3]), ember.TensorSpec([2, 2, 2, 3]))
    for axis, keepdims, folds in (((0, 1, 2), False, True), ((0, 1), False, False),
                                  ((0, 1, 2), True, False), (None, False, False)):
        g = _graph(lambda x, w, axis=axis, keepdims=keepdims: fn(x, w, axis, keepdims), *specs)
        assert ("max_pool_relu_grad_sum" in _ops(g)) == folds, (axis, keepdims)
    x, w = _rand(rng, (2, 4, 4, 3)), _rand(rng, (2, 2, 2, 3))
    _check(lambda x, w: fn(x, w, (0, 1, 2)), x, w)


def test_pool_gradient_with_sums_differentiates_like_the_pair(rng):
    from ember.ops import pool, reduction
    x = ember.constant(np.maximum(rng.standard_normal((2, 4, 6, 3)), 0))
    y = pool._max_pool(x, ksize=(2, 2), strides=(2, 2), dilations=(1, 1),
                       pads=((0, 0), (0, 0)))
    g = ember.constant(rng.standard_normal(tuple(y.shape)))
    h = ember.constant(rng.standard_normal(tuple(x.shape)))
    k = ember.constant(rng.standard_normal(3))

    def fused(g):
        dx, sums = pool._max_pool_relu_grad_sum(g, x, y, ksize=(2, 2))
        return ember.reduce_sum(dx * h) + ember.reduce_sum(sums * k)

    def pair(g):
        dx = pool._max_pool_relu_grad(g, x, y, ksize=(2, 2))
        sums = reduction._reduce_sum(dx, axis=(0, 1, 2))
        return ember.reduce_sum(dx * h) + ember.reduce_sum(sums * k)
    got = []
    for fn in (fused, pair):
        with ember.GradientTape() as tape:
            tape.watch(g)
            out = fn(g)
        got.append((out.numpy(), tape.gradient(out, g).numpy()))
    np.testing.assert_allclose(got[0][0], got[1][0], rtol=1e-12)
    np.testing.assert_allclose(got[0][1], got[1][1], rtol=1e-12)


@pytest.mark.parametrize("relu", [True, False])
def test_a_2x2_max_pool_folds_into_the_convolution(rng, relu):
    from ember.ops import kernels
    x, w, b = _rand(rng, (3, 9, 8, 2)), _rand(rng, (3, 3, 2, 4)), _rand(rng, (4,))
    x[1, 2, 3, 0] = np.nan                              # NaN wins its window

    def fn(x, w, b):
        z = ember.nn.conv2d(x, w, 1, "SAME") + b
        z = ember.nn.relu(z) if relu else z
        return ember.nn.max_pool2d(z, 2, 2, "VALID"), z * 2.0
    g = _graph(fn, *(ember.TensorSpec(a.shape) for a in (x, w, b)))
    assert _ops(g, ("op",)) == ["conv_bias_pool", "multiply"]
    try:
        for jit in (True, False):
            kernels.set_enabled(jit)
            _check(fn, x, w, b, exact=True)
    finally:
        kernels.set_enabled(True)


def test_other_pools_stay_apart(rng):
    x, w, b = _rand(rng, (2, 9, 8, 2)), _rand(rng, (3, 3, 2, 4)), _rand(rng, (4,))
    for pool in (lambda z: ember.nn.max_pool2d(z, 3, 3, "VALID"),
                 lambda z: ember.nn.max_pool2d(z, 2, 1, "VALID"),
                 lambda z: ember.nn.avg_pool2d(z, 2, 2, "VALID")):
        def fn(x, w, b, pool=pool):
            return pool(ember.nn.relu(ember.nn.conv2d(x, w, 1, "SAME") + b))
        g = _graph(fn, *(ember.TensorSpec(a.shape) for a in (x, w, b)))
        assert "conv_bias_pool" not in _ops(g) and "conv_bias" in _ops(g)
        _check(fn, x, w, b, exact=True)


def test_conv_pool_gradients_match_the_separate_ops(rng):
    from ember.ops import conv, pool
    kw = {"strides": (1, 1), "dilations": (1, 1), "pads": ((1, 1), (1, 1)), "groups": 1}
    x, w, b = (ember.constant(rng.standard_normal(s)) for s in ((2, 6, 5, 2), (3, 3, 2, 3),
                                                                (3,)))
    hz, hy = (ember.constant(rng.standard_normal(s)) for s in ((2, 6, 5, 3), (2, 3, 2, 3)))

    def fused(x, w, b):
        z, y = conv._conv_bias_pool(x, w, b, relu=True, **kw)
        return ember.reduce_sum(z * hz) + ember.reduce_sum(y * y * hy)

    def separate(x, w, b):
        z = conv._conv_bias(x, w, b, relu=True, **kw)
        y = pool._max_pool(z, **conv.POOL_2X2)
        return ember.reduce_sum(z * hz) + ember.reduce_sum(y * y * hy)
    got = []
    for fn in (fused, separate):
        with ember.GradientTape() as tape:
            tape.watch([x, w, b])
            out = fn(x, w, b)
        got.append([out.numpy()] + [d.numpy() for d in tape.gradient(out, [x, w, b])])
    for a, c in zip(*got):
        np.testing.assert_allclose(a, c, rtol=1e-12)


# -- dense chains ---------------------------------------------------------------------------
def _mlp(rng, widths=(784, 512, 256, 10)):
    """A one-sample MLP's function over Variables: ReLU between the layers, none after."""
    ws = [ember.Variable(_rand(rng, (a, b)) / np.sqrt(a).astype(np.float32))
          for a, b in itertools.pairwise(widths)]
    bs = [ember.Variable(_rand(rng, (b,))) for b in widths[1:]]

    def fn(x):
        h = x
        for i, (w, b) in enumerate(zip(ws, bs)):
            h = ember.matmul(h, w) + b
            if i < len(ws) - 1:
                h = ember.nn.relu(h)
        return h
    return fn, ws, bs


def test_few_row_dense_layers_become_one_chain(rng):
    fn = _mlp(rng)[0]
    g = _graph(fn, ember.TensorSpec([1, 784]))
    assert _ops(g) == ["dense_chain"] and g.stats["dense chains"] == 1
    chain = next(n for n in g.nodes if n.kind == "op")
    assert chain.params == {"relus": (True, True, False), "biases": (True, True, True)}
    assert "dense_chain" in str(g)
    for rows in (1, 4):
        x = _rand(rng, (rows, 784))
        f = ember.function(fn)
        for _ in range(2):          # the trace's result, then the plan's
            np.testing.assert_allclose(f(ember.constant(x)).numpy(),
                                       fn(ember.constant(x)).numpy(), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("case", ["five rows", "any batch", "small weights", "float64"])
def test_no_chain_where_it_does_not_pay(rng, case):
    fn = (_mlp(rng, (30, 20, 10)) if case == "small weights" else _mlp(rng))[0]
    spec = {"five rows": [5, 784], "any batch": [None, 784], "small weights": [1, 30],
            "float64": [1, 784]}[case]
    if case == "float64":
        w = ember.constant(_rand(rng, (784, 512), np.float64))
        g = _graph(lambda x: ember.matmul(x, w), ember.TensorSpec(spec, "float64"))
    else:
        g = _graph(fn, ember.TensorSpec(spec))
    assert "dense_chain" not in _ops(g) and "matmul" in _ops(g)


def test_a_chain_stops_where_a_result_is_read_elsewhere(rng):
    _, ws, bs = _mlp(rng)

    def both(x):        # the first hidden layer is returned too
        h = ember.nn.relu(ember.matmul(x, ws[0]) + bs[0])
        out = ember.nn.relu(ember.matmul(h, ws[1]) + bs[1])
        return ember.matmul(out, ws[2]) + bs[2], h
    g = _graph(both, ember.TensorSpec([1, 784]))
    chains = [n for n in g.nodes if n.kind == "op" and n.name == "dense_chain"]
    assert [c.params["relus"] for c in chains] == [(True,), (True, False)]
    x = _rand(rng, (1, 784))
    got, want = ember.function(both)(ember.constant(x)), both(ember.constant(x))
    for a, c in zip(got, want):
        np.testing.assert_allclose(a.numpy(), c.numpy(), rtol=1e-5, atol=1e-5)


def test_a_train_step_keeps_each_layer_result_for_the_gradients(rng):
    fn, ws, bs = _mlp(rng)

    def step(x):
        with ember.GradientTape() as tape:
            loss = ember.reduce_sum(fn(x))
        return [loss] + tape.gradient(loss, ws + bs)
    g = _graph(step, ember.TensorSpec([1, 784]))
    chains = [n for n in g.nodes if n.kind == "op" and n.name == "dense_chain"]
    assert [c.params["relus"] for c in chains] == [(True,), (True,)]  # the backward reads both
    x = ember.constant(_rand(rng, (1, 784)))
    for a, c in zip(ember.function(step)(x), step(x)):
        np.testing.assert_allclose(a.numpy(), c.numpy(), rtol=1e-5, atol=1e-5)


def test_layers_without_bias_or_relu_join_the_chain(rng):
    w1, w2 = (ember.Variable(_rand(rng, s)) for s in ((600, 400), (400, 30)))

    def fn(x):
        return ember.matmul(ember.matmul(x, w1), w2)
    g = _graph(fn, ember.TensorSpec([2, 600]))
    chain = next(n for n in g.nodes if n.kind == "op")
    assert chain.name == "dense_chain"
    assert chain.params == {"relus": (False, False), "biases": (False, False)}
    x = _rand(rng, (2, 600))
    np.testing.assert_allclose(ember.function(fn)(ember.constant(x)).numpy(),
                               x @ w1.numpy() @ w2.numpy(), rtol=1e-4, atol=1e-3)
