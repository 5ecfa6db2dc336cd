"""Every layer of the Keras fixture files, compiled with ember.function, equals the eager
layer: its outputs (on the traced input and on a second, different input, which runs the
graph without tracing) and the gradients of its weights."""
from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import ember
from ember import keras

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
sys.path.insert(0, str(FIXTURES))
from keras_fixture_lib import load_cases  # noqa: E402

FILES = ["conv", "recurrent", "attention", "image"]


def _cases():
    out = []
    for stem in FILES:
        path = FIXTURES / "keras_layers" / f"{stem}.npz"
        if path.exists():
            for name, case in sorted(load_cases(path).items()):
                if "class_name" in case and not case.get("masked_inputs"):
                    out.append(pytest.param(case, id=f"{stem}:{name}"))
    return out


CASES = _cases()


def _layer(case):
    cls = getattr(keras.layers, case["class_name"])
    layer = cls.from_config(case["config"])
    _call(layer, case, _inputs(case, case["inputs"]))
    layer.set_weights(case["weights"])
    return layer


def _inputs(case, arrays):
    """(positional tensors, keyword tensors) for one call of the case's layer; keyword
    arrays (masks) are cut to the batch size of the first input."""
    tensors = [ember.constant(a) for a in arrays]
    if case.get("self_attention"):    # one tensor, passed as query, value (and key)
        tensors = tensors[:1]
    batch = arrays[0].shape[0] if arrays[0].ndim else None
    kwargs = {name: ember.constant(case["kwargs"][j][:batch])
              for j, name in enumerate(case.get("array_kwargs", []))}
    return tensors, kwargs


def _call(layer, case, inputs):
    tensors, kwargs = inputs
    if case.get("self_attention"):
        tensors = tensors * len(case["inputs"])
    kwargs = {**kwargs, **case["call_kwargs"]}
    protocol = case.get("protocol")      # the recurrent fixtures' calling conventions
    if protocol == "mask":
        return layer(tensors[0], mask=ember.cast(tensors[1], "bool"), **kwargs)
    if protocol == "initial_state":
        return layer(tensors[0], initial_state=tensors[1:], **kwargs)
    if protocol == "stateful":
        return layer(tensors[0], **kwargs)
    if case["list_input"]:
        return layer(tensors, **kwargs)
    return layer(*tensors, **kwargs)


def _other_inputs(case):
    """Different values of the same shapes and dtypes (a second call of the graph)."""
    rng = np.random.default_rng(1)
    out = []
    for a in case["inputs"]:
        if a.dtype.kind == "f":
            out.append((a * 0.5 + rng.normal(0, 0.3, a.shape)).astype(a.dtype))
        else:
            out.append(a[::-1].copy() if a.ndim and a.shape[0] > 1 else a)
    return out


def _flat(x):
    return [np.asarray(t) for t in ember.nest.flatten(x)]


def _assert_close(got, want, name):
    got, want = _flat(got), _flat(want)
    assert len(got) == len(want), name
    for g, w in zip(got, want):
        assert g.shape == w.shape, (name, g.shape, w.shape)
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-6, err_msg=name)


def _seed_states(layer):
    """The layer's non-trainable variables and every seed state of it and its
    sublayers, so a random or stateful layer can be rewound to run the same again."""
    found = list(layer.non_trainable_weights)
    found += [v for v in ember.nest.flatten(getattr(layer, "states", None) or [])
              if isinstance(v, ember.Variable)]
    for obj in [layer] + list(getattr(layer, "_flatten_layers", lambda: [])()):
        for value in vars(obj).values():
            state = getattr(value, "state", None)
            if isinstance(state, ember.Variable):
                found.append(state)
    return found


def _run_both(layer, case, fn_eager, fn_compiled, inputs):
    states = _seed_states(layer)
    saved = [s.numpy().copy() for s in states]
    want = fn_eager(inputs)
    for s, v in zip(states, saved):
        s.assign(v)
    got = fn_compiled(inputs)
    return got, want


@pytest.mark.parametrize("case", CASES)
def test_compiled_layer_equals_eager(case):
    layer = _layer(case)
    def forward(inputs):
        return _call(layer, case, inputs)

    compiled = ember.function(forward)
    for arrays in (case["inputs"], _other_inputs(case)):
        inputs = _inputs(case, arrays)
        got, want = _run_both(layer, case, forward, compiled, inputs)
        _assert_close(got, want, case["class_name"])
    assert compiled.experimental_get_tracing_count() == 1


@pytest.mark.parametrize("case", CASES)
def test_compiled_layer_gradients_equal_eager(case):
    """Gradients of the weights and of the float inputs."""
    layer = _layer(case)
    weights = layer.trainable_weights

    def grads(inputs):
        tensors = [t for t in inputs[0] + list(inputs[1].values()) if t.dtype.is_floating]
        with ember.GradientTape() as tape:
            tape.watch(tensors)
            out = _call(layer, case, inputs)
            floats = [o for o in ember.nest.flatten(out) if o.dtype.is_floating]
            if not floats:          # integer outputs (uint8 images): nothing to differentiate
                return []
            total = ember.add_n([ember.reduce_sum(ember.sin(o)) for o in floats])
        return tape.gradient(total, weights + tensors)

    compiled = ember.function(grads)
    for arrays in (case["inputs"], _other_inputs(case)):
        inputs = _inputs(case, arrays)
        got, want = _run_both(layer, case, grads, compiled, inputs)
        assert [g is None for g in got] == [w is None for w in want]
        _assert_close([g for g in got if g is not None], [w for w in want if w is not None],
                      case["class_name"])


BATCHED = [c for c in CASES if c.values[0].get("protocol") != "stateful"
           and "unbatched" not in c.id      # no batch axis: the first axis is height
           and not any(isinstance(v, list) for v in c.values[0]["call_kwargs"].values())
           and all(a.ndim and a.shape[0] > 1 for a in c.values[0]["inputs"])]


@pytest.mark.parametrize("case", BATCHED)
def test_one_graph_serves_every_batch_size(case):
    """With reduce_retracing, a second batch size gives a graph with an open batch
    dimension; every later size runs it without tracing again."""
    layer = _layer(case)

    def forward(inputs):
        return _call(layer, case, inputs)

    compiled = ember.function(forward, reduce_retracing=True)
    full = case["inputs"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")       # no fallback to one trace per size
        for arrays in (full, [a[:1] for a in full], _other_inputs(case), full):
            inputs = _inputs(case, arrays)
            got, want = _run_both(layer, case, forward, compiled, inputs)
            _assert_close(got, want, case["class_name"])
    assert compiled.experimental_get_tracing_count() == 2
