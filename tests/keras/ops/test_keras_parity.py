"""keras.ops results (values and dtypes) that real Keras 3.15 (TensorFlow backend) gives,
found by running the same calls in both; expected values are NumPy references or the
dtypes Keras returned."""
import ml_dtypes
import numpy as np
import pytest

from ember import keras

ops = keras.ops
BF16 = ml_dtypes.bfloat16


def _arr(dtype):
    if dtype == "bool":
        return np.array([True, False, True])
    return np.array([1, 2, 3]).astype(BF16 if dtype == "bfloat16" else dtype)


# ---- binary promotion: Keras's lattice, Python int/float weak, lists strong ------------
@pytest.mark.parametrize("a, b, expected", [
    ("int8", "float16", "float16"),
    ("uint32", "float16", "float16"),
    ("int64", "float16", "float16"),
    ("int16", "bfloat16", "bfloat16"),
    ("float16", "bfloat16", "float32"),
    ("int32", "float32", "float32"),
    ("uint8", "int8", "int16"),
    ("bool", "float16", "float16"),
])
@pytest.mark.parametrize("op", ["add", "subtract", "multiply", "maximum", "power", "matmul"])
def test_binary_ops_promote_as_keras(op, a, b, expected):
    fn = getattr(ops, op)
    assert fn(_arr(a), _arr(b)).dtype.name == expected
    assert fn(_arr(b), _arr(a)).dtype.name == expected


@pytest.mark.parametrize("a, b, expected", [
    ("int8", "float16", "float16"), ("int32", "int32", "float32"),
    ("bfloat16", "int32", "bfloat16"), ("int64", "int64", "float32"),
])
def test_divide_dtype(a, b, expected):
    assert ops.divide(_arr(a), _arr(b)).dtype.name == expected


def test_bool_tensor_with_python_int_is_int32_not_bool():
    x = np.array([True, False, True])
    out = ops.add(x, 2)
    assert out.dtype.name == "int32" and out.numpy().tolist() == [3, 2, 3]
    assert ops.multiply(x, 2).numpy().tolist() == [2, 0, 2]
    assert ops.subtract(x, 2).numpy().tolist() == [-1, -2, -1]
    np.testing.assert_allclose(ops.divide(x, 2).numpy(), [0.5, 0.0, 0.5])
    assert ops.equal(x, 2).numpy().tolist() == [False, False, False]
    assert ops.greater(2, x).numpy().tolist() == [True, True, True]
    assert ops.where([True, False, True], x, 2).numpy().tolist() == [1, 2, 1]


def test_python_scalars_are_weak_but_lists_are_not():
    i8 = _arr("int8")
    assert ops.add(i8, 3).dtype.name == "int8"
    assert ops.add(i8, [1, 2, 3]).dtype.name == "int32"
    assert ops.add(i8, 2.5).dtype.name == "float32"
    f16 = _arr("float16")
    assert ops.multiply(f16, 0.5).dtype.name == "float16"
    assert ops.multiply(f16, [1.0, 2.0, 3.0]).dtype.name == "float32"
    assert ops.where([True, False, True], [1, 2, 3], i8).dtype.name == "int32"


# ---- products ---------------------------------------------------------------------------
def test_matmul_int8_matrices_give_int32_and_bool_stays_bool():
    a = np.full((2, 3), 100, "int8")
    out = ops.matmul(a, a.T)
    assert out.dtype.name == "int32" and out.numpy().tolist() == [[30000, 30000]] * 2
    assert ops.matmul(_arr("int8"), _arr("int8")).dtype.name == "int8"  # 1-D: no widening
    b = ops.matmul(np.array([[True, False]]), np.array([[False], [False]]))
    assert b.dtype.name == "bool" and b.numpy().tolist() == [[False]]
    b = ops.matmul(np.array([[True, True]]), np.array([[True], [False]]))
    assert b.numpy().tolist() == [[True]]


def test_dot_and_tensordot_convert_scalars_and_lists_strongly():
    assert ops.dot(_arr("int8"), 2).dtype.name == "int32"
    assert ops.dot(_arr("float16"), 2.5).dtype.name == "float32"
    assert ops.dot(_arr("uint8"), [1, 2, 3]).dtype.name == "int32"
    assert ops.tensordot(_arr("int8"), [1, 2, 3], axes=1).dtype.name == "int32"


def test_einsum_dtypes():
    i8 = np.ones((2, 3), "int8")
    assert ops.einsum("ij,jk->ik", i8, i8.T).dtype.name == "int32"
    assert ops.einsum("ii", np.ones((3, 3), "int8")).dtype.name == "int32"
    out = ops.einsum("ij,jk->ik", np.ones((2, 3), "int32"), np.ones((3, 2), "float32"))
    assert out.dtype.name == "float32" and out.numpy().tolist() == [[3.0, 3.0]] * 2
    assert ops.einsum("ij,jk->ik", i8, np.ones((3, 2), "float16")).dtype.name == "float16"


def test_bfloat16_einsum_and_tensordot():
    b = np.array([1.0, 2.0, 3.0], BF16)
    for out in (ops.einsum("i,i->", b, b), ops.tensordot(b, b, axes=1), ops.dot(b, b)):
        assert out.dtype.name == "bfloat16" and float(out) == 14.0


