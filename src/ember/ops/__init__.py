"""Every primitive op, grouped by family (elementwise, reduction, shape, indexing, ...)."""
from . import operators as _operators

_operators.install()
