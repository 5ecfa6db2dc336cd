"""Recurrent layers against real Keras: each recorded case is rebuilt in Ember from
Keras's own config, given Keras's weights, and run with the same inputs, masks, initial
states or stateful call sequence (tests/fixtures/make_recurrent_fixtures.py)."""
from __future__ import annotations

import os
import sys

import numpy as np
import pytest

import ember
from ember import keras

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "fixtures"))
from keras_fixture_lib import HERE, keras_version, load_cases

PATH = HERE / "recurrent.npz"
CASES = load_cases(PATH)


def _flatten(x):
    if isinstance(x, (list, tuple)):
        return [y for item in x for y in _flatten(item)]
    return [x]


def _run(layer, arrays, protocol, kwargs):
    x = arrays[0]
    if protocol == "plain":
        return [layer(x, **kwargs)]
    if protocol == "mask":
        return [layer(x, mask=ember.constant(arrays[1]), **kwargs)]
    if protocol == "initial_state":
        return [layer(x, initial_state=[ember.constant(a) for a in arrays[1:]], **kwargs)]
    if protocol == "stateful":
        first = layer(x, **kwargs)
        second = layer(arrays[1], **kwargs)
        layer.reset_states()
        return [first, second, layer(arrays[1], **kwargs)]
    raise ValueError(protocol)


def test_fixture_file_records_keras_3():
    assert keras_version(PATH).startswith("3.")
    assert len(CASES) >= 50


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_keras(name):
    case = CASES[name]
    cls = getattr(keras.layers, case["class_name"])
    layer = cls.from_config(case["config"])
    _run(layer, case["inputs"], case["protocol"], case["call_kwargs"])   # builds
    layer.set_weights(case["weights"])
    if getattr(layer, "stateful", False):
        layer.reset_states()
    outs = _flatten(_run(layer, case["inputs"], case["protocol"], case["call_kwargs"]))
    assert len(outs) == len(case["outputs"]), name
    for got, want in zip(outs, case["outputs"]):
        got = np.asarray(got)
        assert got.shape == want.shape, f"{name}: {got.shape} != {want.shape}"
        np.testing.assert_allclose(got, want, atol=1e-5, rtol=1e-5, err_msg=name)


@pytest.mark.parametrize("name", sorted(CASES))
def test_config_equals_keras(name):
    """Ember writes the config Keras wrote (so files move both ways)."""
    case = CASES[name]
    layer = getattr(keras.layers, case["class_name"]).from_config(case["config"])
    assert _jsonish(layer.get_config()) == _jsonish(case["config"])


@pytest.mark.parametrize("name", sorted(CASES))
def test_weight_names_and_shapes(name):
    case = CASES[name]
    layer = getattr(keras.layers, case["class_name"]).from_config(case["config"])
    _run(layer, case["inputs"], case["protocol"], case["call_kwargs"])
    assert [tuple(w.shape) for w in layer.weights] == [w.shape for w in case["weights"]]
    names = [w.name for w in layer.weights]
    if "lstm" in name or "gru" in name or "simple_rnn" in name:
        assert names[:2] == ["kernel", "recurrent_kernel"]


def _jsonish(x):
    """Tuples as lists (JSON has no tuples); build configs dropped."""
    if isinstance(x, dict):
        return {k: _jsonish(v) for k, v in x.items() if k != "build_config"}
    if isinstance(x, (list, tuple)):
        return [_jsonish(v) for v in x]
    return x