# ---- reductions and elementwise ---------------------------------------------------------
@pytest.mark.parametrize("dtype, expected", [
    ("uint8", "uint32"), ("uint16", "uint32"), ("int8", "int32"), ("bool", "int32"),
    ("uint32", "uint32"), ("int64", "int64"), ("float16", "float16"),
])
def test_sum_and_prod_accumulators(dtype, expected):
    x = np.array([[200, 100], [1, 1]]).astype(dtype) if dtype != "bool" else \
        np.array([[True, True], [False, True]])
    assert ops.sum(x).dtype.name == expected
    assert ops.prod(x, axis=0).dtype.name == expected
    if dtype == "uint8":
        assert int(ops.sum(x)) == 302 and ops.prod(x, axis=0).numpy().tolist() == [200, 100]


def test_square_of_bool_is_int32():
    out = ops.square(np.array([True, False]))
    assert out.dtype.name == "int32" and out.numpy().tolist() == [1, 0]


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int32", "int64"])
def test_relu_and_relu6_keep_integer_dtypes(dtype):
    x = np.array([0, 3, 9]).astype(dtype)
    assert ops.relu(x).dtype.name == dtype and ops.relu(x).numpy().tolist() == [0, 3, 9]
    assert ops.relu6(x).dtype.name == dtype and ops.relu6(x).numpy().tolist() == [0, 3, 6]
    assert ops.relu(np.array([-2, 1])).numpy().tolist() == [0, 1]
    assert ops.relu(np.array([True])).dtype.name == "float32"


def test_round_integers_to_negative_decimals():
    out = ops.round(np.array([1234, 1250, -1350, 1351]), decimals=-2)
    assert out.dtype.name == "int64" and out.numpy().tolist() == [1200, 1200, -1400, 1400]
    assert ops.round(np.array([14, 15, 25], "int8"), decimals=-1).numpy().tolist() == [10, 20, 20]
    assert ops.round(np.array([14, 15], "int32"), decimals=2).numpy().tolist() == [14, 15]


def test_concatenate_and_stack_promote_as_keras():
    i, f = np.ones(3, "int32"), np.ones(3, "float32")
    assert ops.concatenate([i, f]).dtype.name == "float32"
    assert ops.stack([i, f]).dtype.name == "float32"
    assert ops.concatenate([np.ones(2, "uint8"), np.ones(2, "int8")]).dtype.name == "int16"
    assert ops.stack([np.ones(2, "int8"), np.ones(2, "float16")]).dtype.name == "float16"


# ---- creation -----------------------------------------------------------------------------
def test_arange_dtypes():
    assert ops.arange(5).dtype.name == "int32"
    assert ops.arange(5.0).dtype.name == "float32"
    assert ops.arange(np.int64(5)).dtype.name == "int64"
    assert ops.arange(np.float64(2)).dtype.name == "float64"
    out = ops.arange(ops.convert_to_tensor(4))
    assert out.dtype.name == "int32" and out.numpy().tolist() == [0, 1, 2, 3]
    assert ops.arange(1, ops.convert_to_tensor(7), 2).numpy().tolist() == [1, 3, 5]
    assert ops.arange(True, 3).numpy().tolist() == [1, 2]
    assert ops.arange(0, 1, 0.25, dtype="float16").dtype.name == "float16"
    with pytest.raises(ValueError, match="arange"):
        ops.arange(0, 3, 0)


def test_linspace_dtypes_and_retstep():
    assert ops.linspace(0, 10, 5).dtype.name == "float32"
    assert ops.linspace(np.float64(0), 1, 3).dtype.name == "float64"
    out = ops.linspace(np.array([0.0, 1.0]), np.array([1.0, 3.0]), 3, axis=1)
    assert out.dtype.name == "float64"
    np.testing.assert_allclose(out.numpy(), [[0, 0.5, 1], [1, 2, 3]])
    values, step = ops.linspace(0, 1, 5, endpoint=False, retstep=True)
    assert step.dtype.name == "float32" and float(step) == pytest.approx(0.2)
    np.testing.assert_allclose(values.numpy(), [0, 0.2, 0.4, 0.6, 0.8], rtol=1e-6)
    assert np.isnan(float(ops.linspace(2, 3, 1, retstep=True)[1]))
    assert ops.linspace(0, 10, 5, dtype="int32").numpy().tolist() == [0, 2, 5, 7, 10]
    with pytest.raises(ValueError, match="linspace"):
        ops.linspace(0, 1, -1)


def test_full_defaults_to_floatx():
    out = ops.full((2, 3), 7)
    assert out.dtype.name == "float32" and out.numpy().tolist() == [[7.0] * 3] * 2
    assert ops.full((2, 3), np.array([1, 2, 3])).dtype.name == "float32"
    assert ops.full((2,), 7, dtype="int32").dtype.name == "int32"
    assert ops.eye(2, dtype="bfloat16").dtype.name == "bfloat16"


