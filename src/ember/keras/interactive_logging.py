"""Where Keras's messages go: progress bars and callback messages are written to stdout
while interactive logging is on (the default), and to the ``logging`` logger
``"ember.keras"`` at INFO level when it is off (``keras.config.disable_interactive_logging``,
for jobs whose output is collected by a logging system)."""
from __future__ import annotations

import logging
import sys
from typing import Any

_STATE = {"interactive": True}
LOGGER = logging.getLogger("ember.keras")


def enable_interactive_logging() -> None:
    """Write progress bars and messages to stdout (the default).

    >>> enable_interactive_logging(); is_interactive_logging_enabled()
    True
    """
    _STATE["interactive"] = True


def disable_interactive_logging() -> None:
    """Send progress and messages to the ``"ember.keras"`` logger (INFO) instead of
    stdout; progress bars then write one line per epoch, never carriage returns.

    >>> disable_interactive_logging(); is_interactive_logging_enabled()
    False
    >>> enable_interactive_logging()
    """
    _STATE["interactive"] = False


def is_interactive_logging_enabled() -> bool:
    """Whether messages go to stdout (True) or to the logger (False)."""
    return _STATE["interactive"]


def print_msg(message: str, line_break: bool = True, stream: Any = None) -> None:
    """``message`` to ``stream`` (stdout) while interactive, else to the logger.

    >>> print_msg("Epoch 1/3")
    Epoch 1/3
    """
    if not _STATE["interactive"]:
        LOGGER.info(message)
        return
    out = stream or sys.stdout
    out.write(message + ("\n" if line_break else ""))
    out.flush()
