"""Lazy public namespaces: a name is imported from its module on first use.

Keeps ``import ember`` fast: op families load when a program first touches them.
"""
from __future__ import annotations

import importlib
from typing import Callable


def lazy_namespace(module_name: str, table: dict[str, str],
                   globals_: dict) -> tuple[Callable, Callable]:
    """Return ``(__getattr__, __dir__)`` for a module whose names come from ``table``.

    ``table`` maps a public name to ``"module.path:attr"``, or
    ``"module.path:"`` for the module itself.
    """
    def __getattr__(name: str):
        target = table.get(name)
        if target is None:
            raise AttributeError(f"module {module_name!r} has no attribute {name!r}")
        mod_name, _, attr = target.partition(":")
        mod = importlib.import_module(mod_name)
        value = getattr(mod, attr) if attr else mod  # "pkg.mod:" names the module itself
        globals_[name] = value
        return value

    def __dir__():
        return sorted(set(globals_) | set(table))

    return __getattr__, __dir__


def names(module: str, *public: str, **renamed: str) -> dict[str, str]:
    """Table entries for names that live in ``module`` (``renamed``: public=attr)."""
    table = {n: f"{module}:{n}" for n in public}
    table.update({k: f"{module}:{v}" for k, v in renamed.items()})
    return table
