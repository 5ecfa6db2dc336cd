import pytest

from ember.ops import kernels


@pytest.fixture
def jit_switch():
    """``kernels.set_enabled`` for the test; the kernels are switched back on after it."""
    yield kernels.set_enabled
    kernels.set_enabled(True)
