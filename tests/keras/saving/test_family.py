"""ObjectFamily, and each Keras family's get / serialize / deserialize built on it."""
import pytest

from ember.keras import (
    activations,
    constraints,
    initializers,
    losses,
    metrics,
    optimizers,
    regularizers,
)
from ember.keras.optimizers import schedules
from ember.keras.saving import custom_object_scope, register_keras_serializable
from ember.keras.saving.family import ObjectFamily, object_name


@register_keras_serializable(package="FamilyTest")
def doubled(x):
    return x * 2


@register_keras_serializable(package="FamilyTest")
class Scaled:
    def __init__(self, factor=3.0):
        self.factor = factor

    def __call__(self, x):
        return x * self.factor

    def get_config(self):
        return {"factor": self.factor}


def test_family_rules():
    family = ObjectFamily({"Scaled": Scaled}, aliases={"scaled": Scaled},
                          invalid="bad: {!r}", unknown=lambda name: f"unknown {name}")
    assert isinstance(family.get("scaled"), Scaled)          # names give instances
    assert family.get(Scaled).__class__ is Scaled            # classes too, by default
    assert family.get(doubled) is doubled                    # callables pass through
    assert family.get(None) is None
    assert family.get("FamilyTest>doubled") is doubled       # registered names
    with pytest.raises(ValueError, match="^unknown nope$"):
        family.get("nope")
    with pytest.raises(ValueError, match=r"^bad: 3$"):
        family.get(3)
    assert family.deserialize(family.serialize(Scaled(2.0))).factor == 2.0


def test_family_options():
    family = ObjectFamily({"scaled": Scaled}, case_insensitive=True, registered=False,
                          instantiates=(), accepts=lambda obj: isinstance(obj, Scaled))
    assert isinstance(family.get("SCALED"), Scaled)
    assert family.deserialize({"class_name": "SCALED", "config": {"factor": 5.0}}).factor == 5.0
    with pytest.raises(ValueError, match="Could not interpret identifier"):
        family.get("FamilyTest>doubled")
    with pytest.raises(ValueError):
        family.get(Scaled)       # not instantiated, and a class is not accepted


def test_object_name():
    assert object_name(losses.mean_squared_error) == "mean_squared_error"
    assert object_name(metrics.Mean(name="m")) == "m"
    assert object_name(Scaled()) == "scaled"


def test_activations():
    assert activations.get(None) is activations.linear
    assert activations.get("swish") is activations.silu
    assert activations.get("FamilyTest>doubled") is doubled
    assert activations.get(doubled) is doubled
    assert activations.get(Scaled) is Scaled                  # classes pass through
    assert activations.serialize(activations.silu) == "silu"
    # Keras 3.15 writes a custom function's envelope (and cannot read the bare name)
    assert activations.serialize(doubled) == {"module": "builtins", "class_name": "function",
                                              "config": "FamilyTest>doubled",
                                              "registered_name": "function"}
    assert activations.get(activations.serialize(doubled)) is doubled
    assert activations.deserialize("relu") is activations.relu
    assert activations.deserialize("mine", custom_objects={"mine": doubled}) is doubled
    assert activations.get({"module": "keras.activations", "class_name": "function",
                            "config": "gelu", "registered_name": None}) is activations.gelu
    with pytest.raises(ValueError, match=r"activation function identifier: 'nope'; known "
                                         r"names are \['celu', 'elu'"):
        activations.get("nope")
    with pytest.raises(ValueError, match=r"^Could not interpret activation function "
                                         r"identifier: 3$"):
        activations.get(3)


def test_initializers():
    assert type(initializers.get("glorot_uniform")) is initializers.GlorotUniform
    assert type(initializers.get("IdentityInitializer")) is initializers.Identity
    assert type(initializers.get(initializers.Zeros)) is initializers.Zeros
    inst = initializers.Ones()
    assert initializers.get(inst) is inst
    assert isinstance(initializers.get("FamilyTest>Scaled"), Scaled)
    envelope = initializers.serialize(initializers.RandomNormal(stddev=2.0, seed=1))
    assert initializers.get(envelope).stddev == 2.0
    assert initializers.deserialize(envelope).get_config() == envelope["config"]
    with pytest.raises(ValueError, match=r"^Could not interpret initializer identifier: "
                                         r"'nope'$"):
        initializers.get("nope")
    with pytest.raises(ValueError, match="Unknown object: 'glorot_uniform'"):
        initializers.deserialize("glorot_uniform")   # aliases are get's alone


@pytest.mark.parametrize("module,name,cls,kind", [
    (regularizers, "l1_l2", regularizers.L1L2, "regularizer"),
    (constraints, "non_neg", constraints.NonNeg, "constraint"),
])
def test_regularizers_and_constraints(module, name, cls, kind):
    assert type(module.get(name)) is cls
    assert type(module.get(cls.__name__)) is cls
    assert type(module.get(cls)) is cls                        # a class is instantiated
    assert type(module.get(module.serialize(cls()))) is cls
    with pytest.raises(ValueError, match=f"^Could not interpret {kind} identifier: "
                                         "'FamilyTest>Scaled'$"):
        module.get("FamilyTest>Scaled")                        # no registered names
    with pytest.raises(ValueError, match=f"^Could not interpret {kind} identifier: 3$"):
        module.get(3)


@pytest.mark.parametrize("module,kind", [(losses, "loss"), (metrics, "metric")])
def test_losses_and_metrics(module, kind):
    assert isinstance(module.get("MeanSquaredError"), module.MeanSquaredError)
    assert isinstance(module.get(module.MeanSquaredError), module.MeanSquaredError)
    assert module.get("FamilyTest>doubled") is doubled
    assert isinstance(module.get("FamilyTest>Scaled"), Scaled)
    with pytest.raises(ValueError, match=f"^Could not interpret {kind} identifier: nope$"):
        module.get("nope")
    with pytest.raises(ValueError, match=f"{kind} function: 'nope'"):
        module.deserialize("nope")


def test_losses_snake_case_names_give_functions():
    assert losses.get("mse") is losses.mean_squared_error
    assert losses.get("kullback_leibler_divergence") is losses.kl_divergence
    assert metrics.mse is losses.mse is losses.mean_squared_error
    assert type(metrics.get("mse")) is metrics.MeanSquaredError


def test_optimizers():
    assert type(optimizers.get("RMSPROP")) is optimizers.RMSprop
    assert type(optimizers.get({"class_name": "SGD", "config": {}})) is optimizers.SGD
    assert type(optimizers.deserialize({"class_name": "ADAM", "config": {}})) is \
        optimizers.Adam
    with custom_object_scope({"Adam": Scaled}):
        assert type(optimizers.get("Adam")) is optimizers.Adam
    with pytest.raises(ValueError, match="'nope'; known optimizers: adadelta, adafactor"):
        optimizers.get("nope")
    with pytest.raises(ValueError, match="^Could not interpret optimizer identifier: "):
        optimizers.get(optimizers.Adam)                          # a class is refused
    with pytest.raises(ValueError, match="^Could not interpret optimizer identifier: "
                                         "FamilyTest>doubled$"):
        optimizers.get("FamilyTest>doubled")


def test_schedules():
    schedule = schedules.ExponentialDecay(0.1, 10, 0.5)
    again = schedules.deserialize(schedules.serialize(schedule))
    assert type(again) is schedules.ExponentialDecay
    assert again.get_config() == schedule.get_config()
    with pytest.raises(ValueError, match="Unknown decay: 'nope'"):
        schedules.deserialize("nope")
