"""keras.ops bitwise ops: values vs NumPy, Keras's result dtypes, symbolic use, errors."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ember import keras
from ember.keras.ops import numpy_bitwise as kops

rng = np.random.default_rng(0)
X = rng.integers(-100, 100, size=(3, 4)).astype("int32")
Y = rng.integers(-100, 100, size=(3, 4)).astype("int32")
SH = rng.integers(0, 8, size=(3, 4)).astype("int32")
U8 = rng.integers(0, 255, size=(4,)).astype("uint8")
BOOL = X > 0

VALUES = [  # (id, keras call, numpy reference)
    ("and", lambda: kops.bitwise_and(X, Y), lambda: X & Y),
    ("or", lambda: kops.bitwise_or(X, Y), lambda: X | Y),
    ("xor", lambda: kops.bitwise_xor(X, Y), lambda: X ^ Y),
    ("and_scalar", lambda: kops.bitwise_and(X, 6), lambda: X & np.int32(6)),
    ("and_bcast_uint8", lambda: kops.bitwise_and(U8, np.uint8(15)), lambda: U8 & np.uint8(15)),
    ("and_bool", lambda: kops.bitwise_and(BOOL, ~BOOL), lambda: BOOL & ~BOOL),
    ("or_bool", lambda: kops.bitwise_or(BOOL, Y > 0), lambda: BOOL | (Y > 0)),
    ("invert", lambda: kops.bitwise_invert(X), lambda: ~X),
    ("invert_uint8", lambda: kops.bitwise_invert(U8), lambda: ~U8),
    ("invert_bool", lambda: kops.bitwise_invert(BOOL), lambda: ~BOOL),
    ("not", lambda: kops.bitwise_not(X), lambda: ~X),
    ("left_shift", lambda: kops.bitwise_left_shift(X, SH), lambda: X << SH),
    ("right_shift", lambda: kops.bitwise_right_shift(X, SH), lambda: X >> SH),
    ("left_shift_int", lambda: kops.left_shift(U8, 1), lambda: U8 << np.uint8(1)),
    ("right_shift_int", lambda: kops.right_shift(U8, 3), lambda: U8 >> np.uint8(3)),
    ("left_shift_alias", lambda: kops.left_shift(X, SH), lambda: X << SH),
    ("right_shift_alias", lambda: kops.right_shift(X, SH), lambda: X >> SH),
]


@pytest.mark.parametrize("call,ref", [c[1:] for c in VALUES], ids=[c[0] for c in VALUES])
def test_values_match_numpy(call, ref):
    got, want = call().numpy(), np.asarray(ref())
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


def _input(d):
    return {"pyint": 3, "pybool": True}.get(d) if d.startswith("py") else np.ones(3, d)


DTYPES = [  # (op, input dtypes, result dtype), as Keras 3 gives them
    ("bitwise_and", ("int8", "uint8"), "int16"), ("bitwise_and", ("int8", "int8"), "int8"),
    ("bitwise_or", ("int16", "pyint"), "int32"), ("bitwise_xor", ("uint8", "pyint"), "int32"),
    ("bitwise_xor", ("bool", "pyint"), "int32"), ("bitwise_and", ("int64", "int64"), "int64"),
    ("bitwise_and", ("uint16", "uint32"), "uint32"), ("bitwise_and", ("bool", "bool"), "bool"),
    ("bitwise_left_shift", ("int8", "uint8"), "int16"),
    ("bitwise_left_shift", ("int16", "pyint"), "int16"),
    ("bitwise_left_shift", ("uint8", "pyint"), "uint8"),
    ("bitwise_right_shift", ("pyint", "int8"), "int32"),
    ("left_shift", ("int64", "int64"), "int64"), ("right_shift", ("uint8", "pyint"), "uint8"),
    ("bitwise_invert", ("int8",), "int8"), ("bitwise_not", ("uint32",), "uint32"),
]


@pytest.mark.parametrize("name,ins,want", DTYPES,
                         ids=[f"{n}-{'-'.join(i)}" for n, i, _ in DTYPES])
def test_result_dtypes_follow_keras(name, ins, want):
    assert getattr(kops, name)(*[_input(d) for d in ins]).dtype.name == want


@settings(max_examples=20, deadline=None)
@given(dtype=st.sampled_from(["int8", "uint8", "int16", "int32", "uint32", "int64"]),
       shape_a=st.sampled_from([(), (3,), (2, 3), (2, 1)]),
       shape_b=st.sampled_from([(), (3,), (1, 3)]), seed=st.integers(0, 2 ** 16))
def test_broadcasting_like_numpy(dtype, shape_a, shape_b, seed):
    r = np.random.default_rng(seed)
    info = np.iinfo(dtype)
    a = r.integers(max(info.min, -1000), min(info.max, 1000), size=shape_a).astype(dtype)
    b = r.integers(0, 5, size=shape_b).astype(dtype)
    for name, ref in (("bitwise_and", np.bitwise_and), ("bitwise_or", np.bitwise_or),
                      ("bitwise_xor", np.bitwise_xor), ("left_shift", np.left_shift),
                      ("right_shift", np.right_shift)):
        got = getattr(kops, name)(a, b).numpy()
        np.testing.assert_array_equal(got, ref(a, b), err_msg=name)
        assert got.dtype == np.dtype(dtype) and got.shape == np.broadcast_shapes(shape_a,
                                                                                 shape_b)


def test_functional_model_matches_eager():
    x, y = keras.Input((4,), dtype="int32"), keras.Input((4,), dtype="int32")
    out = kops.bitwise_xor(kops.left_shift(x, 2), kops.bitwise_and(y, 7))
    out = kops.bitwise_invert(kops.right_shift(out, kops.bitwise_and(y, 3)))
    assert tuple(out.shape) == (None, 4) and out.dtype == "int32"
    model = keras.Model([x, y], out)
    a, b = X[:, :4], np.abs(Y[:, :4])
    want = ~(((a << 2) ^ (b & 7)) >> (b & 3))
    np.testing.assert_array_equal(model([a, b]).numpy(), want)


def test_clear_errors():
    with pytest.raises(TypeError, match="keras.ops.bitwise_and: expects integer .*float32"):
        kops.bitwise_and(np.ones(2, "float32"), 1)
    with pytest.raises(TypeError, match="keras.ops.bitwise_xor: expects integer"):
        kops.bitwise_xor(X, 1.5)
    with pytest.raises(TypeError, match="keras.ops.bitwise_invert: expects integer"):
        kops.bitwise_invert([1.0, 2.0])
    with pytest.raises(TypeError, match="keras.ops.left_shift: expects integer"):
        kops.left_shift(np.ones(2, "float32"), 1)
    with pytest.raises(TypeError, match="keras.ops.bitwise_right_shift: expects integer"):
        kops.bitwise_right_shift(X, np.ones(4, "float16"))
