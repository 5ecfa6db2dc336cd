"""ember.train.Checkpoint: save and restore variables, Keras models and optimizers.

Follows ``tf.train.Checkpoint``: the keyword arguments are the objects to save, found
again on restore by their attribute paths (see :mod:`ember.train.trackable`); the
files are described in :mod:`ember.train.file_format`.
"""
from __future__ import annotations

import os
import warnings
from typing import Any

import numpy as np

from ..core.variable import Variable
from . import file_format, state_file, trackable
from .trackable import path_str

_COUNTER = "save_counter"


class CheckpointOptions:
    """Options for ``Checkpoint.save`` / ``write`` / ``restore`` / ``read`` (TF's
    arguments, accepted and recorded: Ember's saves are synchronous, on the host).

    >>> CheckpointOptions(enable_async=True).enable_async
    True
    """

    def __init__(self, experimental_io_device: str | None = None,
                 experimental_enable_async_checkpoint: bool = False,
                 experimental_write_callbacks: list | None = None,
                 enable_async: bool = False,
                 experimental_sharding_callback: Any = None,
                 experimental_skip_slot_variables: bool = False) -> None:
        self.experimental_io_device = experimental_io_device
        self.enable_async = bool(enable_async or experimental_enable_async_checkpoint)
        self.experimental_enable_async_checkpoint = self.enable_async
        self.experimental_write_callbacks = experimental_write_callbacks
        self.experimental_sharding_callback = experimental_sharding_callback
        self.experimental_skip_slot_variables = experimental_skip_slot_variables

    def __repr__(self) -> str:
        return f"<ember.train.CheckpointOptions enable_async={self.enable_async}>"


