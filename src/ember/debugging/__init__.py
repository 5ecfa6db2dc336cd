"""``ember.debugging``: TensorFlow's ``tf.debugging`` checks. Value checks raise
``InvalidArgumentError`` (eagerly at once, in a traced function on every call); rank,
shape and dtype checks raise ``ValueError`` / ``TypeError`` when called.

>>> import ember
>>> x = ember.debugging.check_numerics(ember.constant([1.0, 2.0]), "inputs")
>>> ember.debugging.assert_positive(x)
"""
from .numerics import assert_all_finite, check_numerics
from .static_asserts import (assert_integer, assert_proper_iterable, assert_rank,
                             assert_rank_at_least, assert_rank_in, assert_same_float_dtype,
                             assert_scalar, assert_shapes, assert_type, is_numeric_tensor)
from .value_asserts import (Assert, assert_equal, assert_greater, assert_greater_equal,
                            assert_less, assert_less_equal, assert_near, assert_negative,
                            assert_non_negative, assert_non_positive, assert_none_equal,
                            assert_positive)

__all__ = ["Assert", "assert_all_finite", "assert_equal", "assert_greater",
           "assert_greater_equal", "assert_integer", "assert_less", "assert_less_equal",
           "assert_near", "assert_negative", "assert_non_negative", "assert_non_positive",
           "assert_none_equal", "assert_positive", "assert_proper_iterable", "assert_rank",
           "assert_rank_at_least", "assert_rank_in", "assert_same_float_dtype",
           "assert_scalar", "assert_shapes", "assert_type", "check_numerics",
           "is_numeric_tensor"]
