"""ember.cond / while_loop / scan / map_fn: eagerly, inside ember.function (one call node
with subgraphs, the right branch on every call, no retrace), their gradients, errors."""
import collections

import numpy as np
import pytest

import ember
from ember.graph.interpret import run_graph


def _close(a, b, tol=1e-6):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)


def _call_nodes(f, *args):
    graph = f.get_concrete_function(*args).graph
    return [n for n in graph.nodes if n.kind == "call"]


# -- cond -------------------------------------------------------------------------------------
def test_cond_eager_runs_only_the_taken_branch():
    ran = []
    x = ember.constant(3.0)
    out = ember.cond(x > 2.0, lambda: ran.append("t") or x * 2.0,
                     lambda: ran.append("f") or x)
    assert ran == ["t"] and float(out) == 6.0
    assert float(ember.cond(False, lambda: 1.0, lambda: 2.0)) == 2.0
    assert ember.cond(True, lambda: "anything", lambda: None) == "anything"


def test_cond_traced_picks_branch_per_call_without_retrace():
    def body(x, y):
        return ember.cond(ember.reduce_sum(x) > 0.0, lambda: x * y + 1.0,
                          lambda: ember.exp(x) - y)

    f = ember.function(body)
    rng = np.random.default_rng(0)
    for sign in (1.0, -1.0, 1.0, -1.0):
        x = ember.constant(sign * np.abs(rng.normal(size=3)).astype(np.float32))
        y = ember.constant(rng.normal(size=3).astype(np.float32))
        _close(f(x, y).numpy(), body(x, y).numpy())
    assert f.experimental_get_tracing_count() == 1
    (node,) = _call_nodes(f, x, y)
    assert node.meta["label"] == "cond" and len(node.meta["subgraphs"]) == 2
    assert not node.meta["effect"]
    text = str(f.get_concrete_function(x, y).graph)
    assert "cond(" in text and "cond_true" in text and "cond_false" in text


def test_cond_nested_structures_and_nested_conds():
    Pair = collections.namedtuple("Pair", "a b")

    def body(x, p):
        def t():
            inner = ember.cond(x[0] > 0.0, lambda: x * 2.0, lambda: x * 3.0)
            return {"s": Pair(inner, ember.reduce_sum(x)), "l": [x[:1], ember.cast(p, "int32")]}

        def f():
            return {"s": Pair(-x, ember.reduce_max(x)), "l": [x[1:2], ember.constant(7)]}

        return ember.cond(p > 0.5, t, f)

    f = ember.function(body)
    for xv, pv in [([1.0, 2.0], 1.0), ([-1.0, 2.0], 1.0), ([1.0, 2.0], 0.0)]:
        x, p = ember.constant(xv), ember.constant(pv)
        got, want = f(x, p), body(x, p)
        assert isinstance(got["s"], Pair) and isinstance(got["l"], list)
        for a, b in zip(ember.nest.flatten(got), ember.nest.flatten(want)):
            assert a.dtype == b.dtype
            _close(a.numpy(), b.numpy())
    assert f.experimental_get_tracing_count() == 1


def test_cond_python_bool_inside_trace_picks_at_trace_time():
    f = ember.function(lambda x, flag: ember.cond(flag, lambda: x + 1.0, lambda: x - 1.0))
    x = ember.constant(1.0)
    assert float(f(x, True)) == 2.0 and float(f(x, False)) == 0.0
    assert not _call_nodes(f, x, True)


def test_cond_variable_assigned_only_in_taken_branch_each_call():
    v = ember.Variable(0.0)
    w = ember.Variable(0.0)

    @ember.function
    def step(x):
        def t():
            v.assign_add(x)
            return v.read_value()

        def f():
            w.assign_sub(x)
            return w.read_value()

        return ember.cond(x > 0.0, t, f)

    assert float(step(ember.constant(2.0))) == 2.0        # traces: only t's write stays
    assert float(v.numpy()) == 2.0 and float(w.numpy()) == 0.0
    assert float(step(ember.constant(-1.0))) == 1.0
    assert float(v.numpy()) == 2.0 and float(w.numpy()) == 1.0
    assert float(step(ember.constant(3.0))) == 5.0
    assert float(v.numpy()) == 5.0 and float(w.numpy()) == 1.0
    assert step.experimental_get_tracing_count() == 1
    (node,) = _call_nodes(step, ember.constant(1.0))
    assert node.meta["effect"]


