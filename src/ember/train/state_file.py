"""The ``checkpoint`` state file: which checkpoints a directory holds, newest last.

The same human-readable text format TensorFlow writes, one ``key: value`` a line::

    model_checkpoint_path: "ckpt-3"
    all_model_checkpoint_paths: "ckpt-2"
    all_model_checkpoint_paths: "ckpt-3"
    all_model_checkpoint_timestamps: 1700000000.5
    all_model_checkpoint_timestamps: 1700000100.25
    last_preserved_timestamp: 1699999999.0

Paths inside the directory are written relative to it (the directory can be moved).
The file is replaced atomically on every update.
"""
from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ..core.errors import DataLossError
from . import atomic, file_format

STATE_FILE = "checkpoint"
_LINE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(.*?)\s*$")


@dataclass
class CheckpointState:
    """The content of a ``checkpoint`` state file (paths made absolute to the
    directory's location when they were stored relative to it)."""
    model_checkpoint_path: str = ""
    all_model_checkpoint_paths: list = field(default_factory=list)
    all_model_checkpoint_timestamps: list = field(default_factory=list)
    last_preserved_timestamp: float = 0.0


def _state_path(checkpoint_dir: str, latest_filename: str | None) -> str:
    return os.path.join(os.fspath(checkpoint_dir), latest_filename or STATE_FILE)


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _unquote(raw: str, path: str, lineno: int) -> str:
    if len(raw) >= 2 and raw[0] == raw[-1] == "'":
        raw = '"' + raw[1:-1].replace('"', '\\"') + '"'
    try:
        value = json.loads(raw)
    except ValueError:
        value = None
    if not isinstance(value, str):
        raise DataLossError(f"checkpoint state file {path!r}, line {lineno}: expected a "
                            f"quoted string, got {raw!r} (the file is corrupt)")
    return value


def get_checkpoint_state(checkpoint_dir: str | os.PathLike,
                         latest_filename: str | None = None) -> CheckpointState | None:
    """The state recorded in ``checkpoint_dir/checkpoint``, or None without that file.

    A corrupt state file raises ``ember.errors.DataLossError`` (TensorFlow logs it and
    returns None, which silently starts training over).

    >>> import tempfile
    >>> get_checkpoint_state(tempfile.mkdtemp()) is None
    True
    """
    checkpoint_dir = os.fspath(checkpoint_dir)
    path = _state_path(checkpoint_dir, latest_filename)
    if not os.path.isfile(path):
        return None
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except UnicodeDecodeError:
        raise DataLossError(f"checkpoint state file {path!r} is not UTF-8 text (the file "
                            "is corrupt, or is not a checkpoint state file)") from None
    state = CheckpointState()
    seen_model_path = False
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = _LINE.match(line)
        if m is None:
            raise DataLossError(f"checkpoint state file {path!r}, line {lineno}: cannot "
                                f"parse {line[:80]!r} (the file is corrupt)")
        key, raw = m.groups()
        if key in ("model_checkpoint_path", "all_model_checkpoint_paths"):
            value = _unquote(raw, path, lineno)
            if not os.path.isabs(value):
                value = os.path.join(checkpoint_dir, value)
            if key == "model_checkpoint_path":
                state.model_checkpoint_path = value
                seen_model_path = True
            else:
                state.all_model_checkpoint_paths.append(value)
        elif key in ("all_model_checkpoint_timestamps", "last_preserved_timestamp"):
            try:
                number = float(raw)
            except ValueError:
                raise DataLossError(f"checkpoint state file {path!r}, line {lineno}: "
                                    f"{key} is not a number: {raw!r} (the file is "
                                    "corrupt)") from None
            if key == "last_preserved_timestamp":
                state.last_preserved_timestamp = number
            else:
                state.all_model_checkpoint_timestamps.append(number)
        # other keys (written by newer versions) are ignored
    if not seen_model_path:
        raise DataLossError(f"checkpoint state file {path!r} names no "
                            "model_checkpoint_path (the file is empty or corrupt)")
    return state


