"""One graph for every size of the ``None`` dimensions of an input signature.

The function is traced twice (dry runs, nothing on disk or in variables changes) with
the unknown dimensions set to two different small primes. The two graphs must have the same
structure; every number that differs between them (a reshape target, a mean's divisor,
a value's shape) must be explained by one formula in the unknown sizes, the same for
both traces: ``c * n``, ``c * n * m``, ``c * n**2``, or the reciprocal of such a
product. The result is a template graph; a call with new sizes evaluates the formulas
into a concrete graph, optimizes it and caches its plan (no Python body runs).

If the traces differ in structure (a Python branch on a size) or a number fits no
formula (``n - 1``, a ceiling division), there is no single graph: ``unify`` says why
and the caller traces once per size instead.
"""
from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from .ir import Graph, Node

# small primes: the dry traces cost little time and memory (the i-th open dimension is
# traced at _FIRST[i], _SECOND[i] and, when needed, _THIRD[i])
_FIRST = (5, 13, 23, 37, 47)
_SECOND = (7, 17, 29, 41, 53)
_THIRD = (11, 19, 31, 43, 59)


class NotPolymorphic(Exception):
    """The two traces cannot be one graph (the message says where they differ)."""


class Formula:
    """A value of a template graph computed from the sizes: ``formula(sizes)``."""

    __slots__ = ()

    def __call__(self, sizes: tuple) -> Any:
        raise NotImplementedError


class SizeFormula(Formula):
    """``coef * prod(size[i] ** exps[i]) + offset``, or the reciprocal of the product
    (plus ``offset``), as an int or a float. A formula with an offset has two free
    numbers, so two traces always fit it: it must be ``checked`` by a third."""

    __slots__ = ("alternatives", "as_int", "coef", "exps", "offset", "reciprocal", "shift")

    def __init__(self, coef: float, exps: tuple, reciprocal: bool, as_int: bool,
                 offset: float = 0.0):
        self.coef, self.exps, self.reciprocal, self.as_int = coef, exps, reciprocal, as_int
        self.offset = offset
        self.shift = 0                    # reciprocal of (n + shift), one size only
        self.alternatives: list = []      # other fits of the same two traces

    def adopt(self, other: SizeFormula) -> None:
        """Become ``other`` (the alternative a third trace confirmed)."""
        self.coef, self.exps, self.reciprocal = other.coef, other.exps, other.reciprocal
        self.offset, self.shift, self.alternatives = other.offset, other.shift, []

    def __call__(self, sizes: tuple) -> Any:
        prod = 1
        for s, e in zip(sizes, self.exps):
            prod *= s ** e
        prod += self.shift
        value = 1.0 / (self.coef * prod) if self.reciprocal and not self.offset else \
            self.coef * (1.0 / prod if self.reciprocal else prod)
        value += self.offset
        return int(round(value)) if self.as_int else value

    def __repr__(self) -> str:
        dims = "*".join(f"n{i}" + (f"**{e}" if e > 1 else "")
                        for i, e in enumerate(self.exps) if e)
        body = f"{self.coef:g}*{dims}"
        return f"1/({body})" if self.reciprocal else body


def trace_sizes(n_symbols: int, taken: set) -> tuple[tuple, tuple, tuple]:
    """Three different prime sizes per unknown dimension, avoiding the known sizes (two
    to fit formulas, a third to check those two traces cannot confirm)."""
    picks = []
    for primes in (_FIRST, _SECOND, _THIRD):
        free = [p for p in primes if p not in taken]
        if len(free) < n_symbols:
            raise NotPolymorphic(f"too many unknown dimensions ({n_symbols})")
        picks.append(tuple(free[:n_symbols]))
    return picks[0], picks[1], picks[2]


