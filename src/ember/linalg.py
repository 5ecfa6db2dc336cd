"""`ember.linalg`: TensorFlow's `tf.linalg` namespace. Names load on first use."""
from ._lazy import lazy_namespace as _lazy_namespace
from ._lazy import names as _names
from ._names import LINALG_NAMESPACE as _SHARED

_TABLE = {**_SHARED, **_names(
    "ember.ops.linalg_solvers", "lstsq", "cholesky_solve", "lu", "lu_solve", "lu_reconstruct",
    "lu_matrix_inverse", "matrix_rank", "eigvals", "normalize", "expm", "tridiagonal_matmul",
    "tridiagonal_solve")}

__getattr__, __dir__ = _lazy_namespace(__name__, _TABLE, globals())
