"""The attention layers against real Keras 3 (fixtures recorded by
tests/fixtures/make_attention_fixtures.py): rebuilt from Keras's config, given Keras's
weights, Keras's inputs (with their Keras masks) and call arguments, Ember's outputs and
output masks match Keras's to 1e-5."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import ember
from ember import keras

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "fixtures"))
from keras_fixture_lib import HERE, keras_version, load_cases

PATH = HERE / "attention.npz"
CASES = load_cases(PATH)


def _inputs(case: dict):
    arrays = case["inputs"]
    if case.get("self_attention"):
        tensors = [ember.constant(arrays[0])] * len(arrays)
    else:
        tensors = [ember.constant(a) for a in arrays]
    for j, i in enumerate(case.get("masked_inputs", [])):
        tensors[i]._keras_mask = ember.constant(case["masks"][j])
    kwargs = {name: ember.constant(case["kwargs"][j])
              for j, name in enumerate(case.get("array_kwargs", []))}
    return tensors, kwargs


def _call(layer, case: dict):
    tensors, kwargs = _inputs(case)
    kwargs.update(case["call_kwargs"])
    if case["list_input"]:
        return layer(tensors, **kwargs)
    return layer(*tensors, **kwargs)


def run_case(case: dict, atol: float = 1e-5, rtol: float = 1e-5) -> None:
    cls = getattr(keras.layers, case["class_name"])
    layer = cls.from_config(case["config"])
    _call(layer, case)
    layer.set_weights(case["weights"])
    result = _call(layer, case)
    outs = list(result) if case["list_output"] else [result]
    assert len(outs) == len(case["outputs"])
    for got, want in zip(outs, case["outputs"]):
        got = np.asarray(got)
        assert got.shape == want.shape, (case["class_name"], got.shape, want.shape)
        np.testing.assert_allclose(got, want, atol=atol, rtol=rtol)
    for j, i in enumerate(case.get("masked_outputs", [])):
        if i > 0:   # Keras's scores carry its internal Softmax sublayer's mask; Ember's don't
            continue
        mask = getattr(outs[i], "_keras_mask", None)
        assert mask is not None, f"output {i} has no Keras mask"
        np.testing.assert_array_equal(np.asarray(mask), case["outmasks"][j])


def test_fixture_is_from_keras_3():
    assert keras_version(PATH).startswith("3.")


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_keras(name):
    run_case(CASES[name])


@pytest.mark.parametrize("name", sorted(CASES))
def test_config_round_trip_matches_keras(name):
    case = CASES[name]
    cls = getattr(keras.layers, case["class_name"])
    layer = cls.from_config(case["config"])
    _call(layer, case)
    config = layer.get_config()
    want = dict(case["config"])
    # JSON turns tuples into lists
    assert {k: (list(v) if isinstance(v, tuple) else v) for k, v in config.items()} == want


@pytest.mark.parametrize("name", sorted(n for n in CASES if CASES[n].get("build_config")))
def test_build_config_matches_keras(name):
    case = CASES[name]
    cls = getattr(keras.layers, case["class_name"])
    layer = cls.from_config(case["config"])
    layer.build_from_config(case["build_config"])
    assert layer.built
    assert [tuple(w.shape) for w in layer.weights] == [w.shape for w in case["weights"]]