def _fit(v1: float, v2: float, p: tuple, q: tuple, as_int: bool) -> SizeFormula | None:
    for exps in itertools.product((0, 1, 2), repeat=len(p)):
        if not any(exps):
            continue
        pp = float(np.prod([a ** e for a, e in zip(p, exps)]))
        qq = float(np.prod([a ** e for a, e in zip(q, exps)]))
        for reciprocal in (False, True):
            a, b = (1.0 / v1, 1.0 / v2) if reciprocal else (v1, v2)
            if reciprocal and (v1 == 0 or v2 == 0):
                continue
            c1, c2 = a / pp, b / qq
            if np.isclose(c1, c2, rtol=1e-6, atol=0.0):
                if as_int and not reciprocal and abs(c1 - round(c1)) > 1e-9:
                    continue
                return SizeFormula(round(c1) if as_int and not reciprocal else c1, exps,
                                   reciprocal, as_int)
    if len(p) == 1 and not as_int:        # a + b * n or a + b / n (e.g. (n - 1) / n)
        options = []      # a + b*n, a + b/n, a + b/(n-1) (Bessel's n/(n-1)), a + b/(n+1)
        for reciprocal, shift in ((False, 0), (True, 0), (True, -1), (True, 1)):
            x1, x2 = ((1.0 / (p[0] + shift), 1.0 / (q[0] + shift)) if reciprocal
                      else (p[0], q[0]))
            b = (v1 - v2) / (x1 - x2)
            f = SizeFormula(b, (1,), reciprocal, as_int, offset=v1 - b * x1)
            f.shift = shift
            options.append(f)
        options[0].alternatives = options
        return options[0]
    return None


def needs_check(template: Graph) -> bool:
    """Whether a formula of ``template`` has an offset (two traces cannot confirm it)."""
    found = []

    def walk(v):
        if isinstance(v, SizeFormula):
            found.append(v.offset != 0.0)
        elif isinstance(v, _ArrayFormula):
            for i in v.items:
                walk(i)
        elif isinstance(v, (tuple, list)):
            for x in v:
                walk(x)
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
    for n in template.nodes:
        walk(n.params)
    return any(found)


def check(template: Graph, graph: Graph, sizes: tuple) -> None:
    """Raise NotPolymorphic unless ``template`` at ``sizes`` reproduces ``graph`` (a
    third trace at those sizes); a formula with alternatives keeps the one that does."""
    if len(template.nodes) != len(graph.nodes):
        raise NotPolymorphic("a third trace recorded another graph")
    for a, b in zip(template.nodes, graph.nodes):
        _choose(a.params, b.params, sizes)
    made = specialize(template, sizes)
    if len(made.nodes) != len(graph.nodes):
        raise NotPolymorphic("a third trace recorded another graph")
    for k, (a, b) in enumerate(zip(made.nodes, graph.nodes)):
        if not _close(a.params, b.params):
            raise NotPolymorphic(f"node {k} ({a.name}): a third trace does not fit the "
                                 "formulas of the first two")


def _choose(t: Any, v: Any, sizes: tuple) -> None:
    """Settle each formula in ``t`` that has alternatives on the one giving ``v``."""
    if isinstance(t, SizeFormula) and t.alternatives:
        for option in t.alternatives:
            if _close(option(sizes), v):
                t.adopt(option)
                return
    elif isinstance(t, (tuple, list)) and isinstance(v, (tuple, list)):
        for x, y in zip(t, v):
            _choose(x, y, sizes)
    elif isinstance(t, dict) and isinstance(v, dict):
        for k in t.keys() & v.keys():
            _choose(t[k], v[k], sizes)
    elif isinstance(t, _ArrayFormula) and isinstance(v, np.ndarray):
        for x, y in zip(t.items, v.ravel().tolist()):
            _choose(x, y, sizes)


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-6, atol=0.0,
                                                       equal_nan=True))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and \
            not isinstance(a, bool):
        return bool(np.isclose(a, b, rtol=1e-6, atol=0.0))
    try:
        same = a == b
        return bool(same) if isinstance(same, (bool, np.bool_)) else a is b
    except Exception:  # noqa: BLE001
        return a is b