class Checkpoint:
    """Groups trackable objects to save and restore them together.

    Keyword arguments name the objects: ``ember.Variable``\\ s, Keras layers and models
    (their variables, by layer position), Keras optimizers (their variables, in
    ``optimizer.variables`` order), other ``Checkpoint``\\ s, and lists / dicts of
    these. ``root`` makes an object's own children the checkpoint's top level.

    >>> import os, tempfile, ember
    >>> v = ember.Variable([1.0, 2.0])
    >>> ckpt = ember.train.Checkpoint(v=v)
    >>> path = ckpt.save(os.path.join(tempfile.mkdtemp(), "ckpt"))
    >>> os.path.basename(path)
    'ckpt-1'
    >>> _ = v.assign([0.0, 0.0])
    >>> ckpt.restore(path).assert_consumed() and v.numpy().tolist()
    [1.0, 2.0]
    """

    def __init__(self, root: Any = None, **kwargs: Any) -> None:
        object.__setattr__(self, "_root", None)
        object.__setattr__(self, "_named", {})
        object.__setattr__(self, "_save_counter", None)
        if root is not None:
            if trackable.is_variable(root) or isinstance(root, (list, tuple, dict)) or \
                    not trackable.is_trackable(root):
                raise ValueError("`Checkpoint` was expecting root to be a trackable object "
                                 "with children (a Keras model, layer or optimizer, or a "
                                 f"Checkpoint), got {root!r}")
            object.__setattr__(self, "_root", root)
            root_names = {name for name, _ in trackable.children(root)}
            clash = sorted(set(kwargs) & root_names)
            if clash:
                raise ValueError(f"Cannot create a Checkpoint with keyword argument "
                                 f"{clash[0]} if root.{clash[0]} already exists.")
        for name, value in kwargs.items():
            setattr(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            object.__setattr__(self, name, value)
            return
        if name == _COUNTER:
            raise AttributeError("Checkpoint.save_counter is managed by the Checkpoint and "
                                 "cannot be replaced")
        if value is None or not trackable.is_trackable(value):
            raise ValueError(f"`Checkpoint` was expecting {name} to be a trackable object "
                             "(an ember.Variable, a Keras layer, model or optimizer, a "
                             f"Checkpoint, or a list / dict of these), got {value!r}.")
        self._named[name] = value
        object.__setattr__(self, name, value)
        pending = self.__dict__.get(trackable.PENDING_ATTR)
        if pending is not None:
            pending()

    def __delattr__(self, name: str) -> None:
        self._named.pop(name, None)
        object.__delattr__(self, name)

    def _checkpoint_children(self) -> dict:
        kids = dict(trackable.children(self._root)) if self._root is not None else {}
        kids.update(self._named)
        if self._save_counter is not None:
            kids[_COUNTER] = self._save_counter
        return kids

    @property
    def save_counter(self) -> Variable:
        """An int64 variable counting the ``save`` calls; it numbers the checkpoints
        (created on first use, and saved with the checkpoint once it exists)."""
        if self._save_counter is None:
            from ..graph.context import init_scope
            with init_scope():
                counter = Variable(np.int64(0), trainable=False, name=_COUNTER,
                                   dtype="int64")
            counter._checkpoint_save_counter = True
            object.__setattr__(self, "_save_counter", counter)
        return self._save_counter

    # -- saving -----------------------------------------------------------------------------
    def write(self, file_prefix: str | os.PathLike, options: Any = None) -> str:
        """Write the checkpoint to exactly ``file_prefix`` (no number added, the
        ``checkpoint`` state file is not touched); returns ``file_prefix``.

        Files: ``file_prefix.index`` and ``file_prefix.data-<tag>.npz``, each written
        to a temporary file and renamed into place, the index last.

        >>> import os, tempfile, ember
        >>> prefix = os.path.join(tempfile.mkdtemp(), "weights")
        >>> ember.train.Checkpoint(w=ember.Variable(1.0)).write(prefix) == prefix
        True
        """
        prefix = os.fspath(file_prefix)
        variables, nodes = trackable.walk(self)
        keys: dict = {}
        values: dict = {}
        entries = []
        for path, variable in variables.items():
            key = keys.get(id(variable))
            if key is None:
                key = keys[id(variable)] = f"a{len(keys)}"
                values[key] = variable.numpy()
            name = getattr(variable, "path", None) or variable.name
            entries.append(file_format.Entry(path, key, str(name)))
        # values restored earlier for variables not created yet (an optimizer before its
        # first step) are written again, so saving right after a restore loses nothing
        for node_path, node in nodes.items():
            pending = getattr(node, "__dict__", {}).get(trackable.PENDING_ATTR)
            if pending is None:
                continue
            pending()
            for rel, (value, _, full) in pending.values.items():
                key = keys.get(id(value))
                if key is None:
                    key = keys[id(value)] = f"a{len(keys)}"
                    values[key] = value
                entries.append(file_format.Entry(node_path + rel, key, path_str(full)))
        return file_format.write_checkpoint(prefix, entries, values)

    def save(self, file_prefix: str | os.PathLike, options: Any = None) -> str:
        """Write a numbered checkpoint ``file_prefix-N`` (N: ``save_counter`` after
        adding one) and record it as the newest in the directory's ``checkpoint`` state
        file, for :func:`ember.train.latest_checkpoint`. Returns the path.

        >>> import os, tempfile, ember
        >>> d = tempfile.mkdtemp()
        >>> ckpt = ember.train.Checkpoint(w=ember.Variable(1.0))
        >>> [os.path.basename(ckpt.save(os.path.join(d, "ckpt"))) for _ in range(2)]
        ['ckpt-1', 'ckpt-2']
        >>> ember.train.latest_checkpoint(d) == os.path.join(d, "ckpt-2")
        True
        """
        prefix = os.fspath(file_prefix)
        counter = self.save_counter
        number = int(counter.numpy()) + 1
        trackable.assign_values([(counter, np.int64(number))])
        try:
            path = self.write(f"{prefix}-{number}", options=options)
        except BaseException:
            trackable.assign_values([(counter, np.int64(number - 1))])
            raise
        state_file.update_checkpoint_state(os.path.dirname(path) or ".",
                                           model_checkpoint_path=path,
                                           all_model_checkpoint_paths=[path])
        return path

    # -- restoring --------------------------------------------------------------------------
    def restore(self, save_path: str | os.PathLike | None,
                options: Any = None) -> CheckpointLoadStatus | InitializationOnlyStatus:
        """Restore the values saved at ``save_path`` (a prefix from ``save`` or
        ``write``); ``None`` restores nothing.

        Everything is checked before any variable changes: the files (a missing,
        truncated or corrupt file raises ``ember.errors.DataLossError``, no checkpoint
        ``ember.errors.NotFoundError``) and each value's shape and dtype against its
        variable (``ValueError``). Values for variables that do not exist yet (a Keras
        optimizer's slots before its first step, the weights of an unbuilt layer) are
        kept and assigned when the object creates them.

        Returns a status: ``assert_consumed()``, ``assert_existing_objects_matched()``,
        ``expect_partial()``. Checkpoint values with no place to go give a warning
        unless ``expect_partial()`` is called on the status.

        >>> import os, tempfile, ember
        >>> path = ember.train.Checkpoint(w=ember.Variable(3.0)).write(
        ...     os.path.join(tempfile.mkdtemp(), "w"))
        >>> w = ember.Variable(0.0)
        >>> _ = ember.train.Checkpoint(w=w).restore(path).assert_consumed()
        >>> float(w)
        3.0
        """
        if save_path is None:
            return InitializationOnlyStatus()
        source = os.fspath(save_path)
        contents = file_format.read_checkpoint(source)
        return _restore(self, contents)

    def read(self, save_path: str | os.PathLike, options: Any = None
             ) -> CheckpointLoadStatus:
        """Restore a checkpoint written with ``write`` (the same as ``restore``: the
        ``save_counter`` is never required to be in the file).

        >>> import os, tempfile, ember
        >>> path = ember.train.Checkpoint(w=ember.Variable(2.0)).write(
        ...     os.path.join(tempfile.mkdtemp(), "w"))
        >>> w = ember.Variable(0.0)
        >>> _ = ember.train.Checkpoint(w=w).read(path)
        >>> float(w)
        2.0
        """
        if save_path is None:
            raise ValueError("Checkpoint.read needs a path; got None")
        return self.restore(save_path, options=options)

    def __repr__(self) -> str:
        return f"<ember.train.Checkpoint {sorted(self._checkpoint_children())}>"


def _create_counters(root: Checkpoint, nodes: dict, saved_paths: set) -> bool:
    """Create the save counters the checkpoint has values for; True if any was made."""
    made = False
    for path, node in nodes.items():
        if isinstance(node, Checkpoint) and node._save_counter is None and \
                path + (_COUNTER,) in saved_paths:
            node.save_counter  # noqa: B018 - creates it
            made = True
    return made


def _restore(root: Checkpoint, contents: file_format.CheckpointContents
             ) -> CheckpointLoadStatus:
    saved_paths = {e.path for e in contents.entries}
    variables, nodes = trackable.walk(root)
    if _create_counters(root, nodes, saved_paths):
        variables, nodes = trackable.walk(root)
    status = CheckpointLoadStatus(root, contents.prefix, saved_paths)
    assignments = []
    deferred: dict = {}          # id(owner) -> (owner, {relative path: value})
    for entry in contents.entries:
        value = contents.arrays[entry.array]
        dtype_name = contents.dtypes[entry.array]
        variable = variables.get(entry.path)
        if variable is not None:
            trackable.check_compatible(variable, value, dtype_name, entry.path,
                                       contents.prefix)
            assignments.append((variable, value))
            status._matched(entry.path, variable)
            continue
        owner_path = _deferral_point(entry.path, variables, nodes)
        if owner_path is None:
            status._unresolved.append(entry.path)
            continue
        owner = nodes[owner_path]
        slot = deferred.setdefault(id(owner), (owner, {}))
        slot[1][entry.path[len(owner_path):]] = (value, dtype_name, entry.path)
    trackable.assign_values(assignments)
    for owner, values in deferred.values():
        pending = trackable.PendingValues(owner, values, contents.prefix, status._matched)
        trackable.attach_pending(owner, pending)
        status._pending.append(pending)
    return status


def _deferral_point(path: tuple, variables: dict, nodes: dict) -> tuple | None:
    """The path of the deepest existing object above ``path`` that can create it later
    (None when there is none, or a variable stands where a parent should be)."""
    for k in range(len(path) - 1, -1, -1):
        prefix = path[:k]
        if prefix in variables:
            return None
        node = nodes.get(prefix)
        if node is not None and trackable.can_defer(node):
            return prefix
    return None


class CheckpointLoadStatus:
    """What ``Checkpoint.restore`` returns: checks of how well the checkpoint matched.

    Values for variables created later (deferred restoration) count as matched once
    assigned, so ``assert_consumed()`` after a training step sees the optimizer's slots.
    """

    def __init__(self, root: Checkpoint, source: str, saved_paths: set) -> None:
        self._root = root
        self._source = source
        self._saved_paths = saved_paths
        self._matched_paths: set = set()
        self._matched_ids: set = set()
        self._unresolved: list = []
        self._pending: list = []
        self._expect_partial = False

    def _matched(self, path: tuple, variable: Variable) -> None:
        self._matched_paths.add(path)
        self._matched_ids.add(id(variable))

    def _flush(self) -> None:
        for pending in self._pending:       # variables created without calling the hook
            pending()

    def _unmatched_live(self) -> list:
        variables, _ = trackable.walk(self._root)
        out = []
        for path, variable in variables.items():
            if id(variable) in self._matched_ids or \
                    getattr(variable, "_checkpoint_save_counter", False):
                continue
            out.append(path)
        return out

    def _unconsumed(self) -> list:
        waiting = [p for pending in self._pending for p in pending.remaining()]
        return list(self._unresolved) + waiting

    @staticmethod
    def _listing(paths: list, limit: int = 20) -> str:
        shown = ", ".join(path_str(p) for p in paths[:limit])
        return shown + (f", ... ({len(paths) - limit} more)" if len(paths) > limit else "")

    def assert_consumed(self) -> CheckpointLoadStatus:
        """Raise ``AssertionError`` unless every checkpoint value was assigned and every
        variable reachable from the checkpoint got a value. Returns the status."""
        self._flush()
        problems = []
        unconsumed = self._unconsumed()
        if unconsumed:
            problems.append(f"{len(unconsumed)} value(s) in the checkpoint were not "
                            f"assigned to any variable: {self._listing(unconsumed)}")
        missing = self._unmatched_live()
        if missing:
            problems.append(f"{len(missing)} variable(s) got no value from the checkpoint: "
                            f"{self._listing(missing)}")
        if problems:
            raise AssertionError(f"Checkpoint {self._source!r} was not fully consumed: "
                                 + "; ".join(problems))
        return self

    def assert_existing_objects_matched(self) -> CheckpointLoadStatus:
        """Raise ``AssertionError`` if a variable that exists now got no value (values
        left over in the checkpoint are fine). Returns the status."""
        self._flush()
        missing = self._unmatched_live()
        if missing:
            raise AssertionError(f"{len(missing)} existing variable(s) got no value from "
                                 f"checkpoint {self._source!r}: {self._listing(missing)}")
        return self

    def assert_nontrivial_match(self) -> CheckpointLoadStatus:
        """Raise ``AssertionError`` if nothing but save counters was restored."""
        self._flush()
        if not any(p[-1:] != (_COUNTER,) for p in self._matched_paths):
            raise AssertionError(f"Nothing except the root object matched a checkpointed "
                                 f"value in {self._source!r}")
        return self

    def expect_partial(self) -> CheckpointLoadStatus:
        """Silence the warning about checkpoint values with no variable to go to."""
        self._expect_partial = True
        return self

    def run_restore_ops(self, session: Any = None) -> None:
        """Nothing to do: values are assigned eagerly (TF 1 compatibility)."""

    def initialize_or_restore(self, session: Any = None) -> None:
        """Nothing to do: values are assigned eagerly (TF 1 compatibility)."""

    def __del__(self) -> None:
        try:
            if self._unresolved and not self._expect_partial:
                warnings.warn(f"ember.train: {len(self._unresolved)} value(s) in checkpoint "
                              f"{self._source!r} could not be found in the restored object: "
                              f"{self._listing(self._unresolved)}. Call expect_partial() on "
                              "the restore status to silence this warning.", stacklevel=2)
        except Exception:   # noqa: BLE001, S110 - never raise from a finalizer
            pass


class InitializationOnlyStatus:
    """What ``Checkpoint.restore(None)`` returns: nothing was restored."""

    def _fail(self) -> None:
        raise AssertionError("No checkpoint specified (save_path=None); nothing is being "
                             "restored.")

    def assert_consumed(self) -> None:
        """Always raises ``AssertionError``: no checkpoint was given."""
        self._fail()

    def assert_existing_objects_matched(self) -> None:
        """Always raises ``AssertionError``: no checkpoint was given."""
        self._fail()

    def assert_nontrivial_match(self) -> None:
        """Always raises ``AssertionError``: no checkpoint was given."""
        self._fail()

    def expect_partial(self) -> InitializationOnlyStatus:
        """Nothing to silence; returns the status."""
        return self

    def run_restore_ops(self, session: Any = None) -> None:
        """Nothing to do."""

    def initialize_or_restore(self, session: Any = None) -> None:
        """Nothing to do: variables keep their initial values."""
