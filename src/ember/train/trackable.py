"""The object graph a checkpoint saves: what is trackable, and each object's children.

An object is *trackable* when it is

- an ``ember.Variable`` (a leaf: its value is what gets saved);
- an object whose class defines ``_checkpoint_children()``, returning an ordered mapping
  of child names to children (``ember.train.Checkpoint``, Keras layers, models and
  optimizers define it);
- a ``list``, ``tuple`` or ``dict`` (string keys) of trackable objects; children are
  named by index or key. ``None`` entries are skipped;
- an ``ember.random.Generator`` (its ``state`` variable), or any object whose class
  has a ``variables`` attribute giving a list of variables (Keras metrics, say):
  ``vars/<i>`` in that order.

A variable is identified in a checkpoint by its *path*: the child names from the
checkpoint's root down to it, e.g. ``("model", "layers", "0", "vars", "0")`` for the
first variable of a model's first layer. Paths follow object structure, never
generated names such as ``dense_3``, so a model built the same way in a fresh process
finds its values again.

Objects with ``_checkpoint_children`` may create variables after a restore (a Keras
optimizer creates its slots on its first step, a layer its weights when first built).
A restore keeps the values for such not-yet-existing variables on the object as a
callable attribute ``_checkpoint_pending``; the object calls it after creating
variables (optionally with the new variable's path relative to the object, which makes
the check O(1)), and the values are assigned then (see :class:`PendingValues`).

>>> import ember
>>> v = ember.Variable(1.0)
>>> sorted(walk({"w": v, "more": [v]})[0])
[('more', '0'), ('w',)]
"""
from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from ..core.variable import Variable

PENDING_ATTR = "_checkpoint_pending"


def is_variable(obj: Any) -> bool:
    """Whether ``obj`` is an ``ember.Variable`` (a checkpoint leaf)."""
    return isinstance(obj, Variable)


def can_defer(obj: Any) -> bool:
    """Whether ``obj`` may create children later and accepts deferred values."""
    return hasattr(type(obj), "_checkpoint_children")


def children(obj: Any) -> list | None:
    """``[(name, child), ...]`` for a trackable non-variable object, else None."""
    if hasattr(type(obj), "_checkpoint_children"):
        return [(str(k), v) for k, v in obj._checkpoint_children().items()]
    if isinstance(obj, dict):
        bad = [k for k in obj if not isinstance(k, str)]
        if bad:
            raise TypeError(f"ember.train: a dict in a checkpoint must have string keys; "
                            f"got key {bad[0]!r} ({type(bad[0]).__name__})")
        return list(obj.items())
    if isinstance(obj, (list, tuple)):
        return [(str(i), v) for i, v in enumerate(obj)]
    from ..ops.random import Generator
    if isinstance(obj, Generator):
        return [("state", obj.state)]
    if not isinstance(obj, (str, bytes, np.ndarray)) and not is_variable(obj):
        found = getattr(type(obj), "variables", None)
        if found is not None:                 # duck typing: Keras metrics, modules
            found = obj.variables
            if isinstance(found, (list, tuple)) and all(is_variable(v) for v in found):
                return [("vars", list(found))]
    return None


def is_trackable(obj: Any) -> bool:
    """Whether ``obj`` can be put in a checkpoint (see the module docstring).

    >>> import ember
    >>> is_trackable(ember.Variable(1.0)), is_trackable([ember.Variable(1.0)]), \
is_trackable(3)
    (True, True, False)
    """
    if is_variable(obj):
        return True
    try:
        kids = children(obj)
    except TypeError:
        return False
    if kids is None:
        return False
    if isinstance(obj, (list, tuple, dict)):
        return all(v is None or is_trackable(v) for _, v in kids)
    return True


def path_str(path: tuple) -> str:
    """A path as one string: names joined by ``/`` (``%`` and ``/`` escaped as ``%25``
    and ``%2F``).

    >>> path_str(("model", "layers", "0")), path_str(("a/b",))
    ('model/layers/0', 'a%2Fb')
    """
    return "/".join(c.replace("%", "%25").replace("/", "%2F") for c in path) or "(root)"


def parse_path(text: str) -> tuple:
    """The inverse of :func:`path_str`.

    >>> parse_path("a%2Fb/c")
    ('a/b', 'c')
    """
    return tuple(c.replace("%2F", "/").replace("%25", "%") for c in text.split("/"))


