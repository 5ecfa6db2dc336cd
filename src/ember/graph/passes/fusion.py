"""Elementwise fusion: a chain of elementwise float ops becomes one ``fused`` node.

``tanh(x * 2 + 1) * x`` run op by op allocates four arrays of ``x``'s size (one per
op) and reads and writes memory four times. Fused, the first op allocates one buffer and
every later op writes into it (``ufunc(buf, side, out=buf)``): one allocation instead of
four, and intermediates never exist. The values are those of the ops one by one: the
same NumPy ufuncs, called in the same order on the same dtypes.

A chain is a run of ops from ``KERNELS`` (add, subtract, multiply, divide, maximum,
minimum, pow, negative, abs, exp, log, tanh, sqrt, square, sigmoid, relu, ...) that
follow each other in the dataflow, where every intermediate value

- is read by exactly one node, the next op of the chain, and is not a graph output;
- has the shape and the float dtype of the chain's final result;

and no side effect (``assign``, ``update``, ``call``, ``host``) lies between two of its
ops. Other inputs ("side inputs": constants, weak Python scalars, other values) may be
anything that broadcasts. An op is only fused when all its array inputs are floats (an
integer input would make the forward convert it first) and it has no ``cast_to``.

The fused node takes the place of the chain's last op; the other ops go. Its
``meta["program"]`` lists ``(primitive, params, args)`` per op (``args``: ``("b",)``
the chain value, ``("v", id)`` a graph value, ``("c", value)`` a constant),
``meta["names"]`` their names for printing, ``meta["nodes"]`` the original nodes.
The step is generated Python code, one line per ufunc call. If a side input's shape
turns out to broadcast the buffer larger at run time (shapes can differ from the
trace's under a relaxed ``input_signature``), NumPy refuses ``out=`` before writing
anything and the step finishes the chain op by op with the primitives' forwards.

>>> import ember
>>> f = ember.function(lambda x: ember.tanh(x * 2.0 + 1.0) * x)
>>> g = f.get_concrete_function(ember.TensorSpec([4, 3])).graph
>>> print(g)  # doctest: +ELLIPSIS
graph <lambda>(x: float32[4,3]) -> float32[4,3]
  %0 = input x : float32[4,3]
  %1 = const 2.0 : weak float[]
  %3 = const 1.0 : weak float[]
  %6 = fused[multiply, add, tanh, multiply](%0, %1, %3) : float32[4,3]
  # optimized: fused: 4...
"""
from __future__ import annotations

import contextlib
import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ...ops.long_rows import MIN_SIZE as _LONG_ROWS_MIN
from ...ops.long_rows import long_rows
from .. import plan as _plan
from ..ir import Graph, Node
from .kernel_steps import kernel_step
from .simplify import dynamic_values

# a micro-op: (ufunc name, args, target, quiet overflow); args are op input indices,
# "R" (the op's result so far), another name (a temporary: "T", "M") or ("lit", value);
# the target is "R" or a temporary ("copyto" has none: it writes its first argument)
_R, _T, _M = "R", "T", "M"


def _ufunc(name: str, arity: int) -> Callable:
    args = tuple(range(arity))
    return lambda params: [(name, args, _R, False)]


def _leaky(params: dict) -> list:
    alpha = params.get("alpha", 0.2)
    return [("multiply", (0, ("lit", alpha)), _T, False),
            ("maximum" if alpha <= 1 else "minimum", (0, _T), _R, False)]


