"""The compiled convolution kernels (``ember.ops.kernels.conv`` through
``ember.ops.conv_compiled``) against the im2col NumPy path: the convolution and both
gradients, for padding, strides, dilations, 1-D data, few and many channels, chunks that
end mid-batch, and a split over two threads."""
import numpy as np
import pytest

pytest.importorskip("numba")

from ember.ops import conv, conv_compiled, kernels
from ember.ops.kernels import blas


def _run(jit_switch, on, x, w, g, strides, dilations, pads):
    jit_switch(on)
    kw = {"strides": strides, "dilations": dilations, "pads": pads, "groups": 1}
    return [conv._conv.primitive.forward(np, x, w, **kw),
            conv._conv_input_grad.primitive.forward(np, g, w, x_shape=x.shape, **kw),
            conv._conv_filter_grad.primitive.forward(np, x, g, w_shape=w.shape, **kw)]


def _case(rng, x_shape, k, cout, strides, dilations, pads):
    n = len(x_shape) - 2
    x = rng.normal(size=x_shape).astype(np.float32)
    w = rng.normal(size=tuple(k) + (x_shape[-1], cout)).astype(np.float32)
    out_sp = conv._out_spatial(x_shape[1:-1], k, strides, dilations, pads)
    g = rng.normal(size=(x_shape[0],) + tuple(out_sp) + (cout,)).astype(np.float32)
    assert len(out_sp) == n
    return x, w, g


CASES = [   # x shape, kernel, filters, strides, dilations, pads
    ((3, 9, 9, 1), (3, 3), 4, (1, 1), (1, 1), ((0, 0), (0, 0))),     # one channel: by tap
    ((3, 9, 8, 3), (3, 2), 5, (2, 1), (1, 1), ((1, 1), (0, 1))),     # three: by tap
    ((2, 10, 11, 5), (3, 3), 4, (1, 2), (2, 1), ((2, 2), (1, 1))),   # five: by row
    ((2, 7, 7, 8), (5, 5), 3, (3, 3), (1, 1), ((2, 2), (2, 2))),     # taps in the padding
    ((2, 6, 6, 2), (2, 3), 3, (2, 3), (2, 1), ((3, 0), (0, 4))),     # uneven, wide pads
    ((1, 4, 4, 6), (4, 4), 2, (1, 1), (1, 1), ((0, 0), (0, 0))),     # one output position
    ((4, 12, 4), (3,), 6, (2,), (1,), ((1, 1),)),                    # 1-D, by row
    ((3, 15, 1), (4,), 3, (1,), (2,), ((3, 0),)),                    # 1-D causal, by tap
]


@pytest.mark.parametrize("x_shape, k, cout, strides, dilations, pads", CASES)
def test_kernels_equal_the_numpy_path(rng, jit_switch, kernels_match, x_shape, k, cout,
                                      strides, dilations, pads):
    x, w, g = _case(rng, x_shape, k, cout, strides, dilations, pads)
    got = kernels_match(lambda on: _run(jit_switch, on, x, w, g, strides, dilations, pads),
                        rtol=1e-5, atol=1e-5, dtype=np.float32)
    assert all(a.flags.c_contiguous for a in got)


def test_chunks_ending_mid_batch(rng, jit_switch, kernels_match, monkeypatch):
    # 2 samples a chunk over 5: the last chunk is short, and each gets fresh windows
    x, w, g = _case(rng, (5, 8, 8, 3), (3, 3), 4, (1, 1), (1, 1), ((1, 1), (1, 1)))
    monkeypatch.setattr(conv_compiled, "_CHUNK_VALUES", 2 * 64 * 27)
    for channels in (0, 1000):            # windows by row, then by tap
        monkeypatch.setattr(conv_compiled, "_BY_TAP_MAX_CHANNELS", channels)
        kernels_match(lambda on: _run(jit_switch, on, x, w, g, (1, 1), (1, 1),
                                      ((1, 1), (1, 1))), rtol=1e-5, atol=1e-5)


def test_views_and_channels_first_data(rng, jit_switch, kernels_match):
    x, w, g = _case(rng, (2, 7, 9, 4), (3, 3), 5, (1, 1), (1, 1), ((1, 1), (1, 1)))
    xv = np.ascontiguousarray(x.transpose(0, 3, 1, 2)).transpose(0, 2, 3, 1)  # NCHW data
    gv = g[:, ::-1][:, ::-1]                                                 # a view
    assert not xv.flags.c_contiguous
    kernels_match(lambda on: _run(jit_switch, on, xv, w, gv, (1, 1), (1, 1),
                                  ((1, 1), (1, 1))), rtol=1e-5, atol=1e-5)


