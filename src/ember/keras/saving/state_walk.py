"""Which object's variables go where in a Keras 3 weight file.

Keras names each saveable object (layer, model, optimizer) by the attribute path that
leads to it from the model: a Functional or Sequential model's layers come first, under
``layers/<snake_case_class>[_N]`` (numbered per class, in ``model.layers`` order), then
every other attribute in sorted order with private names last (``cell``,
``query_dense``, ``optimizer`` ...). Attributes that every plain Layer has are skipped,
lists, tuples and dicts are walked as containers (nested ones are ``container``,
``container_1`` ...), and an object reached twice (a shared layer) is saved once, at the
first path. This module walks Ember objects the same way, so the paths match.

>>> from ember import keras
>>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
>>> [path for path, _ in iter_saveables(model)]
['', 'layers/dense']
"""
from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from typing import Any

_SKIP_CACHE: dict[str, frozenset] = {}
# Ember-only attributes that hold layers Keras does not reach this way
_EMBER_ONLY = {"Sequential": {"_input_layer", "_output_spec"},
               "Functional": {"_nodes", "_inputs_struct", "_outputs_struct"}}


def keras_snake_case(name: str) -> str:
    """Keras's snake case of a class name (``"MultiHeadAttention"`` ->
    ``"multi_head_attention"``), as used in weight paths.

    >>> keras_snake_case("Conv2D")
    'conv2d'
    """
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def _kind(obj: Any) -> str | None:
    from ..models.functional import Functional
    from ..models.layer import Layer
    from ..models.sequential import Sequential
    from ..optimizers.base_optimizer import Optimizer
    if isinstance(obj, Sequential):
        return "Sequential"
    if isinstance(obj, Functional):
        return "Functional"
    if isinstance(obj, Layer):
        return "Layer"
    if isinstance(obj, Optimizer):
        return "Optimizer"
    return None


def is_saveable(obj: Any) -> bool:
    """Whether ``obj`` gets its own entry in a weight file (a layer, model or optimizer)."""
    return _kind(obj) is not None


def _skipped(kind: str) -> frozenset:
    """The attribute names every bare object of this kind has (never walked)."""
    if kind not in _SKIP_CACHE:
        if kind == "Optimizer":
            from ..optimizers.base_optimizer import Optimizer
            names = set(dir(Optimizer(1.0, name="__ember_saving_reference__")))
            names.discard("variables")    # Keras walks it (a list of plain variables)
        else:
            from ..models.layer import Layer
            names = set(dir(Layer(name="__ember_saving_reference__")))
            names |= _EMBER_ONLY.get(kind, set())
        _SKIP_CACHE[kind] = frozenset(names)
    return _SKIP_CACHE[kind]


def _sort_key(name: str) -> str:
    return f"~{name}" if name.startswith("_") else name


def children(obj: Any) -> Iterator[tuple[str, Any]]:
    """``(attribute name, value)`` pairs Keras walks below ``obj``, in its order."""
    kind = _kind(obj)
    if kind in ("Sequential", "Functional"):
        yield "layers", obj.layers
    skip = _skipped(kind)
    for name in sorted(dir(obj), key=_sort_key):
        if name.startswith("__") or name in skip:
            continue
        try:
            value = getattr(obj, name)
        except Exception:       # a property that cannot be computed now holds nothing
            continue
        yield name, value


def iter_saveables(root: Any, skip: set | None = None) -> Iterator[tuple[str, Any]]:
    """Every saveable object below ``root`` (itself first) with its path, each once."""
    visited: set[int] = set(skip or ())
    yield from _visit(root, "", visited)


def _join(path: str, name: str) -> str:
    return f"{path}/{name}" if path else name


def _visit(obj: Any, path: str, visited: set) -> Iterator[tuple[str, Any]]:
    if id(obj) in visited:
        return
    visited.add(id(obj))
    yield path, obj
    for name, value in children(obj):
        if is_saveable(value):
            yield from _visit(value, _join(path, name), visited)
        elif isinstance(value, (list, tuple, dict)):
            yield from _visit_container(value, _join(path, name), visited, set())


def _visit_container(container: Any, path: str, visited: set,
                     seen_containers: set) -> Iterator[tuple[str, Any]]:
    if id(container) in seen_containers:
        return
    seen_containers.add(id(container))
    used: dict[str, int] = {}
    items = list(container.values()) if isinstance(container, dict) else list(container)
    for item in items:
        if is_saveable(item):
            name = _unique(keras_snake_case(type(item).__name__), used)
            yield from _visit(item, _join(path, name), visited)
        elif isinstance(item, (list, tuple, dict)):
            name = _unique("container", used)
            yield from _visit_container(item, _join(path, name), visited, seen_containers)


def _unique(name: str, used: dict) -> str:
    if name in used:
        used[name] += 1
        return f"{name}_{used[name]}"
    used[name] = 0
    return name


# -- saving and loading state --------------------------------------------------------------
def save_state(root: Any, writer: Any, assets_dir: Any = None,
               skip: set | None = None) -> None:
    """Write every saveable's variables into ``writer`` (a ``WeightsWriter``) and, when
    ``assets_dir`` is given (an ``AssetsDir``), its assets."""
    for path, obj in iter_saveables(root, skip):
        if hasattr(obj, "save_own_variables"):
            name = getattr(obj, "name", None)
            obj.save_own_variables(writer.make(path, name if isinstance(name, str)
                                               else None))
        if assets_dir is not None and hasattr(obj, "save_assets"):
            obj.save_assets(assets_dir.make(path))


def load_state(root: Any, reader: Any, assets_dir: Any = None,
               skip_mismatch: bool = False, skip: set | None = None) -> None:
    """Assign every saveable's variables from ``reader`` (a ``WeightsReader``).

    Every failure is collected; one ValueError (a warning with ``skip_mismatch``) names
    the file, how many objects failed, and each one's path and reason. Groups with
    values that no object of the model reads are an error too (the file belongs to a
    different architecture), unless ``skip_mismatch``.
    """
    failures: list[str] = []
    visited_paths: set[str] = set()
    for path, obj in iter_saveables(root, skip):
        visited_paths.add(path)
        try:
            if hasattr(obj, "load_own_variables"):
                obj.load_own_variables(reader.get(path))
            if assets_dir is not None and hasattr(obj, "load_assets"):
                where = assets_dir.get(path)
                if where is not None:
                    obj.load_assets(where)
        except Exception as e:
            label = getattr(obj, "name", type(obj).__name__)
            failures.append(f"- {type(obj).__name__} '{label}' at "
                            f"'{path or '<root>'}': {e}")
    unused = [p for p in reader.paths_with_values() if p not in visited_paths and
              not _optional(p, root)]
    if unused:
        failures.append(f"- the file has variables at {unused[:8]}"
                        f"{' ...' if len(unused) > 8 else ''} that no object of the model "
                        "reads (different architecture or layer attributes)")
    if failures:
        msg = (f"Could not load the weights in '{reader.source}' into "
               f"{type(root).__name__} '{getattr(root, 'name', '')}': "
               f"{len(failures)} problem(s):\n" + "\n".join(failures))
        if skip_mismatch:
            warnings.warn(msg, stacklevel=3)
        else:
            raise ValueError(msg)


def _optional(path: str, root: Any) -> bool:
    """Optimizer state in the file is skipped (not an error) when the model has no built
    optimizer, as Keras does: ``load_model(compile=False)``, ``load_weights`` before
    training."""
    if path != "optimizer" and not path.startswith("optimizer/"):
        return False
    optimizer = getattr(root, "optimizer", None)
    return optimizer is None or not getattr(optimizer, "built", False)