@functools.cache
def kernels() -> dict:
    """Primitive -> (number of inputs, micro-ops(params)): exactly what its forward
    does on float arrays, as a sequence of ufunc calls."""
    from ...ops import activations as act
    from ...ops import elementwise as ew
    table = {}
    for name, ufunc in (("add", "add"), ("subtract", "subtract"),
                        ("multiply", "multiply"), ("divide", "true_divide"),
                        ("maximum", "maximum"), ("minimum", "minimum"), ("pow", "power"),
                        ("atan2", "arctan2")):
        table[getattr(ew, name).primitive] = (2, _ufunc(ufunc, 2))
    for name, ufunc in (("negative", "negative"), ("abs", "absolute"), ("sign", "sign"),
                        ("exp", "exp"), ("expm1", "expm1"), ("log", "log"),
                        ("log1p", "log1p"), ("sqrt", "sqrt"), ("square", "square"),
                        ("reciprocal", "reciprocal"), ("sin", "sin"), ("cos", "cos"),
                        ("tan", "tan"), ("asin", "arcsin"), ("acos", "arccos"),
                        ("atan", "arctan"), ("sinh", "sinh"), ("cosh", "cosh"),
                        ("tanh", "tanh"), ("asinh", "arcsinh"), ("acosh", "arccosh"),
                        ("atanh", "arctanh"), ("floor", "floor"), ("ceil", "ceil")):
        table[getattr(ew, name).primitive] = (1, _ufunc(ufunc, 1))
    table[ew.rsqrt.primitive] = (1, lambda p: [("sqrt", (0,), _R, False),
                                               ("reciprocal", (_R,), _R, False)])
    table[act._relu.primitive] = (1, lambda p: [("maximum", (0, ("lit", 0)), _R, False)])
    table[act._relu6.primitive] = (1, lambda p: [("maximum", (0, ("lit", 0)), _R, False),
                                                 ("minimum", (_R, ("lit", 6)), _R, False)])
    # activations.sigmoid: e = exp(-x) (overflow quiet); e += 1; reciprocal(e, out=e)
    table[act._sigmoid.primitive] = (1, lambda p: [
        ("negative", (0,), _R, False), ("exp", (_R,), _R, True),
        ("add", (_R, ("lit", 1)), _R, False), ("reciprocal", (_R,), _R, False)])
    # elementwise.sigmoid: e = exp(-|x|); s = 1 / (1 + e); s = e * s where x < 0
    table[ew.sigmoid.primitive] = (1, lambda p: [
        ("absolute", (0,), _T, False), ("negative", (_T,), _T, False),
        ("exp", (_T,), _T, False), ("less", (0, ("lit", 0)), _M, False),
        ("add", (("lit", 1), _T), _R, False), ("true_divide", (("lit", 1), _R), _R, False),
        ("multiply", (_T, _R), _T, False), ("copyto", (_R, _T, _M), None, False)])
    table[act._leaky_relu.primitive] = (1, _leaky)
    table[act._softsign.primitive] = (1, lambda p: [
        ("absolute", (0,), _T, False), ("add", (_T, ("lit", 1)), _T, False),
        ("true_divide", (0, _T), _R, False)])
    return table


# -- code generation -----------------------------------------------------------------------
def compile_program(program: list, out: int, xp: Any, inplace: int | None = None,
                    dtype: Any = None, shapes: dict | None = None) -> Callable:
    """A step ``step(slots)`` computing ``program`` (``meta["program"]`` form) into one
    buffer, stored in slot ``out``; with ``inplace``, the buffer is that value's array
    (an input of the first op, read by nothing else). With ``dtype`` (the chain's one
    float dtype) the kernels' literal numbers are bound as 0-d arrays of it: the same
    result, and NumPy skips converting a Python number on every call. With ``shapes``
    (value id -> static shape, ``"out"`` -> the result's), a binary op whose other
    operand broadcasts along leading axes (a bias) or is a literal of ``maximum`` /
    ``minimum`` runs through ``ops.long_rows`` (NumPy only)."""
    table = kernels()
    env: dict[str, Any] = {}
    names: dict[Any, str] = {}

    def bind(obj: Any, prefix: str) -> str:
        key = (prefix, id(obj)) if prefix == "c" else (prefix, obj)
        name = names.get(key)
        if name is None:
            name = f"{prefix}{len(names)}"
            names[key] = name
            env[name] = getattr(xp, obj) if prefix == "u" else obj
        return name

    body: list[str] = []
    first = True
    if inplace is not None:
        body.append(f"b = s[{inplace}]")
        first = False
    for j, (prim, params, specs) in enumerate(program):
        if j and any(sp[0] == "v" or (sp[0] == "c" and hasattr(sp[1], "shape"))
                     for sp in specs):
            body.append(f"k = {j}")
        exprs = []
        for sp in specs:
            if sp[0] == "b" or (sp[0] == "v" and sp[1] == inplace):
                exprs.append("b")
            elif sp[0] == "v":
                exprs.append(f"s[{sp[1]}]")
            else:
                exprs.append(bind(sp[1], "c"))
        temps: set = set()
        for ufunc, args, target, quiet in table[prim][1](params):
            a = []
            for x in args:
                if x == _R:
                    a.append("b")
                elif isinstance(x, str):
                    a.append("t" + x)
                elif isinstance(x, tuple):
                    lit = x[1]
                    if dtype is not None and type(lit) in (int, float):
                        lit = _literal(xp, lit, dtype)
                    a.append(bind(lit, "c"))
                else:
                    a.append(exprs[x])
            if ufunc == "copyto":
                body.append(f"{bind(ufunc, 'u')}({a[0]}, {a[1]}, where={a[2]})")
                continue
            call = f"{bind(ufunc, 'u')}({', '.join(a)}"
            rows = None if target != _R or xp is not np or shapes is None \
                else _long_rows_call(ufunc, args, specs, shapes, a)
            if rows is not None:
                env["long_rows"] = long_rows
                big, small, small_first = rows
                call = (f"long_rows({bind(ufunc, 'u')}, {big}, {small}"
                        + (", small_first=True" if small_first else ""))
                call = call if first else call + ", out=b"
            if rows is not None and not first:
                line = call + ")"
            elif target != _R:
                line = f"{call}, out=t{target})" if target in temps else f"t{target} = {call})"
                temps.add(target)
            elif first:
                line = f"b = {call})"
                first = False
            else:
                line = f"{call}, out=b)"
            if quiet:
                body.append("with errstate(over='ignore'):")
                line = "    " + line
            body.append(line)
    env["errstate"] = np.errstate if xp is np else _quiet_nothing
    env["slow"] = _slow_path(program, xp)
    src = ["def make(" + ", ".join(env) + "):",
           "    def step(s):",
           "        k = 0",
           "        b = None",
           "        try:"]
    src += ["            " + line for line in body]
    src += ["        except ValueError:",
            "            b = slow(s, k, b)",
            f"        s[{out}] = b",
            "    return step"]
    scope: dict[str, Any] = {}
    exec(compile("\n".join(src), f"<ember fused step %{out}>", "exec"), scope)  # noqa: S102
    step = scope["make"](**env)
    step.source = "\n".join(src)
    return step


