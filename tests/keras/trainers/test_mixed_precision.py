"""keras.mixed_precision and compile's auto_scale_loss (Keras 3: a model whose dtype policy
is "mixed_float16" gets its optimizer wrapped in a LossScaleOptimizer)."""
import numpy as np
import pytest

from ember import keras


@pytest.fixture(autouse=True)
def _reset_policy():
    yield
    keras.mixed_precision.set_global_policy(None)


class _Net(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(2, dtype=kwargs.get("dtype"))

    def call(self, x):
        return self.dense(x)


def test_namespace():
    mp = keras.mixed_precision
    assert mp.Policy is mp.DTypePolicy is keras.DTypePolicy
    assert mp.LossScaleOptimizer is keras.optimizers.LossScaleOptimizer
    assert mp.set_global_policy is mp.set_dtype_policy
    assert mp.global_policy is mp.dtype_policy
    assert mp.global_policy() == mp.Policy("float32")
    mp.set_global_policy("mixed_float16")
    policy = mp.global_policy()
    assert (policy.name, policy.compute_dtype, policy.variable_dtype) == \
        ("mixed_float16", "float16", "float32")
    mp.set_global_policy(mp.Policy("mixed_bfloat16"))
    assert mp.global_policy().name == "mixed_bfloat16"
    with pytest.raises(ValueError, match="Invalid `policy`"):
        mp.set_global_policy(16)


@pytest.mark.parametrize("dtype,kwargs,wrapped", [
    ("mixed_float16", {}, True),
    ("mixed_float16", {"auto_scale_loss": False}, False),
    ("mixed_bfloat16", {}, False),
    ("float16", {}, False),
    (None, {}, False),
])
def test_compile_wraps_the_optimizer_only_for_mixed_float16(dtype, kwargs, wrapped):
    model = _Net(dtype=dtype)
    model.compile(keras.optimizers.SGD(0.1), "mse", **kwargs)
    assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer) == wrapped
    if wrapped:
        assert model.optimizer.name == "loss_scale_optimizer"
        assert isinstance(model.optimizer.inner_optimizer, keras.optimizers.SGD)
    # the compile config holds the optimizer compile was given, as Keras writes it
    assert model.get_compile_config()["optimizer"]["class_name"] == "SGD"


def test_mixed_float16_model_trains_with_loss_scaling():
    model = _Net(dtype="mixed_float16")
    model.compile(keras.optimizers.SGD(0.1), "mse")
    x = np.ones((8, 3), "float32")
    y = np.zeros((8, 2), "float32")
    with np.errstate(over="ignore"):
        model.fit(x, y, epochs=3, batch_size=4, verbose=0)
    paths = [v.path for v in model.optimizer.variables]
    assert "loss_scale_optimizer/dynamic_scale" in paths
    assert float(model.optimizer.dynamic_scale) <= 2.0 ** 15
    # a second compile wraps once, and an explicit LossScaleOptimizer is kept as given
    explicit = keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(), name="mine")
    model.compile(explicit, "mse")
    assert model.optimizer is explicit
    assert model.get_compile_config()["optimizer"]["class_name"] == "LossScaleOptimizer"


def test_global_policy_reaches_new_layers_and_compile():
    keras.config.set_dtype_policy("mixed_float16")
    assert keras.mixed_precision.global_policy().name == "mixed_float16"
    dense = keras.layers.Dense(2)
    out = dense(np.ones((3, 4), np.float32))
    assert dense.dtype_policy.name == "mixed_float16"
    assert dense.kernel.dtype.name == "float32" and out.dtype.name == "float16"
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    assert isinstance(model.optimizer, keras.mixed_precision.LossScaleOptimizer)
    model.fit(np.ones((8, 4), np.float32), np.ones((8, 1), np.float32), verbose=0)
    keras.config.set_dtype_policy(None)
    assert keras.layers.Dense(2).dtype_policy.name == "float32"
    with pytest.raises(ValueError, match="Invalid `policy`"):
        keras.config.set_dtype_policy(3)