# ---- loops: loop variables become tensors -------------------------------------------------
def test_loops_return_tensors_of_keras_dtypes():
    out = ops.while_loop(lambda i: i < 5, lambda i: i + 2, 0)
    assert ops.is_tensor(out) and out.dtype.name == "int32" and int(out) == 6
    i, s = ops.while_loop(lambda i, s: i < 3, lambda i, s: (i + 1, s * 2.0), (0, 1.0))
    assert i.dtype.name == "int32" and s.dtype.name == "float32" and float(s) == 8.0
    out = ops.fori_loop(0, 5, lambda i, s: s + i, 0)
    assert out.dtype.name == "int32" and int(out) == 10
    carry, ys = ops.scan(lambda c, x: (c + 1.0, c), 0.0, None, length=3)
    assert carry.dtype.name == "float32" and ys.numpy().tolist() == [0.0, 1.0, 2.0]
    assert ops.while_loop(lambda d: d["n"] < 2, lambda d: {"n": d["n"] + 1},
                          {"n": 0})["n"].dtype.name == "int32"


# ---- bfloat16 stays bfloat16 ---------------------------------------------------------------
def _bf16(*shape):
    return (np.arange(int(np.prod(shape))).reshape(shape) % 5 * 0.25 - 0.5).astype(BF16)


def test_bfloat16_activations_keep_their_dtype():
    x = _bf16(2, 3)
    for fn in (ops.leaky_relu, ops.selu):
        assert fn(x).dtype.name == "bfloat16"
    np.testing.assert_allclose(ops.leaky_relu(x, 0.5).numpy().astype("float32"),
                               np.where(x > 0, x, 0.5 * x.astype("float32")))


def test_bfloat16_products_and_convolutions():
    x = _bf16(3, 4)
    ref = x.astype("float32")
    for out, expected in ((ops.inner(x, x), ref @ ref.T), (ops.vdot(x, x), (ref * ref).sum()),
                          (ops.tensordot(x, x, 2), (ref * ref).sum())):
        assert out.dtype.name == "bfloat16"
        np.testing.assert_allclose(out.numpy().astype("float32"), expected, rtol=1e-2)
    img, k = _bf16(1, 5, 5, 2), _bf16(3, 3, 2, 2)
    out = ops.conv(img, k)
    assert out.dtype.name == "bfloat16" and out.shape == (1, 3, 3, 2)
    ref = ops.conv(img.astype("float32"), k.astype("float32")).numpy()
    np.testing.assert_allclose(out.numpy().astype("float32"), ref, rtol=1e-2, atol=1e-2)
    assert ops.depthwise_conv(img, _bf16(3, 3, 2, 1)).dtype.name == "bfloat16"
    assert ops.separable_conv(img, _bf16(3, 3, 2, 1), _bf16(1, 1, 2, 3)).dtype.name == "bfloat16"
    assert ops.conv_transpose(img, _bf16(3, 3, 3, 2), strides=2).dtype.name == "bfloat16"
    assert ops.conv(img.astype("float32"), k.astype("float32")).dtype.name == "float32"


def test_bfloat16_dot_product_attention():
    q = _bf16(1, 3, 2, 4)
    out = ops.dot_product_attention(q, q, q, is_causal=True)
    assert out.dtype.name == "bfloat16" and out.shape == (1, 3, 2, 4)
    ref = ops.dot_product_attention(*(q.astype("float32"),) * 3, is_causal=True).numpy()
    np.testing.assert_allclose(out.numpy().astype("float32"), ref, rtol=2e-2, atol=2e-2)


# ---- dtype arguments as Keras reads them ---------------------------------------------------
def test_python_types_as_dtype_arguments():
    x = np.array([1.5, 2.0])
    assert ops.cast(x, float).dtype.name == "float32"
    assert ops.cast(x, int).dtype.name == "int64"
    assert ops.cast(x, "int").dtype.name == "int64"
    assert ops.cast(x, bool).dtype.name == "bool"
    assert ops.zeros((2,), dtype=float).dtype.name == "float32"
    assert ops.ones_like(x, dtype=float).dtype.name == "float32"
    assert ops.arange(3, dtype=float).dtype.name == "float32"
    assert ops.linspace(0, 1, 3, dtype=float).dtype.name == "float32"
    assert ops.convert_to_tensor([1, 2], dtype=float).dtype.name == "float32"
    assert ops.cumsum(np.array([1, 2]), dtype=float).dtype.name == "float32"
    assert ops.eye(2, dtype=int).dtype.name == "int64"


def test_creation_defaults_follow_floatx():
    previous = keras.config.floatx()
    keras.config.set_floatx("float64")
    try:
        for out in (ops.zeros((2,)), ops.ones((2,)), ops.eye(2), ops.full((2,), 1)):
            assert out.dtype.name == "float64"
    finally:
        keras.config.set_floatx(previous)
    assert ops.zeros((2,)).dtype.name == "float32"


def test_convert_to_tensor_accepts_keras_sparse_and_ragged_flags():
    assert ops.convert_to_tensor([1, 2], sparse=False, ragged=False).numpy().tolist() == [1, 2]
    with pytest.raises(ValueError, match="ragged"):
        ops.convert_to_tensor([1, 2], ragged=True)