_ROW_UFUNCS = frozenset({"add", "subtract", "multiply", "true_divide", "maximum", "minimum",
                         "power", "arctan2"})
_SCALAR_SLOW = frozenset({"maximum", "minimum"})    # no vectorized loop against a scalar


def _long_rows_call(ufunc: str, args: tuple, specs: tuple, shapes: dict,
                    exprs: list) -> tuple | None:
    """``(big, small, small_first)`` source texts when the binary micro-op ``ufunc(args)``
    should run through ``long_rows``, else None (decided on the static shapes)."""
    if ufunc not in _ROW_UFUNCS or len(args) != 2:
        return None
    full = shapes.get("out")

    def static(x):         # an operand's static shape, "big" for the chain, None: unknown
        if x == _R:
            return "big"
        if isinstance(x, tuple):
            return ()
        if isinstance(x, int):
            sp = specs[x]
            if sp[0] == "b":
                return "big"
            if sp[0] == "c":
                return tuple(getattr(sp[1], "shape", ()))
            shape = shapes.get(sp[1])
            return "big" if shape == full else shape
        return None

    kinds = [static(x) for x in args]
    if kinds.count("big") != 1:
        return None
    k = 1 - kinds.index("big")
    small = kinds[k]
    if small is None or None in small or (not small and ufunc not in _SCALAR_SLOW):
        return None
    if full is not None and None not in full and math.prod(full) < _LONG_ROWS_MIN:
        return None
    return exprs[1 - k], exprs[k], k == 0


@functools.cache
def _literal_cached(xp, value, dtype):
    arr = xp.asarray(value, dtype=dtype)
    if xp is np:            # shared by every kernel: read-only (CuPy arrays have no such flag)
        arr.flags.writeable = False
    return arr


def _literal(xp, value, dtype):
    """One shared 0-d array per (value, dtype), read-only on NumPy."""
    return _literal_cached(xp, value, np.dtype(dtype))


@contextlib.contextmanager
def _quiet_nothing(**kwargs):
    yield


def _slow_path(program: list, xp: Any) -> Callable:
    """Finish ``program`` from op ``k`` with the primitives' own forwards (allocating),
    given the chain value ``b`` after op ``k - 1``."""
    def slow(s, k, b):
        for prim, params, specs in program[k:]:
            args = [b if sp[0] == "b" else s[sp[1]] if sp[0] == "v" else sp[1]
                    for sp in specs]
            b = prim.forward(xp, *args, **params)
        return b
    return slow


def _fused_step(node: Node, xp: Any) -> Callable:
    at = node.meta.get("inplace")
    step = compile_program(node.meta["program"], node.outputs[0], xp,
                           None if at is None else node.inputs[at], node.meta.get("dtype"),
                           node.meta.get("shapes"))
    if xp is np:
        return kernel_step(node, step) or step
    return step