def _unify_value(a: Any, b: Any, p: tuple, q: tuple, where: str) -> Any:
    """``a`` if it equals ``b``; a SizeFormula for numbers that scale with the sizes;
    the same structure with such leaves for tuples, lists and dicts."""
    ta = type(a)
    if ta is not type(b):
        raise NotPolymorphic(f"{where}: {a!r} vs {b!r}")
    if ta in (tuple, list):
        if len(a) != len(b):
            raise NotPolymorphic(f"{where}: {a!r} vs {b!r}")
        return ta(_unify_value(x, y, p, q, where) for x, y in zip(a, b))
    if ta is dict:
        if a.keys() != b.keys():
            raise NotPolymorphic(f"{where}: keys differ")
        return {k: _unify_value(a[k], b[k], p, q, f"{where}.{k}") for k in a}
    if isinstance(a, np.ndarray):
        if a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b,
                                                                          equal_nan=True):
            return a
        if (a.shape == b.shape and a.dtype == b.dtype and a.dtype.kind in "iuf"
                and a.size <= 64):     # a shape vector (ember.shape) or a scalar
            as_int = a.dtype.kind in "iu"
            items = [x if x == y else _fit(float(x), float(y), p, q, as_int)
                     for x, y in zip(a.ravel().tolist(), b.ravel().tolist())]
            if all(i is not None for i in items):
                return _ArrayFormula(items, a.dtype, a.shape)
        if (a.ndim == b.ndim and a.dtype == b.dtype and a.size and b.size
                and a.ravel()[0] == b.ravel()[0] and np.all(a == a.ravel()[0])
                and np.all(b == b.ravel()[0])):      # e.g. zeros(shape of the input)
            shape = _unify_value(tuple(a.shape), tuple(b.shape), p, q, where)
            return _FillFormula(a.ravel()[0], a.dtype, shape)
        progression = _progression(a, b)
        if progression is not None:                 # e.g. range(batch) * row_stride
            shape = _unify_value(tuple(a.shape), tuple(b.shape), p, q, where)
            return _RangeFormula(*progression, a.dtype, shape)
        raise NotPolymorphic(f"{where}: array values depend on the sizes")
    if isinstance(a, (bool, np.bool_)) or a is None or isinstance(a, (str, bytes)):
        if a != b:
            raise NotPolymorphic(f"{where}: {a!r} vs {b!r}")
        return a
    if isinstance(a, (int, float, np.integer, np.floating)):
        if a == b:
            return a
        f = _fit(float(a), float(b), p, q, isinstance(a, (int, np.integer)))
        if f is None:
            raise NotPolymorphic(f"{where}: {a!r} (sizes {p}) vs {b!r} (sizes {q}) fit no "
                                 "formula of the sizes")
        return f
    try:
        same = a == b
        if isinstance(same, bool) and same:
            return a
    except Exception:  # noqa: BLE001 - objects that cannot be compared are not equal
        pass
    if a is b:
        return a
    raise NotPolymorphic(f"{where}: {a!r} vs {b!r}")


class _ArrayFormula(Formula):
    """A small array constant whose elements are numbers or SizeFormulas of the sizes."""

    __slots__ = ("dtype", "items", "shape")

    def __init__(self, items: list, dtype: Any, shape: tuple):
        self.items, self.dtype, self.shape = items, dtype, shape

    def __call__(self, sizes: tuple) -> np.ndarray:
        values = [i(sizes) if isinstance(i, SizeFormula) else i for i in self.items]
        return np.asarray(values, dtype=self.dtype).reshape(self.shape)


class _FillFormula(Formula):
    """An array of one repeated value whose shape depends on the sizes."""

    __slots__ = ("dtype", "shape", "value")

    def __init__(self, value: Any, dtype: Any, shape: tuple):
        self.value, self.dtype, self.shape = value, dtype, shape

    def __call__(self, sizes: tuple) -> np.ndarray:
        return np.full(_evaluate(self.shape, sizes), self.value, dtype=self.dtype)


def _progression(a: np.ndarray, b: np.ndarray) -> tuple | None:
    """(start, step) when both arrays, flattened, are the same arithmetic progression
    (of different lengths), else None."""
    if a.ndim != b.ndim or a.dtype != b.dtype or a.dtype.kind not in "iuf" or \
            a.size < 2 or b.size < 2:
        return None
    fa, fb = a.ravel(), b.ravel()
    start, step = fa[0], fa[1] - fa[0]
    if fb[0] != start or fb[1] - fb[0] != step:
        return None
    for arr in (fa, fb):
        if not np.array_equal(arr, start + step * np.arange(arr.size, dtype=arr.dtype)):
            return None
    return start, step