def test_the_kernels_are_used_for_float32_only(rng, monkeypatch, jit_switch):
    module = kernels.kernels_for("conv", np.zeros(1, np.float32))
    if module is None or not blas.address()[0]:
        pytest.skip("kernels off or no callable cblas_sgemm")
    calls = []
    for name in ("forward", "input_grad", "filter_grad"):
        real = getattr(module, name)
        monkeypatch.setattr(module, name,
                            lambda *a, _n=name, _r=real: (calls.append(_n), _r(*a))[1])
    x, w, g = _case(rng, (2, 5, 5, 3), (3, 3), 4, (1, 1), (1, 1), ((0, 0), (0, 0)))
    args = ((1, 1), (1, 1), ((0, 0), (0, 0)))
    _run(jit_switch, True, x, w, g, *args)
    assert calls == ["forward", "input_grad", "filter_grad"]
    calls.clear()
    _run(jit_switch, True, x.astype(np.float64), w.astype(np.float64),
         g.astype(np.float64), *args)
    assert calls == []
    # grouped and 3-D convolutions run the NumPy path too
    kw = {"strides": (1, 1), "dilations": (1, 1), "pads": ((0, 0), (0, 0))}
    y = conv._conv.primitive.forward(np, x[..., :2], w[:, :, :1], groups=2, **kw)
    assert y.shape == (2, 3, 3, 4)
    x3 = rng.normal(size=(1, 3, 3, 3, 2)).astype(np.float32)
    w3 = rng.normal(size=(2, 2, 2, 2, 3)).astype(np.float32)
    y3 = conv._conv.primitive.forward(np, x3, w3, strides=(1,) * 3, dilations=(1,) * 3,
                                      pads=((0, 0),) * 3)
    assert y3.shape == (1, 2, 2, 2, 3) and calls == []


