"""ember.config and small top-level helpers, as TF 2.21 answers them."""
import numpy as np

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
