"""ember.config and small top-level helpers, as TF 2.21 answers them."""
import numpy as np
import pytest

import ember


def test_logical_devices_mirror_the_physical_ones():
    assert ember.config.list_logical_devices("CPU") == [
        ember.config.LogicalDevice("/device:CPU:0", "CPU")]
    assert [d.device_type for d in ember.config.list_logical_devices()] == [
        d.device_type for d in ember.config.list_physical_devices()]


def test_get_static_value_knows_constants_only():
    assert ember.get_static_value(ember.constant([1, 2])).tolist() == [1, 2]
    assert ember.get_static_value(3) == 3
    assert ember.get_static_value(ember.Variable(2.0)) is None     # as TF
    seen = []

    @ember.function
    def f(x):
        seen.append((ember.get_static_value(x), ember.get_static_value(ember.constant(1.0))))
        return x

    f(ember.constant(5.0))
    assert seen[0][0] is None and seen[0][1] == np.float32(1.0)


def test_lrn_is_local_response_normalization():
    x = ember.reshape(ember.range(8, dtype=ember.float32), [1, 1, 2, 4])
    np.testing.assert_array_equal(ember.nn.lrn(x, depth_radius=1).numpy(),
                                  ember.nn.local_response_normalization(x, 1).numpy())


def test_threading_counts():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    try:
        ember.config.threading.set_intra_op_parallelism_threads(1)
        assert ember.config.threading.get_intra_op_parallelism_threads() == 1
        blas = [i for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
        assert all(i["num_threads"] == 1 for i in blas)
    finally:
        ember.config.threading.set_intra_op_parallelism_threads(0)
    assert ember.config.threading.get_intra_op_parallelism_threads() == 0
    ember.config.threading.set_inter_op_parallelism_threads(3)
    assert ember.config.threading.get_inter_op_parallelism_threads() == 3
    ember.config.threading.set_inter_op_parallelism_threads(0)
    with pytest.raises(ValueError, match="must be >= 0"):
        ember.config.threading.set_intra_op_parallelism_threads(-1)


def test_experimental_start_up_calls():
    cpu = ember.config.list_physical_devices("CPU")[0]
    with pytest.raises(ValueError, match="Cannot set memory growth on non-GPU"):
        ember.config.experimental.set_memory_growth(cpu, True)
    with pytest.raises(KeyError):
        ember.config.experimental.get_memory_growth(cpu)
    gpu = ember.config.PhysicalDevice("/physical_device:GPU:0", "GPU")
    ember.config.experimental.set_memory_growth(gpu, True)
    assert ember.config.experimental.get_memory_growth(gpu) is True
    ember.config.experimental.enable_op_determinism()
    assert ember.config.experimental.list_physical_devices("CPU") == [cpu]
    assert ember.config.get_soft_device_placement() is True
    ember.config.set_soft_device_placement(False)
    assert ember.config.get_soft_device_placement() is False
    ember.config.set_soft_device_placement(True)