def test_samples_split_over_two_threads_equal_one_part(rng, two_cpu_threads, monkeypatch,
                                                       jit_switch):
    x, w, g = _case(rng, (7, 9, 9, 6), (3, 3), 5, (1, 1), (1, 1), ((1, 1), (1, 1)))
    args = ((1, 1), (1, 1), ((1, 1), (1, 1)))
    counts = []
    real = conv_compiled.cpu_threads.parallel
    monkeypatch.setattr(conv_compiled.cpu_threads, "parallel",
                        lambda fn, count: (counts.append(count), real(fn, count)))
    monkeypatch.setattr(conv_compiled, "_MIN_SPLIT_WORK", 1)
    split = _run(jit_switch, True, x, w, g, *args)
    assert counts == [2, 2, 2]
    monkeypatch.setattr(conv_compiled, "_MIN_SPLIT_WORK", 1 << 60)
    whole = _run(jit_switch, True, x, w, g, *args)
    # samples never mix; a chunk's row count may still pick another BLAS edge kernel
    # (on AMD's OpenBLAS kernels the forward differed in the last bit)
    np.testing.assert_allclose(split[0], whole[0], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(split[1], whole[1], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(split[2], whole[2], rtol=1e-5, atol=1e-4)  # a sum of 2


def test_a_gradient_of_the_wrong_shape_is_still_refused(rng, jit_switch):
    jit_switch(True)
    x, w, g = _case(rng, (2, 6, 6, 3), (3, 3), 4, (1, 1), (1, 1), ((0, 0), (0, 0)))
    with pytest.raises(ValueError, match="spatial shape"):
        conv._conv_filter_grad.primitive.forward(
            np, x, g[:, :3], w_shape=w.shape, strides=(1, 1), dilations=(1, 1),
            pads=((0, 0), (0, 0)))


def test_a_keras_convnet_trains_the_same_with_and_without_kernels(
        rng, fit_with_and_without_kernels):
    x = rng.normal(size=(16, 10, 10, 1)).astype(np.float32)
    y = rng.integers(0, 3, size=16)

    def build(keras):
        model = keras.Sequential([
            keras.Input((10, 10, 1)),
            keras.layers.Conv2D(4, 3, activation="relu"),
            keras.layers.Conv2D(6, 3, strides=2, padding="same", activation="relu"),
            keras.layers.Flatten(),
            keras.layers.Dense(3)])
        model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        return model
    fit_with_and_without_kernels(build, x, y)


def test_a_keras_conv1d_model_trains_the_same_with_and_without_kernels(
        rng, fit_with_and_without_kernels):
    x = rng.normal(size=(16, 12, 3)).astype(np.float32)
    y = rng.integers(0, 3, size=16)

    def build(keras):
        model = keras.Sequential([
            keras.Input((12, 3)),
            keras.layers.Conv1D(5, 3, padding="causal", dilation_rate=2, activation="relu"),
            keras.layers.Conv1D(4, 2, strides=2),
            keras.layers.GlobalMaxPooling1D(),
            keras.layers.Dense(3)])
        model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        return model
    fit_with_and_without_kernels(build, x, y)


@pytest.mark.parametrize("case", [c for c in CASES if len(c[0]) == 4])
@pytest.mark.parametrize("split", [False, True])
def test_bias_relu_and_pool_on_each_chunk(rng, jit_switch, monkeypatch, two_cpu_threads,
                                          case, split):
    """``conv_bias`` and ``conv_bias_pool`` through the kernel's epilogue equal the
    convolution followed by the separate bias add, ReLU and 2x2 max pool, in chunks that
    end mid-batch and split over two threads."""
    from ember.ops import pool
    x, w, _ = _case(rng, *case)
    b = rng.normal(size=w.shape[-1]).astype(np.float32)
    strides, dilations, pads = case[3:]
    kw = {"strides": strides, "dilations": dilations, "pads": pads, "groups": 1}
    monkeypatch.setattr(conv_compiled, "_CHUNK_VALUES", 1)        # one sample a chunk
    monkeypatch.setattr(conv_compiled, "_MIN_SPLIT_WORK", 1 if split else 1 << 60)
    jit_switch(True)
    for relu in (False, True):
        z = conv._conv_bias.primitive.forward(np, x, w, b, relu=relu, **kw)
        zp, y = conv._conv_bias_pool.primitive.forward(np, x, w, b, relu=relu, **kw)
        want = conv._conv.primitive.forward(np, x, w, **kw) + b
        want = np.maximum(want, 0) if relu else want
        np.testing.assert_allclose(z, want, rtol=1e-6, atol=1e-6)
        np.testing.assert_array_equal(zp, z)
        np.testing.assert_array_equal(y, pool._max_pool.primitive.forward(np, z,
                                                                          **conv.POOL_2X2))


@pytest.mark.parametrize("case", [c for c in CASES if len(c[0]) == 4])
@pytest.mark.parametrize("split", [False, True])
def test_filter_gradient_from_the_pool_gradient_chunk_by_chunk(rng, jit_switch, monkeypatch,
                                                               two_cpu_threads, case, split):
    """``conv_filter_grad_pooled`` equals the pool's gradient then the filter gradient
    of it, with one sample a chunk, split over two threads or not."""
    from ember.ops import pool
    x, w, _ = _case(rng, *case)
    strides, dilations, pads = case[3:]
    kw = {"strides": strides, "dilations": dilations, "pads": pads, "groups": 1}
    monkeypatch.setattr(conv_compiled, "_CHUNK_VALUES", 1)
    monkeypatch.setattr(conv_compiled, "_MIN_SPLIT_WORK", 1 if split else 1 << 60)
    jit_switch(True)
    z = np.maximum(conv._conv.primitive.forward(np, x, w, **kw), 0)
    for k in (2, 3):
        if min(z.shape[1:3]) < k:
            continue
        tiles = {"ksize": (k, k), "strides": (k, k), "dilations": (1, 1),
                 "pads": ((0, 0), (0, 0))}
        y = pool._max_pool.primitive.forward(np, z, **tiles)
        g = rng.normal(size=y.shape).astype(np.float32)
        dz, want_db = pool._max_pool_relu_grad_sum.primitive.forward(np, g, z, y,
                                                                     ksize=(k, k))
        want_dw = conv._conv_filter_grad.primitive.forward(np, x, dz, w_shape=w.shape, **kw)
        dw, db = conv_compiled.filter_grad_pooled(np, x, g, z, y, (k, k), w.shape, **kw)
        np.testing.assert_allclose(dw, want_dw, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(db, want_db, rtol=1e-6, atol=1e-6)
