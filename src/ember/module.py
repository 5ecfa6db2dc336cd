"""ember.Module and ember.name_scope: TF's ``tf.Module`` and ``tf.name_scope``.

A ``Module`` is a named container of variables and other modules. Its ``variables``,
``trainable_variables`` and ``submodules`` are found by walking its attributes (and
lists, tuples and dicts in them) as TensorFlow does: sorted by attribute name, the
module's own values first, then each submodule's in turn. A checkpoint saves a module's
variables under its attribute names (``model/dense_1/w``).

``name_scope`` prefixes the names of variables created inside it (``"outer/w:0"``),
as TensorFlow's eager name scopes do; ops have no names in Ember.

>>> import ember
>>> class Dense(ember.Module):
...     def __init__(self, n_in, n_out, name=None):
...         super().__init__(name=name)
...         self.w = ember.Variable(ember.ones([n_in, n_out]), name="w")
...         self.b = ember.Variable(ember.zeros([n_out]), name="b")
...     def __call__(self, x):
...         return ember.matmul(x, self.w) + self.b
>>> d = Dense(3, 2)
>>> d.name, [v.name for v in d.trainable_variables]
('dense', ['b:0', 'w:0'])
>>> with ember.name_scope("outer") as scope:
...     v = ember.Variable(1.0, name="v")
>>> scope, v.name
('outer/', 'outer/v:0')
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from .core.thread_state import STATE
from .core.variable import Variable

__all__ = ["Module", "name_scope"]


class name_scope:
    """A context manager that adds ``name/`` to the names of variables created inside.

    Entering returns the full scope (``"outer/inner/"``). A name ending in ``/`` is a
    full scope of its own (not nested); ``""`` goes back to the top.
    """

    def __init__(self, name: str) -> None:
        if not isinstance(name, str):
            raise ValueError(f"name for name_scope must be a string; got "
                             f"{type(name).__name__} {name!r}")
        self._name = name
        self._outer: list[str] = []

    @property
    def name(self) -> str:
        return self._name

    def __enter__(self) -> str:
        outer = STATE.name_scope
        if not self._name or self._name.endswith("/"):
            scope = self._name
        else:
            scope = outer + self._name + "/"
        self._outer.append(outer)
        STATE.name_scope = scope
        return scope

    def __exit__(self, *exc: object) -> None:
        STATE.name_scope = self._outer.pop()

    def __repr__(self) -> str:
        return f"ember.name_scope({self._name!r})"


_IDENTIFIER = re.compile(r"^[a-zA-Z_]\w*$", re.ASCII)
_CAMEL = re.compile(r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))")


def _snake_case(name: str) -> str:
    """``"SequentialModule"`` -> ``"sequential_module"``, ``"HTTPServer"`` -> ``"http_server"``."""
    return _CAMEL.sub(r"_\1", name).lower()


class Module:
    """A named container of variables and submodules (TensorFlow's ``tf.Module``).

    Subclass it, set variables and modules as attributes (directly or in lists, tuples
    and dicts), and read them back with ``variables``, ``trainable_variables`` and
    ``submodules``. ``name`` defaults to the class name in snake case and must be a
    Python identifier; ``name_scope`` is the scope the module was created in plus its
    name.
    """

    def __init__(self, name: str | None = None) -> None:
        if name is None:
            name = _snake_case(type(self).__name__)
        elif not isinstance(name, str) or not _IDENTIFIER.match(name):
            raise ValueError(f"{name!r} is not a valid module name. Module names must be "
                             "valid Python identifiers (e.g. a valid class name).")
        self._name = name
        with name_scope(name) as scope:
            self._scope_name = scope
        self._name_scope = name_scope(self._scope_name)

    @property
    def name(self) -> str:
        """The module's name (not including outer scopes)."""
        return self._name

    @property
    def name_scope(self) -> name_scope:
        """A ``name_scope`` for this module: ``with self.name_scope: ...``."""
        return self._name_scope

    @property
    def variables(self) -> tuple:
        """Every variable of this module and its submodules, each once."""
        return tuple(self._flatten(predicate=_is_variable))

    @property
    def trainable_variables(self) -> tuple:
        """The ``variables`` with ``trainable=True``."""
        return tuple(self._flatten(predicate=_is_trainable))

    @property
    def non_trainable_variables(self) -> tuple:
        """The ``variables`` with ``trainable=False``."""
        return tuple(self._flatten(predicate=_is_non_trainable))

    @property
    def submodules(self) -> tuple:
        """Every module inside this one (at any depth), each once; not the module itself."""
        return tuple(self._flatten(predicate=_is_module))

    def _flatten(self, recursive: bool = True, predicate: Callable | None = None,
                 attribute_traversal_key: Callable | None = None, with_path: bool = False,
                 expand_composites: bool = False) -> Iterator:
        """The values inside this module for which ``predicate`` is true (all by
        default), or ``(path, value)`` pairs with ``with_path``: attributes in sorted
        order, this module's own values before those of its submodules."""
        return _walk(self, recursive, predicate or (lambda _: True), attribute_traversal_key,
                     with_path, (), None if with_path else {id(self)}, [])

    @classmethod
    def with_name_scope(cls, method: Callable) -> Callable:
        """Decorate a method to run inside its module's ``name_scope``."""
        @functools.wraps(method)
        def wrapper(self: Module, *args: Any, **kwargs: Any) -> Any:
            with self.name_scope:
                return method(self, *args, **kwargs)
        return wrapper

    def _checkpoint_children(self) -> dict:
        """What a checkpoint saves: the attributes that hold variables or modules."""
        from .train.trackable import is_trackable
        return {key: value for key, value in sorted(vars(self).items())
                if key not in _NOT_CHILDREN and value is not None and is_trackable(value)}

    def __repr__(self) -> str:
        return f"<{type(self).__module__}.{type(self).__name__} name={self._name!r}>"


_NOT_CHILDREN = frozenset(("_name", "_scope_name", "_name_scope"))


def _is_variable(v: Any) -> bool:
    return isinstance(v, Variable)


def _is_trainable(v: Any) -> bool:
    return isinstance(v, Variable) and v.trainable


def _is_non_trainable(v: Any) -> bool:
    return isinstance(v, Variable) and not v.trainable


def _is_module(v: Any) -> bool:
    return isinstance(v, Module)


def _leaves(value: Any, path: tuple) -> Iterator[tuple[tuple, Any]]:
    """(path, leaf) for each leaf of a nest of lists, tuples and dicts (sorted keys)."""
    if isinstance(value, Mapping):
        for key in sorted(value):
            yield from _leaves(value[key], path + (key,))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _leaves(item, path + (i,))
    else:
        yield path, value


def _walk(module: Module, recursive: bool, predicate: Callable, key: Callable | None,
          with_path: bool, prefix: tuple, seen: set | None, stack: list) -> Iterator:
    if id(module) in stack:      # a cycle: this module's values, not its submodules again
        recursive = False
    inner = []
    attrs = vars(module)
    for name in sorted(attrs, key=key):
        if name in _NOT_CHILDREN:
            continue
        for path, leaf in _leaves(attrs[name], (name,)):
            if seen is not None:
                if id(leaf) in seen:
                    continue
                seen.add(id(leaf))
            if predicate(leaf):
                yield (prefix + path, leaf) if with_path else leaf
            if recursive and isinstance(leaf, Module):
                inner.append((prefix + path, leaf))
    stack.append(id(module))
    for path, sub in inner:
        yield from _walk(sub, recursive, predicate, key, with_path, path, seen, stack)
    stack.pop()
