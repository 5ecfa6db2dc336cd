"""Scaled dot-product attention as one op (``ember.ops.attention``): values against a
NumPy einsum reference, gradients against finite differences in float64 (first order
through the fused backward op, second order through the Ember-op rule), masks, shapes
with hypothesis, and its errors."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opcheck import OpCase, check_fused_and_op_backward_agree, table_tests

import ember
from ember.ops.attention import dot_product_attention, dot_product_attention_packed

B, T, S, N, H, HV = 2, 3, 4, 2, 3, 5


def ref_attention(q, k, v, mask=None, scale=1.0):
    s = np.einsum("btnh,bsnh->bnts", q.astype(np.float64), k) * scale
    if mask is not None:
        s = np.where(mask, s, -1e9)
    p = np.exp(s - s.max(axis=-1, keepdims=True))
    p /= p.sum(axis=-1, keepdims=True)
    return np.einsum("bnts,bsnh->btnh", p, v), p


def _mask(rng, shape):
    m = rng.uniform(size=shape) > 0.4
    m[..., 0, :] = False            # a fully masked row: uniform, as in Keras's fused op
    return m


def _case(name, mask_shape=None, scale=0.7, t=T, s=S, second_order=False):
    def make(rng):
        arrays = [rng.uniform(-1.5, 1.5, (B, t, N, H)), rng.uniform(-1.5, 1.5, (B, s, N, H)),
                  rng.uniform(-1.5, 1.5, (B, s, N, HV))]
        if mask_shape is not None:
            arrays.append(_mask(rng, mask_shape))
        return arrays

    def fn(q, k, v, *mask):
        return dot_product_attention(q, k, v, mask[0] if mask else None, scale)

    def ref(q, k, v, *mask):
        return ref_attention(q, k, v, mask[0] if mask else None, scale)
    return OpCase(name, fn, ref, [], make_inputs=make, grad_argnums=[0, 1, 2],
                  second_order=second_order)


def _packed_case(name, mask_shape=None, scale=0.6, second_order=False):
    def make(rng):
        arrays = [rng.uniform(-1.5, 1.5, (B, T, 3 * N, H))]
        if mask_shape is not None:
            arrays.append(_mask(rng, mask_shape))
        return arrays

    def fn(qkv, *mask):
        return dot_product_attention_packed(qkv, N, mask[0] if mask else None, scale)

    def ref(qkv, *mask):
        q, k, v = (qkv[:, :, i * N:(i + 1) * N] for i in range(3))
        return ref_attention(q, k, v, mask[0] if mask else None, scale)
    return OpCase(name, fn, ref, [], make_inputs=make, grad_argnums=[0],
                  second_order=second_order)


CASES = [
    _case("plain", second_order=True),
    _case("one step", t=1, s=1),
    _case("mask per batch", (B, 1, T, S), second_order=True),
    _case("mask per head", (1, N, T, S)),
    _case("causal mask", (T, S)),
    _case("scale 1", scale=1.0),
    _packed_case("packed", second_order=True),
    _packed_case("packed, masked", (B, 1, T, T), second_order=True),
]
test_values, test_gradients, test_second_order = table_tests(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_fused_and_op_backward_agree(case):
    """The fused backward op (no outer tape) and the Ember-op rule (under one) agree."""
    check_fused_and_op_backward_agree(case)


def test_the_probabilities_gradient_reaches_the_inputs(rng):
    """A loss on the probabilities (``return_attention_scores``) differentiates too."""
    q, k, v = (rng.normal(size=s) for s in ((B, T, N, H), (B, S, N, H), (B, S, N, HV)))
    w = rng.normal(size=(B, N, T, S))

    def loss(q, k, v):
        out, probs = dot_product_attention(q, k, v, scale=0.5)
        return ember.reduce_sum(probs * w) + ember.reduce_sum(out)
    ts = [ember.constant(a) for a in (q, k, v)]
    with ember.GradientTape() as tape:
        tape.watch(ts)
        y = loss(*ts)
    got = tape.gradient(y, ts)
    eps = 1e-6
    for i in range(3):
        num = np.zeros_like(ts[i].numpy())
        for idx in np.ndindex(num.shape):
            hi, lo = [a.copy() for a in (q, k, v)], [a.copy() for a in (q, k, v)]
            hi[i][idx] += eps
            lo[i][idx] -= eps
            num[idx] = (float(loss(*hi)) - float(loss(*lo))) / (2 * eps)
        np.testing.assert_allclose(got[i].numpy(), num, rtol=1e-5, atol=1e-7)


@settings(max_examples=25, deadline=None)
@given(b=st.integers(1, 3), t=st.integers(1, 9), s=st.integers(1, 9), n=st.integers(1, 3),
       h=st.integers(1, 8), hv=st.integers(1, 8), masked=st.booleans(),
       dtype=st.sampled_from(["float32", "float64"]))
def test_any_shape_matches_the_reference(b, t, s, n, h, hv, masked, dtype):
    rng = np.random.default_rng(b * 1000 + t * 100 + s)
    q = rng.normal(size=(b, t, n, h)).astype(dtype)
    k = rng.normal(size=(b, s, n, h)).astype(dtype)
    v = rng.normal(size=(b, s, n, hv)).astype(dtype)
    mask = rng.uniform(size=(b, 1, t, s)) > 0.3 if masked else None
    out, probs = dot_product_attention(q, k, v, mask, scale=0.4)
    want_out, want_probs = ref_attention(q, k, v, mask, 0.4)
    assert out.shape == (b, t, n, hv) and probs.shape == (b, n, t, s)
    assert out.dtype == dtype and probs.dtype == dtype
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(out.numpy(), want_out, rtol=tol, atol=tol)
    np.testing.assert_allclose(probs.numpy(), want_probs, rtol=tol, atol=tol)


def test_heads_read_in_place_from_a_fused_projection(rng):
    """Query, key and value as views into one (B, T, 3N, H) tensor (how a compiled
    Keras MultiHeadAttention splits its fused projection) give the same result."""
    qkv = rng.normal(size=(B, T, 3 * N, H)).astype(np.float32)
    q, k, v = (qkv[:, :, i * N:(i + 1) * N] for i in range(3))
    out, probs = dot_product_attention(q, k, v, scale=0.3)
    want_out, want_probs = ref_attention(q, k, v, None, 0.3)
    np.testing.assert_allclose(out.numpy(), want_out, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(probs.numpy(), want_probs, rtol=1e-5, atol=1e-6)


def test_compiled_equals_eager(rng):
    q, k, v = (ember.constant(rng.normal(size=s).astype(np.float32))
               for s in ((B, T, N, H), (B, S, N, H), (B, S, N, HV)))
    mask = ember.constant(_mask(rng, (B, 1, T, S)))

    def step(q, k, v, mask):
        with ember.GradientTape() as tape:
            tape.watch([q, k, v])
            out, _ = dot_product_attention(q, k, v, mask, 0.5)
            y = ember.reduce_sum(out * out)
        return [out] + tape.gradient(y, [q, k, v])
    eager = step(q, k, v, mask)
    compiled = ember.function(step)(q, k, v, mask)
    for a, b in zip(eager, compiled):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("shapes, match", [
    (((B, T, N, H), (B, S, N, H), (B, S + 1, N, HV)), "expected query"),
    (((B, T, N, H), (B, S, N + 1, H), (B, S, N + 1, HV)), "expected query"),
    (((B, T, N, H), (B, S, N, H + 1), (B, S, N, HV)), "expected query"),
    (((T, N, H), (S, N, H), (S, N, HV)), "expected query"),
])
def test_bad_shapes_are_named(shapes, match):
    arrays = [np.zeros(s, np.float32) for s in shapes]
    with pytest.raises(ember.errors.InvalidArgumentError, match=match) as info:
        dot_product_attention(*arrays)
    assert str(shapes[0]) in str(info.value)


def test_a_packed_tensor_of_the_wrong_shape_is_named():
    with pytest.raises(ember.errors.InvalidArgumentError, match=r"3 \* heads") as info:
        dot_product_attention_packed(np.zeros((B, T, 5, H), np.float32), heads=2)
    assert str((B, T, 5, H)) in str(info.value)


def test_a_mask_that_does_not_broadcast_is_named():
    q = np.zeros((B, T, N, H), np.float32)
    with pytest.raises(ember.errors.InvalidArgumentError, match="does not broadcast"):
        dot_product_attention(q, q, q, np.ones((B, N + 1, T, T), bool))