_plan.STEP_FACTORIES["fused"] = _fused_step


# -- the pass ------------------------------------------------------------------------------
_BARRIERS = frozenset({"assign", "update", "call", "host", "pyfunc"})
_WEAK_OK = frozenset({"weak float", "weak int"})


def _fusible(graph: Graph, node: Node, table: dict) -> bool:
    if node.kind != "op" or node.meta.get("cast_to") is not None or node.meta.get("multi") \
            or node.meta.get("effect") or len(node.outputs) != 1:
        return False
    entry = table.get(node.op)
    if entry is None or entry[0] != len(node.inputs):
        return False
    y = node.outputs[0]
    dt, shape = graph.dtypes[y], graph.shapes[y]
    if isinstance(dt, str) or dt.kind != "f" or not shape or None in shape:
        return False
    for i in node.inputs:
        d = graph.dtypes[i]
        if isinstance(d, str):
            if d not in _WEAK_OK:
                return False
        elif d.kind != "f":
            return False
    return True


def run(graph: Graph) -> int:
    """Fuse elementwise chains; returns how many ops went into fused nodes.

    >>> import ember
    >>> f = ember.function(lambda x: ember.exp(-x) + 1.0)
    >>> g = f.get_concrete_function(ember.TensorSpec([8])).graph
    >>> [n.name for n in g.nodes if n.kind != "const"], g.stats["fused"]
    (['input', 'fused[negative, exp, add]'], 3)
    """
    table = kernels()
    nodes = graph.nodes
    readers: dict[int, int] = {}            # value -> number of nodes reading it
    for node in nodes:
        for i in set(node.inputs):
            readers[i] = readers.get(i, 0) + 1
    outputs = set(graph.output_ids())
    tails: dict[int, list] = {}             # chain's last value -> [epoch, node indices]
    chains: list[list] = []
    epoch = 0
    for k, node in enumerate(nodes):
        if node.kind in _BARRIERS or node.meta.get("effect"):
            epoch += 1
            continue
        if not _fusible(graph, node, table):
            continue
        y = node.outputs[0]
        chain = None
        for i in node.inputs:
            c = tails.get(i)
            if c is not None and c[0] == epoch and readers.get(i) == 1 \
                    and i not in outputs and graph.shapes[i] == graph.shapes[y] \
                    and graph.dtypes[i] == graph.dtypes[y]:
                chain = c
                del tails[i]
                break
        if chain is None:
            chain = [epoch, []]
            chains.append(chain)
        chain[1].append(k)
        tails[y] = chain
    consts = {n.outputs[0]: n.params["value"] for n in nodes if n.kind == "const"}
    replace: dict[int, Node] = {}
    drop: set[int] = set()
    absorbed = 0
    dyn = dynamic_values(graph) if any(len(m) > 1 for _, m in chains) else set()
    for _, members in chains:
        if len(members) < 2:
            continue
        fused = replace[members[-1]] = _fused_node(
            [nodes[k] for k in members], consts, graph.dtypes[nodes[members[-1]].outputs[0]])
        fused.meta["shapes"] = static_shapes(graph, fused, dyn)
        drop.update(members[:-1])
        absorbed += len(members)
    if absorbed:
        graph.nodes = [replace.get(k, n) for k, n in enumerate(nodes) if k not in drop]
    return absorbed


def static_shapes(graph: Graph, node: Node, dyn: set) -> dict:
    """The shapes ``compile_program`` reads: each input's and (key ``"out"``) the
    result's, as traced (None where a dimension may change from call to call: ``dyn``,
    the graph's ``dynamic_values``)."""
    shapes = {i: (tuple(None for _ in graph.shapes[i]) if i in dyn else graph.shapes[i])
              for i in node.inputs}
    o = node.outputs[0]
    shapes["out"] = tuple(None for _ in graph.shapes[o]) if o in dyn else graph.shapes[o]
    return shapes


def _fused_node(members: list, consts: dict, dtype: Any = None) -> Node:
    program, inputs = [], []
    prev = None
    for node in members:
        specs = []
        for i in node.inputs:
            if i == prev:
                specs.append(("b",))
                continue
            if i not in inputs:
                inputs.append(i)
            specs.append(("c", consts[i]) if i in consts else ("v", i))
        program.append((node.op, node.params, tuple(specs)))
        prev = node.outputs[0]
    return Node("fused", None, tuple(inputs), members[-1].outputs, {},
                {"names": [n.op.name for n in members], "program": program,
                 "nodes": members, "dtype": dtype})