class _RangeFormula(Formula):
    """``start + step * arange(n)`` in a shape that depends on the sizes."""

    __slots__ = ("dtype", "shape", "start", "step")

    def __init__(self, start: Any, step: Any, dtype: Any, shape: tuple):
        self.start, self.step, self.dtype, self.shape = start, step, dtype, shape

    def __call__(self, sizes: tuple) -> np.ndarray:
        shape = _evaluate(self.shape, sizes)
        n = int(np.prod(shape))
        return (self.start + self.step * np.arange(n, dtype=self.dtype)).reshape(shape)


def _same_callable(a: Any, b: Any) -> bool:
    if a is b:
        return True
    code_a, code_b = getattr(a, "__code__", None), getattr(b, "__code__", None)
    return code_a is not None and code_a is code_b


def unify(g1: Graph, g2: Graph, p: tuple, q: tuple) -> Graph:
    """A template graph: ``g1`` with every size-dependent number replaced by its formula
    (raises NotPolymorphic when ``g1`` and ``g2`` are not the same graph)."""
    if len(g1.nodes) != len(g2.nodes) or len(g1.shapes) != len(g2.shapes):
        raise NotPolymorphic(f"the traces recorded {len(g1.nodes)} and {len(g2.nodes)} "
                             "nodes (Python code that depends on a size)")
    if g1.inputs != g2.inputs or g1.dtypes != g2.dtypes:
        raise NotPolymorphic("inputs or dtypes differ")
    out = Graph(g1.name)
    out.inputs, out.input_names, out.dtypes = list(g1.inputs), list(g1.input_names), \
        list(g1.dtypes)
    out.outputs = _unify_value(list(g1.outputs), list(g2.outputs), p, q, "outputs")
    out.shapes = [_unify_value(a, b, p, q, f"shape of %{i}")
                  for i, (a, b) in enumerate(zip(g1.shapes, g2.shapes))]
    for k, (n1, n2) in enumerate(zip(g1.nodes, g2.nodes)):
        where = f"node {k} ({n1.name})"
        if (n1.kind != n2.kind or n1.inputs != n2.inputs or n1.outputs != n2.outputs
                or not _same_callable(n1.op, n2.op)):
            raise NotPolymorphic(f"{where} differs between the traces")
        params = _unify_value(n1.params, n2.params, p, q, where)
        meta = _unify_value(n1.meta, n2.meta, p, q, where)
        out.nodes.append(Node(n1.kind, n1.op, n1.inputs, n1.outputs, params, meta))
    return out


def _evaluate(value: Any, sizes: tuple) -> Any:
    if isinstance(value, Formula):
        return value(sizes)
    t = type(value)
    if t in (tuple, list):
        return t(_evaluate(v, sizes) for v in value)
    if t is dict:
        return {k: _evaluate(v, sizes) for k, v in value.items()}
    return value


def specialize(template: Graph, sizes: tuple) -> Graph:
    """The concrete graph of ``template`` for these sizes of the unknown dimensions."""
    g = Graph(template.name)
    g.inputs, g.input_names, g.dtypes = list(template.inputs), list(
        template.input_names), list(template.dtypes)
    g.shapes = [tuple(_evaluate(s, sizes)) for s in template.shapes]
    g.outputs = _evaluate(template.outputs, sizes)
    for n in template.nodes:
        g.nodes.append(Node(n.kind, n.op, n.inputs, n.outputs, _evaluate(n.params, sizes),
                            dict(_evaluate(n.meta, sizes))))
    return g


def printable(template: Graph, sizes: tuple) -> Graph:
    """``specialize`` for display: dimensions that depend on the sizes show as ``?``."""
    g = specialize(template, sizes)
    g.shapes = [tuple(None if isinstance(d, SizeFormula) else d for d in s)
                for s in template.shapes]
    return g


def resize(array: np.ndarray, axes: dict[int, int]) -> np.ndarray:
    """``array`` with each axis in ``axes`` cycled or cut to the given length (example
    data of another size for a dry trace)."""
    out = array
    for axis, size in axes.items():
        n = out.shape[axis]
        index = np.arange(size) % max(n, 1)
        out = np.take(out, index, axis=axis) if n else np.zeros(
            out.shape[:axis] + (size,) + out.shape[axis + 1:], out.dtype)
    return out
