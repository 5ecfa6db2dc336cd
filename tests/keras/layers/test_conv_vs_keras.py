"""Convolution and pooling layers against real Keras 3 (fixtures from make_conv_fixtures.py).

Ember rebuilds each layer from Keras's own config, loads Keras's weights, and must give
Keras's outputs; weight names and shapes must match too.
"""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "fixtures"))
from keras_fixture_lib import HERE, check_case, keras_version, load_cases

from ember import keras

FIXTURE = HERE / "conv.npz"
CASES = load_cases(FIXTURE)

EXPECTED_WEIGHT_NAMES = {
    "SeparableConv1D": ["depthwise_kernel", "pointwise_kernel", "bias"],
    "SeparableConv2D": ["depthwise_kernel", "pointwise_kernel", "bias"],
}


def test_fixture_is_from_keras_3():
    assert keras_version(FIXTURE).startswith("3.")


def test_every_layer_class_is_covered():
    covered = {case["class_name"] for case in CASES.values()}
    wanted = {f"{kind}{n}D" for kind in ("Conv", "MaxPooling", "AveragePooling",
                                          "GlobalMaxPooling", "GlobalAveragePooling")
              for n in (1, 2, 3)}
    wanted |= {f"Conv{n}DTranspose" for n in (1, 2, 3)}
    wanted |= {f"{kind}{n}D" for kind in ("DepthwiseConv", "SeparableConv") for n in (1, 2)}
    assert wanted <= covered, sorted(wanted - covered)


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_keras(name):
    case = CASES[name]
    check_case(case)


@pytest.mark.parametrize("name", sorted(CASES))
def test_config_and_weight_layout(name):
    """Same config back out (as JSON would store it), same weight shapes and names."""
    case = CASES[name]
    cls = getattr(keras.layers, case["class_name"])
    layer = cls.from_config(case["config"])
    inputs = case["inputs"][0]
    layer(inputs, **case["call_kwargs"])
    assert [tuple(w.shape) for w in layer.weights] == [w.shape for w in case["weights"]]
    if case["weights"]:
        names = [w.name for w in layer.weights]
        default = ["kernel", "bias"][:len(names)]
        assert names == EXPECTED_WEIGHT_NAMES.get(case["class_name"], default)[:len(names)]
    got = _jsonish(layer.get_config())
    want = dict(case["config"])
    assert got == want


def _jsonish(value):
    if isinstance(value, dict):
        return {k: _jsonish(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonish(v) for v in value]
    return value