def walk(root: Any, prefix: tuple = ()) -> tuple[dict, dict]:
    """Every variable and every other trackable object reachable from ``root``.

    Returns ``(variables, nodes)``: ordered dicts from path to object. A variable
    reachable along several paths appears under each; cycles are cut.
    """
    variables: dict = {}
    nodes: dict = {prefix: root}
    on_path: set = set()

    def visit(obj: Any, path: tuple) -> None:
        kids = children(obj)
        if kids is None:
            raise TypeError(f"ember.train: {path_str(path)} is a {type(obj).__name__}, which "
                            "cannot be checkpointed; use ember.Variables, Keras layers, "
                            "models and optimizers, Checkpoints, or lists / dicts of them")
        on_path.add(id(obj))
        for name, child in kids:
            if child is None:
                continue
            p = path + (name,)
            if is_variable(child):
                variables[p] = child
            elif id(child) not in on_path:
                nodes[p] = child
                visit(child, p)
        on_path.discard(id(obj))

    if is_variable(root):
        variables[prefix] = root
        return variables, {}
    visit(root, prefix)
    return variables, nodes


_MISSING = object()


def resolve(root: Any, paths: list) -> dict:
    """The variables at ``paths`` below ``root`` that exist: ``{path: variable}``.

    Follows each path by direct lookups (no walk of everything), so checking one
    path costs one ``_checkpoint_children()`` call per level.
    """
    memo: dict = {}

    def child(obj: Any, name: str) -> Any:
        if isinstance(obj, (list, tuple)):
            if name.isdigit() and str(int(name)) == name and int(name) < len(obj):
                return obj[int(name)]
            return _MISSING
        if isinstance(obj, dict):
            return obj.get(name, _MISSING)
        kids = memo.get(id(obj))
        if kids is None:
            try:
                kids = memo[id(obj)] = dict(children(obj) or ())
            except TypeError:
                kids = memo[id(obj)] = {}
        return kids.get(name, _MISSING)

    found: dict = {}
    for path in paths:
        obj = root
        for name in path:
            if obj is None or obj is _MISSING or is_variable(obj):
                obj = _MISSING
                break
            obj = child(obj, name)
        if path and obj is not _MISSING and is_variable(obj):
            found[path] = obj
    return found


def check_compatible(variable: Variable, value: np.ndarray, dtype_name: str,
                     path: tuple, source: str) -> None:
    """Raise ``ValueError`` when a checkpoint value does not fit ``variable``."""
    name = getattr(variable, "path", None) or variable.name
    if tuple(variable.shape) != tuple(value.shape):
        raise ValueError(f"ember.train: cannot restore {path_str(path)} (variable '{name}') "
                         f"from {source!r}: the variable has shape "
                         f"{tuple(variable.shape)} but the checkpoint holds shape "
                         f"{tuple(value.shape)}")
    if variable.dtype.name != dtype_name:
        raise ValueError(f"ember.train: cannot restore {path_str(path)} (variable '{name}') "
                         f"from {source!r}: the variable has dtype {variable.dtype.name} "
                         f"but the checkpoint holds {dtype_name}")


def assign_values(pairs: list) -> None:
    """Assign ``(variable, array)`` pairs now, even inside a function being traced."""
    from ..graph.context import init_scope
    with init_scope():
        for variable, value in pairs:
            variable.assign(value)


class PendingValues:
    """Checkpoint values kept on ``owner`` for variables it has not created yet.

    ``values`` maps a path relative to ``owner`` to ``(array, dtype name, full path)``.
    Calling the object assigns every value whose variable exists by now; the owner
    calls it after creating variables. ``on_match(full_path, variable)`` is told of
    each assignment. When nothing is left, the object detaches itself from ``owner``.
    """

    def __init__(self, owner: Any, values: dict, source: str,
                 on_match: Callable[[tuple, Variable], None]) -> None:
        self._owner = weakref.ref(owner)
        self.values = dict(values)
        self.source = source
        self._on_match = on_match

    def __call__(self, path: tuple | None = None) -> None:
        """Assign what can be assigned now; ``path`` (relative to the owner) limits the
        check to the one variable just created there."""
        owner = self._owner()
        if owner is None or not self.values:
            return
        if path is not None:
            path = tuple(path)
            if path not in self.values:
                return
            found = resolve(owner, [path])
        else:
            found = resolve(owner, list(self.values))
        hits = list(found.items())
        if not hits:
            return
        pairs = []
        for rel, variable in hits:
            value, dtype_name, full = self.values[rel]
            check_compatible(variable, value, dtype_name, full, self.source)
            pairs.append((variable, value))
        assign_values(pairs)
        for rel, variable in hits:
            full = self.values.pop(rel)[2]
            self._on_match(full, variable)
        if not self.values and owner.__dict__.get(PENDING_ATTR) is self:
            del owner.__dict__[PENDING_ATTR]

    def remaining(self) -> list:
        """The full paths still waiting for their variables."""
        return [v[2] for v in self.values.values()] if self._owner() is not None else []


def attach_pending(owner: Any, pending: PendingValues) -> None:
    """Install ``pending`` on ``owner`` (replacing what an earlier restore left)."""
    object.__setattr__(owner, PENDING_ATTR, pending)
