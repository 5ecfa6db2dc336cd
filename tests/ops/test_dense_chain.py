"""``dense_chain``: dense layers in turn as one op (``ember.ops.dense_chain``): values
against NumPy, with and without the compiled kernel, and gradients against finite
differences."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opcheck import OpCase, check_grad, check_second_order, check_values

import ember
from ember.ops import kernels
from ember.ops.dense_chain import _dense_chain, dense_chain


def _reference(x, layers):
    """NumPy's dense layers: ``layers`` is ``[(w, b or None, relu), ...]``."""
    h = x
    for w, b, relu in layers:
        h = h @ w + (0 if b is None else b)
        if relu:
            h = np.maximum(h, 0)
    return h


def _layers(rng, rows, widths, biased, relus, dtype=np.float32):
    x = rng.standard_normal((rows, widths[0])).astype(dtype)
    layers = [((rng.standard_normal((a, b)) / np.sqrt(a)).astype(dtype),
               rng.standard_normal(b).astype(dtype) if has_bias else None, relu)
              for a, b, has_bias, relu in zip(widths, widths[1:], biased, relus)]
    return x, layers


def _run(x, layers):
    return dense_chain(ember.constant(x), [ember.constant(w) for w, _, _ in layers],
                       [None if b is None else ember.constant(b) for _, b, _ in layers],
                       [r for _, _, r in layers]).numpy()


SHAPES = {   # rows, widths, biases, relus
    "predict MLP": (1, (784, 512, 256, 10), (True, True, True), (True, True, False)),
    "four rows, no biases": (4, (300, 400, 200), (False, False), (True, False)),
    "one layer": (2, (600, 500), (True,), (True,)),
    "mixed": (3, (64, 1000, 30, 7), (False, True, False), (False, True, True)),
}


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_values_match_numpy(rng, shape, dtype):
    x, layers = _layers(rng, *shape, dtype=dtype)
    got = _run(x, layers)
    assert got.dtype == dtype and got.shape == (shape[0], shape[1][-1])
    tol = 1e-4 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(got, _reference(x, layers), rtol=tol, atol=tol)


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_the_kernel_matches_the_separate_ops(rng, shape):
    x, layers = _layers(rng, *shape)
    with_kernel = _run(x, layers)
    kernels.set_enabled(False)
    try:
        without = _run(x, layers)
    finally:
        kernels.set_enabled(True)
    np.testing.assert_allclose(with_kernel, without, rtol=1e-5, atol=1e-5)


def test_the_worker_does_not_change_the_result(rng):
    pytest.importorskip("numba")
    from ember.ops.kernels import row_product
    x, layers = _layers(rng, *SHAPES["predict MLP"])
    args = (x, tuple(w for w, _, _ in layers), tuple(b for _, b, _ in layers),
            tuple(r for _, _, r in layers))
    alone = row_product.chain(*args, use_worker=False)
    if alone is None:
        pytest.skip("no callable cblas_sgemv here")
    for _ in range(20):
        np.testing.assert_array_equal(row_product.chain(*args), alone)


def test_inputs_the_kernel_cannot_take_run_as_separate_ops(rng):
    x, layers = _layers(rng, 1, (300, 400, 20), (True, True), (True, False))
    strided = [(np.asfortranarray(w), b, r) for w, b, r in layers]    # column-major
    np.testing.assert_allclose(_run(x, strided), _reference(x, layers), rtol=1e-4,
                               atol=1e-4)
    with pytest.raises(ember.errors.InvalidArgumentError, match="dense_chain.*not aligned"):
        _run(x, [(layers[0][0][:200], None, False)])                    # does not chain


@settings(max_examples=25, deadline=None)
@given(rows=st.integers(1, 4), widths=st.lists(st.integers(1, 40), min_size=2, max_size=4),
       data=st.data())
def test_shapes(rows, widths, data):
    n = len(widths) - 1
    biased = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
    relus = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
    x, layers = _layers(np.random.default_rng(rows), rows, widths, biased, relus)
    got = _run(x, layers)
    assert got.shape == (rows, widths[-1])
    np.testing.assert_allclose(got, _reference(x, layers), rtol=1e-4, atol=1e-5)


def _op_case(biased, relus, second_order=False):
    shapes = [(2, 5)]
    widths = (5, 4, 3)
    for a, b, has_bias in zip(widths, widths[1:], biased):
        shapes += [(a, b)] + ([(b,)] if has_bias else [])

    def fn(x, *params):
        return _dense_chain(x, *params, relus=relus, biases=biased)

    def ref(x, *params):
        it = iter(params)
        return _reference(x, [(next(it), next(it) if has_bias else None, relu)
                              for has_bias, relu in zip(biased, relus)])
    # inputs away from ReLU's kink: finite differences across it would be wrong
    return OpCase(f"dense_chain{biased}{relus}", fn, ref, shapes, domain=(0.2, 1.0),
                  second_order=second_order)


CASES = [_op_case((True, True), (True, False), second_order=True),
         _op_case((False, True), (False, True)),
         _op_case((True, False), (True, True))]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_op_values_and_gradients(case):
    check_values(case)
    check_grad(case)
    if case.second_order:
        check_second_order(case)


def test_one_cpu_thread_runs_the_chain_without_the_worker(rng, monkeypatch):
    pytest.importorskip("numba")
    from ember.core import cpu_threads
    from ember.ops.kernels import row_product
    calls = []
    real = row_product.chain
    monkeypatch.setattr(row_product, "chain", lambda *a: (calls.append(a[-1]), real(*a))[1])
    x, layers = _layers(rng, *SHAPES["predict MLP"])
    want = _run(x, layers)
    cpu_threads.set_thread_count(1)
    try:
        got = _run(x, layers)
    finally:
        cpu_threads.set_thread_count(0)
    np.testing.assert_array_equal(got, want)
    assert calls[-1] is False and (cpu_threads.thread_count() == 1 or calls[0] is True)


def test_inputs_that_are_not_matrices_get_matmuls_error(rng):
    x = rng.standard_normal(300).astype(np.float32)                   # one vector
    w = rng.standard_normal((300, 400)).astype(np.float32)
    with pytest.raises(ember.errors.InvalidArgumentError, match="rank >= 2.*(300,)"):
        dense_chain(ember.constant(x), [ember.constant(w)], [None], [False])