def update_checkpoint_state(save_dir: str | os.PathLike, model_checkpoint_path: str,
                            all_model_checkpoint_paths: list | None = None,
                            latest_filename: str | None = None,
                            all_model_checkpoint_timestamps: list | None = None,
                            last_preserved_timestamp: float | None = None,
                            save_relative_paths: bool = True) -> None:
    """Atomically (re)write ``save_dir/checkpoint``; ``model_checkpoint_path`` is the
    newest checkpoint and is appended to ``all_model_checkpoint_paths`` if missing.

    >>> import os, tempfile
    >>> d = tempfile.mkdtemp()
    >>> update_checkpoint_state(d, os.path.join(d, "ckpt-1"))
    >>> os.path.basename(get_checkpoint_state(d).model_checkpoint_path)
    'ckpt-1'
    """
    save_dir = os.fspath(save_dir)
    paths = list(all_model_checkpoint_paths or [])
    if model_checkpoint_path not in paths:
        paths.append(model_checkpoint_path)
    timestamps = list(all_model_checkpoint_timestamps or [])
    if timestamps and len(timestamps) != len(paths):
        raise ValueError(f"update_checkpoint_state: {len(paths)} paths but "
                         f"{len(timestamps)} timestamps")

    def rel(p: str) -> str:
        p = os.fspath(p)
        if save_relative_paths:
            r = os.path.relpath(os.path.abspath(p), os.path.abspath(save_dir or "."))
            if r != os.pardir and not r.startswith(os.pardir + os.sep):
                return r
        return p

    lines = [f"model_checkpoint_path: {_quote(rel(model_checkpoint_path))}"]
    lines += [f"all_model_checkpoint_paths: {_quote(rel(p))}" for p in paths]
    lines += [f"all_model_checkpoint_timestamps: {t!r}" for t in map(float, timestamps)]
    if last_preserved_timestamp is not None:
        lines.append(f"last_preserved_timestamp: {float(last_preserved_timestamp)!r}")
    os.makedirs(save_dir or ".", exist_ok=True)
    with atomic.atomic_write(_state_path(save_dir or ".", latest_filename), "w") as f:
        f.write("\n".join(lines) + "\n")


def latest_checkpoint(checkpoint_dir: str | os.PathLike,
                      latest_filename: str | None = None) -> str | None:
    """The prefix of the newest checkpoint in ``checkpoint_dir`` (from its
    ``checkpoint`` state file), or None if there is none or its files are gone.

    >>> import os, tempfile, ember
    >>> d = tempfile.mkdtemp()
    >>> ember.train.latest_checkpoint(d) is None
    True
    >>> path = ember.train.Checkpoint(w=ember.Variable(1.0)).save(os.path.join(d, "ckpt"))
    >>> ember.train.latest_checkpoint(d) == path
    True
    """
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if state is None or not state.model_checkpoint_path:
        return None
    prefix = state.model_checkpoint_path
    return prefix if file_format.checkpoint_exists(prefix) else None


def checkpoints_iterator(checkpoint_dir: str | os.PathLike, min_interval_secs: float = 0,
                         timeout: float | None = None,
                         timeout_fn: Callable[[], bool] | None = None) -> Iterator[str]:
    """Yield each new newest checkpoint of ``checkpoint_dir`` as it appears (an
    evaluation loop beside training). Waits for the next one; after ``timeout`` seconds
    without one, stops, unless ``timeout_fn`` is given and returns False (then waits
    again). ``min_interval_secs`` is the least time between two yields.

    >>> import os, tempfile, ember
    >>> d = tempfile.mkdtemp()
    >>> path = ember.train.Checkpoint(w=ember.Variable(1.0)).save(os.path.join(d, "ckpt"))
    >>> list(ember.train.checkpoints_iterator(d, timeout=0)) == [path]
    True
    """
    last = None
    while True:
        deadline = None if timeout is None else time.monotonic() + timeout
        path = None
        while True:
            path = latest_checkpoint(checkpoint_dir)
            if path is not None and path != last:
                break
            if deadline is not None and time.monotonic() >= deadline:
                path = None
                break
            wait = 1.0 if deadline is None else min(1.0, max(deadline - time.monotonic(), 0))
            time.sleep(wait)
        if path is None:
            if timeout_fn is None or timeout_fn():
                return
            continue
        start = time.monotonic()
        last = path
        yield path
        remaining = min_interval_secs - (time.monotonic() - start)
        if remaining > 0:
            time.sleep(remaining)
