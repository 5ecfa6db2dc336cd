"""The compiled attention kernels against the NumPy path of the same ops, on contiguous
heads and on views into a fused projection, masked and not, and split over two threads."""
import numpy as np
import pytest

pytest.importorskip("numba")

from ember.ops import attention, kernels

FWD = attention._attention.primitive.forward
BWD = attention._attention_grad.primitive.forward
B, T, S, N, H, HV = 3, 9, 11, 4, 8, 6


def _inputs(rng, views: bool):
    if views:       # q, k, v as heads of one (B, T, 3N, H) projection, read in place
        qkv = rng.normal(size=(B, T, 3 * N, H)).astype(np.float32)
        return tuple(qkv[:, :, i * N:(i + 1) * N] for i in range(3))
    return (rng.normal(size=(B, T, N, H)).astype(np.float32),
            rng.normal(size=(B, S, N, H)).astype(np.float32),
            rng.normal(size=(B, S, N, HV)).astype(np.float32))


def _run(jit_switch, on, q, k, v, mask, dout, dprobs):
    jit_switch(on)
    extra = () if mask is None else (mask,)
    out, probs = FWD(np, q, k, v, *extra, scale=0.35)
    grads = BWD(np, dout, q, k, v, probs, *extra, *(() if dprobs is None else (dprobs,)),
                scale=0.35, masked=mask is not None, has_dprobs=dprobs is not None)
    return [out, probs, *grads]


@pytest.mark.parametrize("views", [False, True], ids=["contiguous", "views"])
@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("with_dprobs", [False, True])
def test_kernels_equal_the_numpy_path(rng, jit_switch, kernels_match, views, masked,
                                      with_dprobs):
    q, k, v = _inputs(rng, views)
    t, s = q.shape[1], k.shape[1]
    mask = None
    if masked:
        mask = rng.uniform(size=(B, 1, t, s)) > 0.3
        mask[0, 0, 2] = False                   # a fully masked row
    dout = rng.normal(size=(B, t, N, v.shape[3])).astype(np.float32)
    dprobs = rng.normal(size=(B, N, t, s)).astype(np.float32) if with_dprobs else None
    got = kernels_match(lambda on: _run(jit_switch, on, q, k, v, mask, dout, dprobs),
                        dtype=np.float32)
    assert all(g.flags.c_contiguous for g in got)


def test_the_kernels_are_used_for_float32(rng, monkeypatch):
    calls = []
    module = kernels.kernels_for("attention", np.zeros(1, np.float32))
    if module is None or not attention._blas()[0]:
        pytest.skip("kernels off or no callable cblas_sgemm")
    for name in ("forward", "backward"):
        real = getattr(module, name)
        monkeypatch.setattr(module, name,
                            lambda *a, _n=name, _r=real: (calls.append(_n), _r(*a))[1])
    q, k, v = _inputs(rng, False)
    _run(kernels.set_enabled, True, q, k, v, None,
         np.ones((B, T, N, HV), np.float32), None)
    assert calls == ["forward", "backward"]


def test_pairs_split_over_two_threads_equal_one_part(rng, two_cpu_threads, monkeypatch,
                                                     jit_switch):
    monkeypatch.setattr(attention, "_MIN_SPLIT_WORK", 1)
    q, k, v = _inputs(rng, True)
    mask = rng.uniform(size=(1, N, T, T)) > 0.3
    dout = rng.normal(size=(B, T, N, H)).astype(np.float32)
    counts = []
    real = attention.cpu_threads.parallel
    monkeypatch.setattr(attention.cpu_threads, "parallel",
                        lambda fn, count: (counts.append(count), real(fn, count)))
    split = _run(jit_switch, True, q, k, v, mask, dout, None)
    assert counts == [2, 2]
    monkeypatch.setattr(attention, "_MIN_SPLIT_WORK", 1 << 60)
    whole = _run(jit_switch, True, q, k, v, mask, dout, None)
    for a, b in zip(split, whole):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("masked", [False, True])
def test_the_packed_gradient_equals_the_numpy_path(rng, jit_switch, kernels_match, masked):
    qkv = rng.normal(size=(B, T, 3 * N, H)).astype(np.float32)
    mask = (rng.uniform(size=(1, N, T, T)) > 0.3,) if masked else ()
    dout = rng.normal(size=(B, T, N, H)).astype(np.float32)

    def run(on):
        jit_switch(on)
        out, probs = attention._attention_packed.primitive.forward(np, qkv, *mask, heads=N,
                                                                   scale=0.5)
        grad = attention._attention_packed_grad.primitive.forward(
            np, dout, qkv, probs, *mask, heads=N, scale=0.5, masked=masked)
        assert grad.shape == qkv.shape and grad.flags.c_contiguous
        return [out, probs, grad]
    kernels_match(run)


def test_reversed_and_broadcast_views_are_computed_right(rng, jit_switch, kernels_match):
    """Views BLAS cannot take as rows (a negative or zero step stride) take the NumPy
    path; broadcast batch or head axes are read in place."""
    q, k, v = _inputs(rng, False)
    views = [(q[:, ::-1], k, v),
             (np.broadcast_to(q[:, :1], q.shape), k, v),
             (np.broadcast_to(q[:1], q.shape), np.broadcast_to(k[:, :, :1], k.shape), v)]
    dout = rng.normal(size=(B, T, N, HV)).astype(np.float32)
    for view in views:
        kernels_match(lambda on, view=view: _run(
            jit_switch, on, *(view if on else [np.ascontiguousarray(a) for a in view]),
            None, dout, None))