def test_cond_effect_only_branches_survive_dead_code():
    v = ember.Variable(0)

    @ember.function
    def bump(x):
        ember.cond(x > 0, lambda: (v.assign_add(1), None)[1], lambda: None)
        return x

    for value in (1, -1, 5):
        bump(ember.constant(value))
    assert int(v.numpy()) == 2


def test_cond_dry_trace_leaves_variables_untouched():
    v = ember.Variable(1.0)

    @ember.function
    def f(x):
        return ember.cond(x > 0.0, lambda: (v.assign(x), x)[1], lambda: x)

    f.get_concrete_function(ember.TensorSpec([], ember.float32))
    assert float(v.numpy()) == 1.0
    f(ember.constant(4.0))
    assert float(v.numpy()) == 4.0


def test_cond_mismatched_branches_raise_clear_errors():
    x = ember.constant(1.0)
    with pytest.raises(ValueError, match="same number, type, and overall structure"):
        ember.function(lambda x: ember.cond(x > 0.0, lambda: (x, x), lambda: x))(x)
    with pytest.raises(TypeError, match="float32 in true_fn but int32"):
        ember.function(lambda x: ember.cond(x > 0.0, lambda: x,
                                            lambda: ember.constant(1)))(x)
    with pytest.raises(ValueError, match="same number, type"):
        ember.function(lambda x: ember.cond(x > 0.0, lambda: [x], lambda: (x,)))(x)


def test_cond_non_callable_and_bad_predicates():
    x = ember.constant(1.0)
    with pytest.raises(TypeError, match="ember.cond: true_fn must be callable"):
        ember.cond(x > 0.0, x, lambda: x)
    with pytest.raises(TypeError, match="ember.cond: false_fn must be callable"):
        ember.cond(x > 0.0, lambda: x)
    with pytest.raises(ember.errors.InvalidArgumentError, match="scalar"):
        ember.cond(ember.constant([True, False]), lambda: x, lambda: x)
    with pytest.raises(ember.errors.InvalidArgumentError, match="scalar"):
        ember.function(lambda v: ember.cond(v > 0.0, lambda: v, lambda: v))(
            ember.constant([1.0, 2.0]))


def test_python_if_on_traced_tensor_points_at_cond():
    @ember.function
    def f(x):
        if x > 0:
            return x
        return -x

    with pytest.raises(TypeError, match="ember.cond"):
        f(ember.constant(1.0))


# -- cond gradients --------------------------------------------------------------------------
def _branchy(x, v):
    return ember.cond(ember.reduce_sum(x) > 0.0,
                      lambda: ember.reduce_sum(ember.sin(x) * x * v),
                      lambda: ember.reduce_sum(x ** 3) + v * v)


def _fd(fn, x, eps=1e-6):
    x = np.array(x, dtype=np.float64)
    g = np.zeros_like(x)
    for i in range(x.size):
        d = np.zeros_like(x)
        d.flat[i] = eps
        g.flat[i] = (fn(x + d) - fn(x - d)) / (2 * eps)
    return g


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_cond_gradient_inside_function_matches_fd_and_eager(sign):
    v = ember.Variable(np.float64(1.5))

    def grads(x):
        with ember.GradientTape() as tape:
            tape.watch(x)
            y = _branchy(x, v)
        gx, gv = tape.gradient(y, [x, v])
        return y, gx, gv

    f = ember.function(grads)
    xv = sign * np.array([0.3, 0.7, 1.1])
    for scale in (1.0, 0.5):   # same signature: the second call runs the plan
        x = ember.constant(xv * scale)
        y, gx, gv = f(x)
        ye, gxe, gve = grads(x)
        _close(y.numpy(), ye.numpy(), 1e-10)
        _close(gx.numpy(), gxe.numpy(), 1e-10)
        _close(gv.numpy(), gve.numpy(), 1e-10)
        fd = _fd(lambda a: float(_branchy(ember.constant(a), v).numpy()), xv * scale)
        _close(gx.numpy(), fd, 1e-6)
    assert f.experimental_get_tracing_count() == 1


