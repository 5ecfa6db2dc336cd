"""The Transformer sequence example learns its marker-order task (>= 0.97 test accuracy)."""
import contextlib
import importlib.util
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "keras_transformer_sequence.py"


def _load():
    spec = importlib.util.spec_from_file_location("keras_transformer_sequence", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _one_blas_thread():
    """The model's matrices are tiny: on a busy 2-core machine multi-threaded BLAS calls
    wait on descheduled threads (10x slower steps), so the test runs BLAS on one thread."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def test_transformer_sequence_example_reaches_stated_accuracy():
    with _one_blas_thread():
        assert _load().main(epochs=8, verbose=0) >= 0.97


def test_transformer_sequence_data_is_balanced_and_well_formed():
    example = _load()
    x, y = example.make_data(500, seed=3)
    assert x.shape == (500, example.SEQ_LEN)
    assert ((x == example.MARKER_A).sum(1) == 1).all()
    assert ((x == example.MARKER_B).sum(1) == 1).all()
    assert 0.4 < y.mean() < 0.6
