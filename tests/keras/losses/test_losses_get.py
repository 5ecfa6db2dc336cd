"""keras.losses.get / serialize / deserialize / get_for_output."""
import json

import numpy as np
import pytest

from ember.keras import losses
from ember.keras.saving import register_keras_serializable


@pytest.mark.parametrize("name,fn", [
    ("mse", losses.mean_squared_error), ("MSE", losses.mean_squared_error),
    ("mean_squared_error", losses.mean_squared_error), ("mae", losses.mean_absolute_error),
    ("mape", losses.mean_absolute_percentage_error),
    ("msle", losses.mean_squared_logarithmic_error), ("kld", losses.kl_divergence),
    ("kl_divergence", losses.kl_divergence), ("logcosh", losses.log_cosh),
    ("log_cosh", losses.log_cosh), ("huber", losses.huber), ("bce", losses.binary_crossentropy),
    ("binary_crossentropy", losses.binary_crossentropy),
    ("categorical_crossentropy", losses.categorical_crossentropy),
    ("sparse_categorical_crossentropy", losses.sparse_categorical_crossentropy),
    ("hinge", losses.hinge), ("poisson", losses.poisson),
    ("cosine_similarity", losses.cosine_similarity),
])
def test_get_snake_case_names_give_functions(name, fn):
    assert losses.get(name) is fn


def test_function_aliases():
    assert losses.mse is losses.MSE is losses.mean_squared_error
    assert losses.mae is losses.mean_absolute_error
    assert losses.kld is losses.kullback_leibler_divergence is losses.kl_divergence
    assert losses.logcosh is losses.log_cosh
    assert losses.mape is losses.mean_absolute_percentage_error
    assert losses.msle is losses.mean_squared_logarithmic_error


@pytest.mark.parametrize("name", ["MeanSquaredError", "BinaryCrossentropy", "Huber",
                                  "SparseCategoricalCrossentropy", "CategoricalFocalCrossentropy",
                                  "KLDivergence", "CosineSimilarity", "Dice"])
def test_get_class_names_give_instances(name):
    obj = losses.get(name)
    assert isinstance(obj, losses.Loss) and type(obj).__name__ == name


def test_get_other_identifiers():
    assert losses.get(None) is None
    inst = losses.Huber(delta=2.0)
    assert losses.get(inst) is inst

    def custom(y_true, y_pred):
        return y_pred
    assert losses.get(custom) is custom
    from_cfg = losses.get({"module": "keras.losses", "class_name": "Huber",
                           "config": {"delta": 2.0, "name": "h", "reduction": "sum"},
                           "registered_name": None})
    assert isinstance(from_cfg, losses.Huber) and from_cfg.name == "h"
    with pytest.raises(ValueError, match="Could not interpret loss identifier"):
        losses.get("not_a_loss")
    with pytest.raises(ValueError):
        losses.get(3)


@pytest.mark.parametrize("loss", [
    losses.MeanSquaredError(), losses.Huber(delta=0.5, reduction="sum", name="hub"),
    losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1),
    losses.SparseCategoricalCrossentropy(ignore_class=0),
    losses.BinaryFocalCrossentropy(apply_class_balancing=True, gamma=3.0),
    losses.CosineSimilarity(axis=0), losses.Tversky(alpha=0.2, beta=0.8),
])
def test_serialize_round_trip_classes(loss):
    cfg = losses.serialize(loss)
    assert cfg["module"] == "keras.losses"
    assert cfg["class_name"] == type(loss).__name__
    assert cfg["registered_name"] is None
    cfg = json.loads(json.dumps(cfg))
    back = losses.deserialize(cfg)
    assert type(back) is type(loss) and back.get_config() == loss.get_config()


def test_serialize_round_trip_functions():
    cfg = losses.serialize(losses.mean_squared_error)
    # Keras 3 writes every built-in function this way (and reads nothing else for them)
    assert cfg == {"module": "builtins", "class_name": "function",
                   "config": "mean_squared_error", "registered_name": "function"}
    assert losses.deserialize(cfg) is losses.mean_squared_error
    assert losses.deserialize("mse") is losses.mean_squared_error
    assert losses.deserialize("categorical_crossentropy") is losses.categorical_crossentropy


def test_custom_loss_round_trip():
    @register_keras_serializable(package="test_get")
    class Scaled(losses.Loss):
        def __init__(self, scale=1.0, **kwargs):
            super().__init__(**kwargs)
            self.scale = scale

        def call(self, y_true, y_pred):
            return self.scale * losses.mean_squared_error(y_true, y_pred)

        def get_config(self):
            return {**super().get_config(), "scale": self.scale}

    cfg = losses.serialize(Scaled(scale=3.0))
    assert cfg["registered_name"] == "test_get>Scaled"
    back = losses.deserialize(cfg)
    assert isinstance(back, Scaled) and back.scale == 3.0
    back2 = losses.deserialize(dict(cfg, registered_name=None, module="custom"),
                               custom_objects={"Scaled": Scaled})
    assert back2.scale == 3.0


@pytest.mark.parametrize("y_true_shape,y_pred_shape,expected", [
    ((8, 1), (8, 1), "binary_crossentropy"),
    ((8,), (8, 5), "sparse_categorical_crossentropy"),
    ((8, 1), (8, 5), "sparse_categorical_crossentropy"),
    ((8, 5), (8, 5), "categorical_crossentropy"),
])
def test_get_for_output_crossentropy(y_true_shape, y_pred_shape, expected):
    loss = losses.get_for_output("crossentropy", np.zeros(y_true_shape), np.zeros(y_pred_shape))
    assert isinstance(loss, losses.LossFunctionWrapper)
    assert loss.fn is getattr(losses, expected) and loss.name == "crossentropy"
    assert losses.get_for_output("CE", np.zeros(y_true_shape),
                                 np.zeros(y_pred_shape)).fn is getattr(losses, expected)


def test_get_for_output_wraps_functions_and_keeps_instances():
    wrapped = losses.get_for_output("mse")
    assert isinstance(wrapped, losses.LossFunctionWrapper) and wrapped.name == "mse"
    assert float(wrapped([[1.0]], [[3.0]])) == 4.0
    inst = losses.Huber()
    assert losses.get_for_output(inst) is inst

    def my_loss(y_true, y_pred):
        return losses.mean_absolute_error(y_true, y_pred)
    assert losses.get_for_output(my_loss).name == "my_loss"
    assert losses.get_for_output(None) is None