def test_cond_gradient_inside_function_takes_branch_per_call():
    @ember.function
    def g(x):
        with ember.GradientTape() as tape:
            tape.watch(x)
            y = ember.cond(x > 0.0, lambda: x * x, lambda: -3.0 * x)
        return tape.gradient(y, x)

    assert float(g(ember.constant(2.0))) == 4.0
    assert float(g(ember.constant(-2.0))) == -3.0
    assert float(g(ember.constant(5.0))) == 10.0
    assert g.experimental_get_tracing_count() == 1


def test_cond_gradient_unconnected_and_multiple_outputs():
    @ember.function
    def g(x, y):
        with ember.GradientTape(persistent=True) as tape:
            tape.watch([x, y])
            a, b, _n = ember.cond(x > 0.0, lambda: (x * y, y, ember.constant(1)),
                                 lambda: (x, x * 2.0, ember.constant(2)))
            total = a + 3.0 * b
        return tape.gradient(total, [x, y]), tape.gradient(a, y)

    (gx, gy), gay = g(ember.constant(2.0), ember.constant(5.0))
    assert (float(gx), float(gy), float(gay)) == (5.0, 5.0, 2.0)
    (gx, gy), gay = g(ember.constant(-2.0), ember.constant(5.0))
    assert (float(gx), float(gy), float(gay)) == (7.0, 0.0, 0.0)


def test_cond_second_order_eager_and_traced():
    def second(x):
        with ember.GradientTape() as outer:
            outer.watch(x)
            with ember.GradientTape() as inner:
                inner.watch(x)
                y = ember.cond(x > 0.0, lambda: x ** 3, lambda: ember.sin(x))
            dy = inner.gradient(y, x)
        return dy, outer.gradient(dy, x)

    f = ember.function(second)
    for xv in (1.5, -0.7):
        x = ember.constant(np.float64(xv))
        d1, d2 = second(x)
        want = (3 * xv * xv, 6 * xv) if xv > 0 else (np.cos(xv), -np.sin(xv))
        _close([float(d1), float(d2)], want, 1e-10)
        t1, t2 = f(x)
        _close([float(t1), float(t2)], want, 1e-10)


def test_interpret_runs_a_graph_with_ember_ops():
    f = ember.function(lambda x: ember.tanh(x) * 2.0 + 1.0)
    graph = f.get_concrete_function(ember.TensorSpec([3], ember.float64)).graph
    x = ember.constant(np.array([0.1, -0.4, 2.0]))
    with ember.GradientTape() as tape:
        tape.watch(x)
        (y,) = run_graph(graph, [x])
    _close(y.numpy(), np.tanh(x.numpy()) * 2 + 1)
    _close(tape.gradient(y, x).numpy(), 2 * (1 - np.tanh(x.numpy()) ** 2))


