"""keras.ops array-building and array-manipulation ops (numpy_arrays): values against NumPy,
Keras result dtypes, gradients against finite differences, symbolic use, errors."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ember
from ember import keras
from ember.keras.ops import numpy_arrays as kops
from tests.opcheck import OpCase, check_grad, check_second_order, check_values

rng = np.random.default_rng(0)
X3 = rng.normal(size=(2, 3, 4)).astype("float32")
F = np.array([1.5, -2.0, 3.0], dtype="float32")
I = np.array([1, 2, 3], dtype="int32")
M4 = rng.normal(size=(3, 4, 4)) + 3 * np.eye(4)
SEL = np.arange(6)


def _np(x):
    return x.numpy() if hasattr(x, "numpy") else np.asarray(x)


def _assert_same(got, want, dtype=None):
    if isinstance(got, (list, tuple)):    # several outputs
        assert len(got) == len(want), f"{len(got)} outputs != {len(want)}"
        for g, w in zip(got, want):
            _assert_same(g, w, dtype)
        return
    g, w = _np(got), np.asarray(want)
    assert g.shape == w.shape, f"shape {g.shape} != {w.shape}"
    if dtype is not None:
        assert g.dtype == np.dtype(dtype), f"dtype {g.dtype} != {dtype}"
    np.testing.assert_allclose(g.astype("float64"), w.astype("float64"), rtol=1e-5, atol=1e-6)


# (id, keras call, NumPy reference, Keras result dtype (checked against Keras 3.15))
VALUES = [
    ("append_flat", lambda: kops.append(I, F), lambda: np.append(I, F), "float32"),
    ("append_axis", lambda: kops.append(X3, X3[:1], axis=0),
     lambda: np.append(X3, X3[:1], axis=0), "float32"),
    ("append_weak_int", lambda: kops.append(I.astype("int8"), 1),
     lambda: np.append(I, 1), "int8"),
    ("array", lambda: kops.array([1, 2, 3]), lambda: np.array([1, 2, 3]), "int32"),
    ("array_dtype", lambda: kops.array([1, 2], dtype="float16"), lambda: [1.0, 2.0], "float16"),
    ("array_split", lambda: kops.array_split(np.arange(10), 3),
     lambda: np.array_split(np.arange(10), 3), None),
    ("array_split_more", lambda: kops.array_split(X3, 5, axis=-1),
     lambda: np.array_split(X3, 5, axis=-1), "float32"),
    ("cross3", lambda: kops.cross(X3[..., :3], I), lambda: np.cross(X3[..., :3], I), "float32"),
    ("cross2", lambda: kops.cross([1.0, 2.0], [3.0, 4.0]), lambda: -2.0, "float32"),
    ("cross23", lambda: kops.cross([1.0, 2.0], [3.0, 4.0, 5.0]),
     lambda: np.cross([1.0, 2.0, 0.0], [3.0, 4.0, 5.0]), "float32"),
    ("cross32", lambda: kops.cross([3.0, 4.0, 5.0], [1.0, 2.0]),
     lambda: np.cross([3.0, 4.0, 5.0], [1.0, 2.0, 0.0]), "float32"),
    ("cross_axes", lambda: kops.cross(X3[:, :, :3], X3[0, :, :3], axisa=-1, axisb=0, axisc=0),
     lambda: np.cross(X3[:, :, :3], X3[0, :, :3], axisa=-1, axisb=0, axisc=0), "float32"),
    ("cross_int", lambda: kops.cross(I, I[::-1]), lambda: np.cross(I, I[::-1]), "int32"),
    ("diagflat", lambda: kops.diagflat(np.array([[1, 2], [3, 4]], "int32"), k=-1),
     lambda: np.diagflat([[1, 2], [3, 4]], k=-1), "int32"),
    ("diagonal3d", lambda: kops.diagonal(X3, 1, 2, 1), lambda: np.diagonal(X3, 1, 2, 1),
     "float32"),
    ("diagonal_empty", lambda: kops.diagonal(X3[0], 5), lambda: np.diagonal(X3[0], 5),
     "float32"),
    ("diff", lambda: kops.diff([1, 2, 4, 7, 0]), lambda: [1, 2, 3, -7], "int32"),
    ("diff_n2_axis0", lambda: kops.diff(X3, 2, axis=1), lambda: np.diff(X3, 2, axis=1),
     "float32"),
    ("diff_past_end", lambda: kops.diff(F, 5), lambda: np.diff(F, 5), "float32"),
    ("diff_bool", lambda: kops.diff(np.array([True, False, False])), lambda: [True, False],
     "bool"),
    ("diff_uint8_wraps", lambda: kops.diff(np.array([3, 1], "uint8")), lambda: [254],
     "uint8"),
    ("dsplit", lambda: kops.dsplit(X3, [1, 3]), lambda: np.dsplit(X3, [1, 3]), "float32"),
    ("dstack", lambda: kops.dstack([I, F]), lambda: np.dstack([I, F]), "float32"),
    ("dstack_2d", lambda: kops.dstack([X3[0], X3[1]]), lambda: np.dstack([X3[0], X3[1]]),
     "float32"),
    ("empty", lambda: kops.empty((2, 3)).shape, lambda: (2, 3), None),
    ("empty_like", lambda: kops.empty_like(I, "float16").shape, lambda: (3,), None),
    ("fliplr", lambda: kops.fliplr(X3), lambda: np.fliplr(X3), "float32"),
    ("flipud", lambda: kops.flipud(I), lambda: np.flipud(I), "int32"),
    ("geomspace", lambda: kops.geomspace(1, 1000, 4), lambda: [1, 10, 100, 1000], "float32"),
    ("geomspace_neg", lambda: kops.geomspace(-1, -1000, 4, endpoint=False),
     lambda: np.geomspace(-1, -1000, 4, endpoint=False), "float32"),
    ("geomspace_axis", lambda: kops.geomspace(F[:2] ** 2, [8.0, 32.0], 3, axis=1),
     lambda: np.geomspace(F[:2] ** 2, [8.0, 32.0], 3, axis=1), "float32"),
    ("geomspace_bcast", lambda: kops.geomspace(2.0, [8.0, 32.0], 4, axis=1),
     lambda: np.geomspace(2.0, [8.0, 32.0], 4, axis=1), "float32"),
    ("geomspace_int", lambda: kops.geomspace(1, 1000, 4, dtype="int32"),
     lambda: [1, 10, 100, 1000], "int32"),
    ("logspace", lambda: kops.logspace(0, 3, 4), lambda: [1, 10, 100, 1000], "float32"),
    ("logspace_base", lambda: kops.logspace(0, 3, 4, base=2, endpoint=False),
     lambda: np.logspace(0, 3, 4, base=2, endpoint=False), "float32"),
    ("logspace_int_input", lambda: kops.logspace(np.array([0, 1], "int32"), 3, 3),
     lambda: np.logspace([0, 1], 3, 3), "float32"),
    ("logspace_axis", lambda: kops.logspace(F[:2], [2.0, 3.0], 3, axis=-1),
     lambda: np.logspace(F[:2], [2.0, 3.0], 3, axis=-1), "float32"),
    ("get_item", lambda: kops.get_item(X3, (0, slice(1, None))), lambda: X3[0, 1:],
     "float32"),
    ("get_item_list_is_tuple", lambda: kops.get_item(X3, [0, 1]), lambda: X3[0, 1],
     "float32"),
    ("hsplit", lambda: kops.hsplit(X3, 3), lambda: np.hsplit(X3, 3), "float32"),
    ("hsplit_1d", lambda: kops.hsplit(F, [1]), lambda: np.hsplit(F, [1]), "float32"),
    ("hstack", lambda: kops.hstack([I, 4.5]), lambda: [1, 2, 3, 4.5], "float32"),
    ("hstack_2d", lambda: kops.hstack([X3[0], X3[1]]), lambda: np.hstack([X3[0], X3[1]]),
     "float32"),
    ("inner", lambda: kops.inner(X3, np.ones((5, 4), "int32")),
     lambda: np.inner(X3, np.ones((5, 4))), "float32"),
    ("inner_scalar", lambda: kops.inner(2, F), lambda: 2 * F, "float32"),
    ("kron", lambda: kops.kron(np.array([[1, 2], [3, 4]], "int32"), np.array([1.0, 10.0])),
     lambda: np.kron([[1, 2], [3, 4]], [1.0, 10.0]), "float64"),
    ("kron_int8_uint8", lambda: kops.kron(np.array([1, 2], "int8"), np.array([3], "uint8")),
     lambda: [3, 6], "int16"),
    ("kron_3d", lambda: kops.kron(X3, np.ones((2, 2), "float32")),
     lambda: np.kron(X3, np.ones((2, 2))), "float32"),
    ("meshgrid_xy", lambda: kops.meshgrid(I, F[:2]), lambda: np.meshgrid(I, F[:2]), None),
    ("meshgrid_ij3", lambda: kops.meshgrid(I, F[:2], F[:1], indexing="ij"),
     lambda: np.meshgrid(I, F[:2], F[:1], indexing="ij"), None),
    ("meshgrid_xy3", lambda: kops.meshgrid(I, F[:2], F[:1]),
     lambda: np.meshgrid(I, F[:2], F[:1]), None),
    ("moveaxis", lambda: kops.moveaxis(X3, [0, 1], [2, 0]),
     lambda: np.moveaxis(X3, [0, 1], [2, 0]), "float32"),
    ("nonzero", lambda: kops.nonzero([[0, 1], [2, 0]]), lambda: ([0, 1], [1, 0]), "int32"),
    ("outer", lambda: kops.outer(np.ones((2, 2), "int32"), F),
     lambda: np.outer(np.ones(4), F), "float32"),
    ("ravel", lambda: kops.ravel(X3), lambda: X3.ravel(), "float32"),
    ("rot90", lambda: kops.rot90([[1, 2], [3, 4]]), lambda: [[2, 4], [1, 3]], "int32"),
    ("rot90_axes", lambda: kops.rot90(X3, k=3, axes=(2, 0)),
     lambda: np.rot90(X3, 3, (2, 0)), "float32"),
    ("select", lambda: kops.select([SEL < 3, SEL > 3], [SEL, SEL ** 2], 42),
     lambda: [0, 1, 2, 42, 16, 25], "int64"),
    ("select_weak_float", lambda: kops.select([I > 1], [I], 0.5), lambda: [0.5, 2, 3],
     "float32"),
    ("select_broadcast", lambda: kops.select([np.array([[True], [False]])], [I]),
     lambda: [[1, 2, 3], [0, 0, 0]], "int32"),
    ("slogdet", lambda: kops.slogdet(M4), lambda: np.linalg.slogdet(M4), "float64"),
    ("slogdet_int", lambda: kops.slogdet(np.array([[1, 2], [3, 4]], "int32")),
     lambda: (-1.0, np.log(2.0)), "float32"),
    ("swapaxes", lambda: kops.swapaxes(X3, 0, -1), lambda: np.swapaxes(X3, 0, -1),
     "float32"),
    ("trace", lambda: kops.trace(X3, 1, 1, 2), lambda: np.trace(X3, 1, 1, 2), "float32"),
    ("trace_int8", lambda: kops.trace(np.ones((2, 2), "int8")), lambda: 2, "int32"),
    ("trace_bool", lambda: kops.trace(np.ones((2, 2), "bool")), lambda: 2, "int32"),
    ("trace_uint8", lambda: kops.trace(np.ones((2, 2), "uint8")), lambda: 2, "uint32"),
    ("tri", lambda: kops.tri(3, 4, 1), lambda: np.tri(3, 4, 1), "float32"),
    ("tri_int", lambda: kops.tri(3, k=-1, dtype="int32"), lambda: np.tri(3, k=-1), "int32"),
    ("unravel_index", lambda: kops.unravel_index(np.arange(24, dtype="int32"), (2, 3, 4)),
     lambda: np.unravel_index(np.arange(24), (2, 3, 4)), "int32"),
    ("unravel_index_int", lambda: kops.unravel_index(5, (3, 3)), lambda: (1, 2), "int32"),
    ("vander", lambda: kops.vander(np.array([1, 2, 3, 5], "int32")),
     lambda: np.vander([1, 2, 3, 5]), "int32"),
    ("vander_exact_ints", lambda: kops.vander(np.array([100000007], "int64"), 2),
     lambda: [[100000007, 1]], "int64"),
    ("vander_increasing", lambda: kops.vander(F, 4, True), lambda: np.vander(F, 4, True),
     "float32"),
    ("vander_int8", lambda: kops.vander(np.array([2, 3], "int8")), lambda: [[2, 1], [3, 1]],
     "int8"),
    ("vdot", lambda: kops.vdot(np.ones((2, 2), "int32"), np.arange(4.0, dtype="float32")),
     lambda: 6.0, "float32"),
    ("vdot_int", lambda: kops.vdot([1, 2], [3, 4]), lambda: 11, "int32"),
    ("view", lambda: kops.view(I, "float32"), lambda: I.view("float32"), "float32"),
    ("view_smaller", lambda: kops.view(I[:2], "int8"), lambda: I[:2].view("int8"), "int8"),
    ("view_larger", lambda: kops.view(np.arange(8, dtype="int16").reshape(2, 4), "int64"),
     lambda: np.arange(8, dtype="int16").reshape(2, 4).view("int64"), "int64"),
    ("view_same_dtype", lambda: kops.view(I), lambda: I, "int32"),
    ("vsplit", lambda: kops.vsplit(X3, [1, 5, 0]), lambda: np.vsplit(X3, [1, 5, 0]),
     "float32"),
    ("vstack", lambda: kops.vstack([I, F]), lambda: np.vstack([I, F]), "float32"),
    ("vstack_scalars", lambda: kops.vstack([1, 2]), lambda: [[1], [2]], "int32"),
]


@pytest.mark.parametrize("name,call,ref,dtype", VALUES, ids=[v[0] for v in VALUES])
def test_values_and_keras_dtypes(name, call, ref, dtype):
    got, want = call(), ref()
    if name.startswith("empty"):
        assert tuple(got) == want
    elif name == "slogdet":
        _assert_same(got, tuple(want), dtype)
    else:
        _assert_same(got, want, dtype)


def test_multi_output_types_follow_keras():
    assert isinstance(kops.array_split(F, 2), list)
    assert isinstance(kops.meshgrid(I, F), list)
    assert isinstance(kops.nonzero(F), tuple)
    assert isinstance(kops.unravel_index(I, (2, 2)), tuple)
    assert isinstance(kops.slogdet(M4[0]), tuple)
    gx, gy = kops.meshgrid(I, F[:2])           # each grid keeps its own dtype
    assert gx.dtype == ember.int32 and gy.dtype == ember.float32


def test_empty_and_vectorize_basics():
    assert kops.empty(3, dtype="int32").dtype == ember.int32
    assert kops.empty((2,)).dtype == ember.float32
    add = kops.vectorize(lambda a, b: a + b)
    _assert_same(add(I, 2), I + 2, "int32")
    total = kops.vectorize(lambda a: ember.reduce_sum(a), signature="(n)->()")
    _assert_same(total(X3), X3.sum(-1), "float32")
    mv = kops.vectorize(lambda a, v: ember.linalg.matvec(a, v), signature="(m,n),(n)->(m)")
    a, v = np.ones((5, 1, 3, 4)), rng.normal(size=(2, 4))
    _assert_same(mv(a, v), np.einsum("...mn,...n->...m", a, v))
    both = kops.vectorize(lambda a, b: (a + b, a * b))
    s, p = both(F, np.ones((2, 1), "float32"))
    _assert_same((s, p), (F + np.ones((2, 1)), F * np.ones((2, 1))))
    scaled = kops.vectorize(lambda a, k: a * k, excluded={1})
    _assert_same(scaled(F, 3.0), F * 3)
    assert tuple(add(np.zeros((0, 2), "float32"), 1.0).shape) == (0, 2)


def test_bitcast_primitive_follows_tensorflow_shapes():
    from ember.ops.bitcast import bitcast
    assert tuple(bitcast(ember.constant([1, 2], dtype="int32"), "uint8").shape) == (2, 4)
    four = ember.constant([[1, 0, 0, 0]], dtype="uint8")
    assert bitcast(four, "int32").numpy().tolist() == [1]
    assert bitcast(ember.constant([1.0]), "int32").numpy().tolist() == [1065353216]
    with pytest.raises(ember.errors.InvalidArgumentError, match="last axis of 4 items"):
        bitcast(ember.constant([1, 0], dtype="uint8"), "int32")
    x = ember.constant([1.0, 2.0])
    with ember.GradientTape() as tape:
        tape.watch(x)
        y = ember.reduce_sum(bitcast(x, "float16"))
    assert tape.gradient(y, x) is None        # reinterpreted bytes carry no gradient


# ---- gradients --------------------------------------------------------------------------
def _sel_fn(a, b):
    return kops.select([SEL[:4] < 2, SEL[:4] > 2], [a, b], 0.5)


def _sel_ref(a, b):
    return np.select([SEL[:4] < 2, SEL[:4] > 2], [a, b], 0.5)


def _vec_fn(a, b):
    return kops.vectorize(lambda u, v: u * ember.sin(v))(a, b)


def _wellposed(rng):
    return [rng.normal(size=(2, 3, 3)) + 3 * np.eye(3)]


GRAD_CASES = [
    OpCase("append", lambda a, b: kops.append(a, b, axis=1), lambda a, b: np.append(a, b, 1),
           [(2, 3), (2, 2)]),
    OpCase("array_split", lambda x: kops.array_split(x, 2, axis=1),
           lambda x: np.array_split(x, 2, axis=1), [(2, 5)]),
    OpCase("cross", lambda a, b: kops.cross(a, b), np.cross, [(2, 3), (2, 3)],
           second_order=True),
    OpCase("cross_2x3_axisc", lambda a, b: kops.cross(a, b, axisa=0, axisc=0),
           lambda a, b: np.cross(np.concatenate([a, np.zeros((1, 2))]), b, axisa=0, axisc=0),
           [(2, 2), (2, 3)]),
    OpCase("diagflat", lambda x: kops.diagflat(x, k=1), lambda x: np.diagflat(x, 1), [(2, 2)]),
    OpCase("diagonal", lambda x: kops.diagonal(x, -1, 2, 0), lambda x: np.diagonal(x, -1, 2, 0),
           [(3, 2, 4)]),
    OpCase("diff", lambda x: kops.diff(x, 2, axis=0), lambda x: np.diff(x, 2, axis=0), [(4, 3)],
           second_order=True),
    OpCase("dsplit", lambda x: kops.dsplit(x, [1]), lambda x: np.dsplit(x, [1]), [(1, 2, 3)]),
    OpCase("hstack", lambda a, b: kops.hstack([a, b]), lambda a, b: np.hstack([a, b]),
           [(2, 1), (2, 2)]),
    OpCase("vstack", lambda a, b: kops.vstack([a, b]), lambda a, b: np.vstack([a, b]),
           [(3,), (2, 3)]),
    OpCase("dstack", lambda a, b: kops.dstack([a, b]), lambda a, b: np.dstack([a, b]),
           [(2, 2), (2, 2)]),
    OpCase("fliplr", kops.fliplr, np.fliplr, [(2, 3)]),
    OpCase("flipud", kops.flipud, np.flipud, [(2, 3)]),
    OpCase("geomspace", lambda a, b: kops.geomspace(a, b, 4, axis=1),
           lambda a, b: np.geomspace(a, b, 4, axis=1), [(2,), (2,)], domain=(0.5, 2.0),
           grad_rtol=1e-4),
    OpCase("logspace", lambda a, b: kops.logspace(a, b, 3, base=2.0, endpoint=False),
           lambda a, b: np.logspace(a, b, 3, base=2.0, endpoint=False), [(2,), (2,)],
           second_order=True),
    OpCase("get_item", lambda x: kops.get_item(x, (slice(None, None, -1), [0, 2, 2])),
           lambda x: x[::-1, [0, 2, 2]], [(2, 3)]),
    OpCase("inner", kops.inner, np.inner, [(2, 3), (4, 3)], second_order=True),
    OpCase("kron", kops.kron, np.kron, [(2, 2), (3, 1)], second_order=True),
    OpCase("meshgrid", lambda a, b: kops.meshgrid(a, b), lambda a, b: np.meshgrid(a, b),
           [(3,), (2,)]),
    OpCase("moveaxis", lambda x: kops.moveaxis(x, 0, -1), lambda x: np.moveaxis(x, 0, -1),
           [(2, 3, 4)]),
    OpCase("outer", kops.outer, np.outer, [(2, 2), (3,)]),
    OpCase("ravel", kops.ravel, np.ravel, [(2, 3)]),
    OpCase("rot90", lambda x: kops.rot90(x, -1, (1, 0)), lambda x: np.rot90(x, -1, (1, 0)),
           [(2, 3, 2)]),
    OpCase("select", _sel_fn, _sel_ref, [(4,), (4,)]),
    OpCase("slogdet", kops.slogdet, lambda x: tuple(np.linalg.slogdet(x)), [(2, 3, 3)],
           make_inputs=_wellposed, output_index=1, grad_rtol=1e-4, second_order=True),
    OpCase("swapaxes", lambda x: kops.swapaxes(x, 0, 2), lambda x: np.swapaxes(x, 0, 2),
           [(2, 3, 4)]),
    OpCase("trace", lambda x: kops.trace(x, 1, 0, 2), lambda x: np.trace(x, 1, 0, 2),
           [(3, 2, 4)], second_order=True),
    OpCase("vander", lambda x: kops.vander(x, 4), lambda x: np.vander(x, 4), [(3,)],
           second_order=True),
    OpCase("vdot", kops.vdot, np.vdot, [(2, 2), (4,)], second_order=True),
    OpCase("hsplit", lambda x: kops.hsplit(x, 2), lambda x: np.hsplit(x, 2), [(2, 4)]),
    OpCase("vsplit", lambda x: kops.vsplit(x, [1, 1]), lambda x: np.vsplit(x, [1, 1]),
           [(3, 2)]),
    OpCase("vectorize", _vec_fn, lambda a, b: a * np.sin(b), [(2, 1), (3,)]),
]


@pytest.mark.parametrize("case", GRAD_CASES, ids=lambda c: c.name)
def test_float_values(case):
    check_values(case)


@pytest.mark.parametrize("case", GRAD_CASES, ids=lambda c: c.name)
def test_gradients(case):
    check_grad(case)


@pytest.mark.parametrize("case", [c for c in GRAD_CASES if c.second_order],
                         ids=lambda c: c.name)
def test_second_order(case):
    check_second_order(case)


def test_vander_gradient_at_zero_is_finite():
    x = ember.constant([0.0, 2.0], dtype="float64")
    with ember.GradientTape() as tape:
        tape.watch(x)
        y = ember.reduce_sum(kops.vander(x, 3))
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [1.0, 5.0])


# ---- shapes and broadcasting (hypothesis) -----------------------------------------------
dims = st.integers(min_value=1, max_value=3)


@settings(max_examples=20, deadline=None)
@given(st.lists(dims, min_size=0, max_size=3), st.lists(dims, min_size=0, max_size=3))
def test_kron_outer_inner_shapes(sa, sb):
    a = rng.normal(size=sa).astype("float32")
    b = rng.normal(size=sb).astype("float32")
    _assert_same(kops.kron(a, b), np.kron(a, b))
    _assert_same(kops.outer(a, b), np.outer(a, b))
    if sa and sb:
        b2 = rng.normal(size=sb[:-1] + [sa[-1]]).astype("float32")
        _assert_same(kops.inner(a, b2), np.inner(a, b2))


@settings(max_examples=20, deadline=None)
@given(st.lists(dims, min_size=2, max_size=4), st.data())
def test_axis_moves_and_diagonals(shape, data):
    x = rng.normal(size=shape).astype("float32")
    nd = len(shape)
    ax = st.integers(min_value=-nd, max_value=nd - 1)
    a1, a2 = data.draw(ax), data.draw(ax)
    if a1 % nd != a2 % nd:
        off = data.draw(st.integers(min_value=-3, max_value=3))
        _assert_same(kops.diagonal(x, off, a1, a2), np.diagonal(x, off, a1, a2))
        _assert_same(kops.trace(x, off, a1, a2), np.trace(x, off, a1, a2))
        k = data.draw(st.integers(min_value=-5, max_value=5))
        _assert_same(kops.rot90(x, k, (a1, a2)), np.rot90(x, k, (a1, a2)))
    _assert_same(kops.swapaxes(x, a1, a2), np.swapaxes(x, a1, a2))
    perm = data.draw(st.permutations(range(nd)))
    _assert_same(kops.moveaxis(x, list(range(nd)), perm), np.moveaxis(x, range(nd), perm))


@settings(max_examples=20, deadline=None)
@given(st.integers(min_value=0, max_value=7), st.lists(st.integers(-8, 8), max_size=3),
       st.integers(min_value=1, max_value=4))
def test_splits_match_numpy(n, cuts, sections):
    x = np.arange(2 * n * 3, dtype="float32").reshape(2, n, 3)
    _assert_same(kops.hsplit(x, cuts), np.hsplit(x, cuts))
    _assert_same(kops.array_split(x, sections, axis=1), np.array_split(x, sections, axis=1))
    _assert_same(kops.hstack(kops.hsplit(x, cuts)), np.hstack(np.hsplit(x, cuts)))


@settings(max_examples=20, deadline=None)
@given(st.lists(dims, min_size=0, max_size=3), st.data())
def test_select_broadcasts(shape, data):
    keep = st.lists(st.booleans(), min_size=len(shape), max_size=len(shape))
    sc = [d if k else 1 for d, k in zip(shape, data.draw(keep))]
    sv = [d if k else 1 for d, k in zip(shape, data.draw(keep))]
    c = rng.normal(size=sc[data.draw(st.integers(0, len(sc))):]) > 0
    v = rng.normal(size=sv).astype("float32")
    _assert_same(kops.select([c, ~c], [v, -v], 7.0), np.select([c, ~c], [v, -v], 7.0))


# ---- symbolic use -----------------------------------------------------------------------
def _graph(x):
    h = kops.moveaxis(x, 1, 2)                       # (b, 4, 3)
    a, b = kops.array_split(h, 2, axis=-1)           # (b, 4, 2), (b, 4, 1)
    c = kops.append(a, b, axis=-1)                   # (b, 4, 3)
    return [kops.diff(c, axis=-1), kops.trace(c, 0, 1, 2), kops.diagonal(c, 0, 1, 2),
            kops.rot90(c, 1, (1, 2)), kops.hstack([c, c])]


def test_functional_model_matches_eager_and_round_trips(monkeypatch):
    inp = keras.Input((3, 4))
    outs = _graph(inp)
    assert [o.shape for o in outs] == [(None, 4, 2), (None,), (None, 3), (None, 3, 4),
                                       (None, 8, 3)]
    model = keras.Model(inp, outs)
    data = rng.normal(size=(2, 3, 4)).astype("float32")
    want = [o.numpy() for o in _graph(ember.constant(data))]
    for g, w in zip(model(data), want):
        np.testing.assert_allclose(_np(g), w, rtol=1e-6)
    for name in kops.__all__:    # as if wired into keras.ops, for the config round trip
        monkeypatch.setattr(keras.ops, name, getattr(kops, name), raising=False)
    clone = keras.Model.from_config(model.get_config())
    for g, w in zip(clone(data), want):
        np.testing.assert_allclose(_np(g), w, rtol=1e-6)


def test_symbolic_select_and_vectorize():
    x = keras.Input((3,))
    y = kops.select([kops.flipud(x) > 0], [x], -1.0)   # flipud reverses the batch axis
    z = kops.vectorize(lambda v: v * 2.0)(x)
    model = keras.Model(x, [y, z])
    data = rng.normal(size=(2, 3)).astype("float32")
    got_y, got_z = model(data)
    np.testing.assert_allclose(_np(got_y), np.where(data[::-1] > 0, data, -1.0))
    np.testing.assert_allclose(_np(got_z), data * 2)


def test_symbolic_nonzero_has_unknown_length():
    x = keras.Input((3,))
    rows, cols = kops.nonzero(x)
    assert rows.shape == (None,) and cols.dtype == "int32"
    model = keras.Model(x, [rows, cols])
    got = model(np.array([[0.0, 1.0, 2.0]], "float32"))
    assert [_np(g).tolist() for g in got] == [[0, 0], [1, 2]]


# ---- errors -----------------------------------------------------------------------------
ERRORS = [
    (lambda: kops.append(X3, F, axis=0), ValueError, "keras.ops.append: .*same number"),
    (lambda: kops.append(X3, X3[:, :1, :2], axis=0), ValueError, "same shape except"),
    (lambda: kops.array_split(F, [1]), TypeError, "must be of type `int`"),
    (lambda: kops.array_split(F, 0), ValueError, "positive integer"),
    (lambda: kops.cross(np.ones(4), np.ones(4)), ValueError, "2- or 3-dimensional"),
    (lambda: kops.diagonal(F), ValueError, "at least two dimensions"),
    (lambda: kops.diagonal(X3, 0, 1, -2), ValueError, "cannot be the same"),
    (lambda: kops.trace(X3, 0, 0, 3), ValueError, "axis2=3 is out of bounds"),
    (lambda: kops.diff(F, -1), ValueError, "non-negative"),
    (lambda: kops.diff(3.0), ValueError, "at least one dimensional"),
    (lambda: kops.dsplit(X3[0], 2), ValueError, "3 or more dimensions"),
    (lambda: kops.vsplit(F, 2), ValueError, "2 or more dimensions"),
    (lambda: kops.hsplit(3.0, 1), ValueError, "1 or more dimensions"),
    (lambda: kops.hsplit(X3, 2), ValueError, "equal sections"),
    (lambda: kops.vstack([F, np.ones(2)]), ValueError, "keras.ops.vstack: .*same shape"),
    (lambda: kops.hstack([]), ValueError, "at least one"),
    (lambda: kops.fliplr(F), ValueError, "2 or more dimensions"),
    (lambda: kops.flipud(3.0), ValueError, "1 or more dimensions"),
    (lambda: kops.geomspace(0, 10, 3), ValueError, "cannot include zero"),
    (lambda: kops.logspace(0, 1, -1), ValueError, "non-negative"),
    (lambda: kops.inner(F, np.ones(4)), ValueError, "last dimensions"),
    (lambda: kops.meshgrid(F, F, indexing="xx"), ValueError, "'xy' and 'ij'"),
    (lambda: kops.moveaxis(X3, [0, 1], [1]), ValueError, "same number of elements"),
    (lambda: kops.moveaxis(X3, [0, 0], [1, 2]), ValueError, "repeated axis"),
    (lambda: kops.moveaxis(X3, 3, 0), ValueError, "source=3 is out of bounds"),
    (lambda: kops.nonzero(3.0), ValueError, "scalar"),
    (lambda: kops.rot90(F), ValueError, "at least 2 dimensions"),
    (lambda: kops.rot90(X3, axes=(1, -2)), ValueError, "Invalid axes|invalid axes"),
    (lambda: kops.select(SEL < 3, SEL), ValueError, "must be lists"),
    (lambda: kops.select([], []), ValueError, "must not be empty"),
    (lambda: kops.select([SEL < 3, SEL > 4], [SEL]), ValueError, "as long as"),
    (lambda: kops.select([SEL], [SEL]), TypeError, "boolean"),
    (lambda: kops.slogdet(np.ones((2, 3))), ValueError, "square"),
    (lambda: kops.tri(-1), ValueError, "negative dimensions"),
    (lambda: kops.unravel_index(np.array([9]), (3, 3)), ValueError, "index 9 is out of bounds"),
    (lambda: kops.unravel_index(np.array([-1]), (3, 3)), ValueError, "out of bounds"),
    (lambda: kops.unravel_index(np.array([1.0]), (3, 3)), TypeError, "integer"),
    (lambda: kops.vander(np.ones((2, 2))), ValueError, "1-dimensional"),
    (lambda: kops.vander(F, 2.0), TypeError, "`N` must be of type `int`"),
    (lambda: kops.vander(F, -1), ValueError, "nonnegative"),
    (lambda: kops.vander(F, 2, 1), TypeError, "`increasing` must be of type `bool`"),
    (lambda: kops.vdot(F, np.ones(4)), ValueError, "same number of elements"),
    (lambda: kops.vectorize(3), ValueError, "callable"),
    (lambda: kops.vectorize(lambda a: a, signature="(n)")(F), ValueError, "signature"),
    (lambda: kops.vectorize(lambda a: a, signature="(n)->()")(F), ValueError, "core shape"),
    (lambda: kops.view(I, "int64"), ValueError, "multiple of 8"),
    (lambda: kops.view(np.int32(3), "int16"), ValueError, "scalar"),
]


@pytest.mark.parametrize("call,exc,match", ERRORS, ids=[f"err{i}" for i in range(len(ERRORS))])
def test_errors_name_the_op(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
