"""Every public name in ember's namespaces resolves, and the examples' entry points run."""
import importlib

import pytest

import ember
from ember import _names
from ember.ops.image.names import IMAGE_NAMESPACE
from ember.ops.signal.names import SIGNAL_NAMESPACE

NAMESPACES = {
    "ember": _names.TOP,
    "ember.math": _names.MATH_NAMESPACE,
    "ember.nn": _names.NN_NAMESPACE,
    "ember.linalg": _names.LINALG_NAMESPACE,
    "ember.random": _names.RANDOM_NAMESPACE,
    "ember.raw_ops": _names.RAW_OPS_NAMESPACE,
    "ember.signal": SIGNAL_NAMESPACE,
    "ember.image": IMAGE_NAMESPACE,
}


@pytest.mark.parametrize("namespace", sorted(NAMESPACES))
def test_every_listed_name_resolves(namespace):
    module = importlib.import_module(namespace)
    missing = [name for name in NAMESPACES[namespace] if not hasattr(module, name)]
    assert not missing, f"{namespace} lists names that do not exist: {missing}"


def test_tf2_everyday_program_runs_unchanged():
    tf = ember
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    w = tf.Variable(tf.random.normal((2, 1), seed=1))
    with tf.GradientTape() as tape:
        y = tf.reduce_mean(tf.square(tf.matmul(x, w) - 1.0))
    g = tape.gradient(y, w)
    assert g.shape == (2, 1)
    assert tf.nn.softmax(x).shape == (2, 2)
    assert tf.math.reduce_logsumexp(x, axis=1).shape == (2,)
    assert tf.linalg.inv(tf.eye(2)).shape == (2, 2)
    assert tf.concat([x, x], axis=0).shape == (4, 2)