# -- while_loop ----------------------------------------------------------------------------------
def _collatz(n):
    return ember.while_loop(lambda n, steps: n > 1,
                            lambda n, steps: (ember.where(n % 2 == 0, n // 2, 3 * n + 1),
                                              steps + 1),
                            [n, ember.constant(0)])


def test_while_loop_data_dependent_trip_counts():
    f = ember.function(_collatz)
    for start, steps in [(6, 8), (27, 111), (1, 0), (7, 16)]:
        n, s = f(ember.constant(start))
        assert (int(n), int(s)) == (1, steps)
        e_n, e_s = _collatz(ember.constant(start))
        assert (int(e_n), int(e_s)) == (1, steps)
    assert f.experimental_get_tracing_count() == 1
    (node,) = _call_nodes(f, ember.constant(3))
    assert node.meta["label"] == "while_loop"


def test_while_loop_maximum_iterations():
    def run(limit, m):
        return ember.while_loop(lambda i, x: i < limit, lambda i, x: (i + 1, x * 2.0),
                                (ember.constant(0), ember.constant(1.0)),
                                maximum_iterations=m)

    f = ember.function(run)
    for limit, m, want in [(10, 3, 3), (2, 3, 2), (10, 0, 0)]:
        i, x = f(ember.constant(limit), ember.constant(m))
        ie, xe = run(ember.constant(limit), m)
        assert int(i) == int(ie) == want and float(x) == float(xe) == 2.0 ** want
    assert f.experimental_get_tracing_count() == 1
    i, _ = ember.function(lambda: run(100, 4))()
    assert int(i) == 4


def test_while_loop_nested_vars_captures_and_single_var():
    Acc = collections.namedtuple("Acc", "total hist")

    def run(x, scale):
        def body(i, acc):
            return i + 1, Acc(acc.total + x[i] * scale, {"last": x[i]})

        return ember.while_loop(lambda i, acc: i < ember.shape(x)[0], body,
                                [ember.constant(0), Acc(ember.constant(0.0),
                                                        {"last": ember.constant(0.0)})])

    f = ember.function(run)
    x = ember.constant([1.0, 2.0, 4.0])
    (i, acc), (ie, acce) = f(x, ember.constant(2.0)), run(x, ember.constant(2.0))
    assert isinstance(acc, Acc) and int(i) == int(ie) == 3
    assert float(acc.total) == float(acce.total) == 14.0
    assert float(acc.hist["last"]) == 4.0
    single = ember.function(lambda n: ember.while_loop(lambda k: k < n, lambda k: k * 2,
                                                       [ember.constant(1)]))
    out = single(ember.constant(100))
    assert isinstance(out, list) and int(out[0]) == 128


def test_while_loop_assigns_variables_every_iteration():
    v = ember.Variable(0.0)

    @ember.function
    def f(n):
        return ember.while_loop(lambda i: i < n, lambda i: ((v.assign_add(1.0), i + 1)[1],),
                                (ember.constant(0),))

    f(ember.constant(3))
    assert float(v.numpy()) == 3.0
    f(ember.constant(5))
    assert float(v.numpy()) == 8.0
    assert _call_nodes(f, ember.constant(1))[0].meta["effect"]


def test_while_loop_shapes_and_errors():
    grow = lambda x: ember.concat([x, x], axis=0)
    small = lambda x: ember.reduce_sum(ember.ones_like(x)) < 8.0
    with pytest.raises(ValueError, match="shape_invariants"):
        ember.function(lambda x: ember.while_loop(small, grow, [x]))(ember.constant([1.0]))
    f = ember.function(lambda x: ember.while_loop(small, grow, [x],
                                                  shape_invariants=[[None]]))
    out = f(ember.constant([1.0]))[0]
    assert out.shape == (8,)
    with pytest.raises(TypeError, match="dtype must stay the same"):
        ember.while_loop(lambda i: i < 3, lambda i: ember.cast(i, "float32") + 1.0,
                         [ember.constant(0)])
    with pytest.raises(ValueError, match="same structure as loop_vars"):
        ember.while_loop(lambda i, j: i < 3, lambda i, j: (i + 1,),
                         [ember.constant(0), ember.constant(1)])
    with pytest.raises(ValueError, match="never end"):
        ember.function(lambda x: ember.while_loop(lambda x: ember.shape(x)[0] < 8, grow,
                                                  [x]))(ember.constant([1.0]))
    with pytest.raises(TypeError, match="ember.while_loop: body must be callable"):
        ember.while_loop(lambda i: i < 3, None, [0])


# -- scan ----------------------------------------------------------------------------------------
def test_scan_basic_initializer_and_reverse_match_numpy():
    xs = np.array([1.0, 2.0, 3.0, 4.0], np.float32)
    x = ember.constant(xs)
    for run in (lambda x: ember.scan(lambda a, e: a + e, x),
                lambda x: ember.scan(lambda a, e: a * e, x, initializer=ember.constant(2.0)),
                lambda x: ember.scan(lambda a, e: a + e, x, reverse=True),
                lambda x: ember.scan(lambda a, e: a * 0.5 + e, x, initializer=1.0,
                                     reverse=True)):
        eager = run(x)
        f = ember.function(run)
        _close(f(x).numpy(), eager.numpy())
        _close(f(ember.constant(xs[::-1].copy())).numpy(),
               run(ember.constant(xs[::-1].copy())).numpy())
        assert f.experimental_get_tracing_count() == 1
    _close(ember.scan(lambda a, e: a + e, x).numpy(), np.cumsum(xs))
    _close(ember.scan(lambda a, e: a + e, x, reverse=True).numpy(),
           np.cumsum(xs[::-1])[::-1])
    _close(ember.scan(lambda a, e: a * e, x, initializer=2.0).numpy(),
           2 * np.cumprod(xs))


def test_scan_nests_and_captures():
    def run(a, b, w):
        def fn(acc, elem):
            s, (p,) = acc
            x, y = elem["x"], elem["y"]
            return s + x * w, (p * y,)

        return ember.scan(fn, {"x": a, "y": b},
                          initializer=(ember.zeros([2]), (ember.ones([]),)))

    a = ember.constant(np.arange(6, dtype=np.float32).reshape(3, 2))
    b = ember.constant([2.0, 3.0, 0.5])
    w = ember.constant(1.5)
    f = ember.function(run)
    got, want = f(a, b, w), run(a, b, w)
    assert isinstance(got, tuple) and isinstance(got[1], tuple)
    for g, e in zip(ember.nest.flatten(got), ember.nest.flatten(want)):
        assert g.shape == e.shape
        _close(g.numpy(), e.numpy())
    _close(got[1][0].numpy(), [2.0, 6.0, 3.0])
    assert _call_nodes(f, a, b, w)[0].meta["label"] == "scan"


def test_scan_gradient_inside_function_is_unrolled():
    def grads(x, h0):
        with ember.GradientTape() as tape:
            tape.watch([x, h0])
            hs = ember.scan(lambda h, e: ember.tanh(h * 0.9 + e), x, initializer=h0)
            loss = ember.reduce_sum(hs * hs)
        return tape.gradient(loss, [x, h0])

    x = ember.constant(np.array([0.2, -0.5, 0.9]))
    h0 = ember.constant(np.float64(0.1))
    got, want = ember.function(grads)(x, h0), grads(x, h0)
    for g, e in zip(got, want):
        _close(g.numpy(), e.numpy(), 1e-10)

    def loss(xv):
        hs = ember.scan(lambda h, e: ember.tanh(h * 0.9 + e), ember.constant(xv),
                        initializer=h0)
        return float(ember.reduce_sum(hs * hs))

    _close(got[0].numpy(), _fd(loss, x.numpy()), 1e-6)


def test_scan_errors():
    with pytest.raises(ember.errors.InvalidArgumentError, match="at least one element"):
        ember.scan(lambda a, e: a + e, ember.zeros([0]))
    with pytest.raises(ValueError, match="same structure as its accumulator"):
        ember.scan(lambda a, e: (a, e), ember.constant([1.0, 2.0]))
    with pytest.raises(TypeError, match="dtype and shape must stay"):
        ember.function(lambda x: ember.scan(lambda a, e: ember.cast(a, "int32"), x))(
            ember.constant([1.0, 2.0]))
    out = ember.scan(lambda a, e: a + e, ember.zeros([0]), initializer=ember.constant(1.0))
    assert out.shape == (0,)


# -- map_fn --------------------------------------------------------------------------------------
def test_map_fn_eager_and_traced():
    def run(x, w):
        return ember.map_fn(lambda row: ember.reduce_sum(row * w) + 1.0, x)

    x = ember.constant(np.arange(12, dtype=np.float32).reshape(4, 3))
    w = ember.constant([1.0, -1.0, 0.5])
    f = ember.function(run)
    _close(f(x, w).numpy(), run(x, w).numpy())
    _close(run(x, w).numpy(), x.numpy() @ w.numpy() + 1.0)
    _close(f(x * 2.0, w).numpy(), run(x * 2.0, w).numpy())
    assert f.experimental_get_tracing_count() == 1
    assert _call_nodes(f, x, w)[0].meta["label"] == "map_fn"


def test_map_fn_output_signature_and_nests():
    def run(a, b):
        return ember.map_fn(lambda t: {"p": ember.cast(t[0], "float32") * t[1],
                                       "n": t[0] * 2},
                            (a, b), fn_output_signature={"p": ember.float32,
                                                         "n": ember.TensorSpec([], "int32")})

    a, b = ember.constant([1, 2, 3]), ember.constant([0.5, 0.25, 2.0])
    for got in (run(a, b), ember.function(run)(a, b)):
        _close(got["p"].numpy(), [0.5, 0.5, 6.0])
        assert got["n"].dtype == ember.int32
        _close(got["n"].numpy(), [2, 4, 6])
    out = ember.map_fn(lambda t: (t, -t), ember.constant([1.0, 2.0]),
                       dtype=(ember.float32, ember.float32))
    _close(out[1].numpy(), [-1.0, -2.0])
    with pytest.raises(TypeError, match="fn_output_signature says float64"):
        ember.map_fn(lambda t: t, ember.constant([1.0]), fn_output_signature=ember.float64)
    with pytest.raises(TypeError, match="fn_output_signature says float64"):
        ember.function(lambda x: ember.map_fn(lambda t: t, x,
                                              fn_output_signature=ember.float64))(
            ember.constant([1.0]))
    empty = ember.map_fn(lambda t: t, ember.zeros([0, 2]),
                         fn_output_signature=ember.TensorSpec([2], ember.int32))
    assert empty.shape == (0, 2) and empty.dtype == ember.int32


def test_map_fn_gradient_inside_function():
    def grads(x):
        with ember.GradientTape() as tape:
            tape.watch(x)
            y = ember.map_fn(lambda r: ember.reduce_sum(ember.sin(r) * r), x)
        return tape.gradient(y, x)

    x = ember.constant(np.array([[0.1, 0.2], [0.3, -0.4]]))
    _close(ember.function(grads)(x).numpy(), grads(x).numpy(), 1e-10)
    _close(grads(x).numpy(), np.cos(x.numpy()) * x.numpy() + np.sin(x.numpy()), 1e-10)


def test_control_flow_nested_inside_loops():
    def run(x):
        return ember.map_fn(
            lambda r: ember.cond(ember.reduce_sum(r) > 0.0, lambda: ember.scan(
                lambda a, e: a + e, r), lambda: -r), x)

    x = ember.constant([[1.0, 2.0], [-3.0, 1.0], [0.5, 0.5]])
    f = ember.function(run)
    _close(f(x).numpy(), run(x).numpy())
    _close(f(x).numpy(), [[1.0, 3.0], [3.0, -1.0], [0.5, 1.0]])


def test_cond_gradient_does_not_repeat_branch_side_effects():
    counter = ember.Variable(0.0, trainable=False)
    w = ember.Variable(2.0)

    @ember.function
    def step(x):
        with ember.GradientTape() as tape:
            y = ember.cond(x > 0.0, lambda: (counter.assign_add(1.0), w * x)[1],
                           lambda: w * w)
        return tape.gradient(y, w)

    assert float(step(ember.constant(3.0))) == 3.0
    assert float(step(ember.constant(-1.0))) == 4.0
    assert float(step(ember.constant(5.0))) == 5.0
    assert float(counter.numpy()) == 2.0


def test_cond_gradient_reuses_the_random_numbers_the_branch_drew():
    @ember.function
    def step(x):
        with ember.GradientTape() as tape:
            tape.watch(x)
            y = ember.cond(ember.reduce_sum(x) > 0.0,
                           lambda: x * ember.random.uniform([3]),
                           lambda: x * x + ember.random.normal([3]))
        return y, tape.gradient(y, x)

    x = ember.constant([1.0, 2.0, 4.0])
    seen = []
    for _ in range(3):                 # the gradient is the factor this call drew
        y, g = step(x)
        np.testing.assert_allclose(g.numpy(), y.numpy() / x.numpy(), rtol=1e-6)
        seen.append(g.numpy())
    assert not np.allclose(seen[0], seen[1])
    y, g = step(-x)                    # the other branch: its draw does not reach the gradient
    np.testing.assert_allclose(g.numpy(), -2 * x.numpy(), rtol=1e-6)
    assert step.experimental_get_tracing_count() == 1

    @ember.function
    def nested(x):
        with ember.GradientTape() as tape:
            tape.watch(x)
            y = ember.cond(x > 0.0, lambda: ember.cond(x > 1.0, lambda: x * ember.random.uniform([]),
                                                       lambda: x), lambda: x)
        return tape.gradient(y, x)

    with pytest.raises(NotImplementedError, match="random"):
        nested(ember.constant(1.0))
