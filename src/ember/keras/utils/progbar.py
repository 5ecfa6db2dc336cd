"""keras.utils.Progbar: Keras's progress bar, one updating line in a terminal and plain
lines in a log file."""
from __future__ import annotations

import os
import sys
import time

import numpy as np

from ..interactive_logging import is_interactive_logging_enabled, print_msg


def _is_tty(stream) -> bool:
    if os.environ.get("EMBER_PROGBAR_TTY") is not None:
        return os.environ["EMBER_PROGBAR_TTY"] == "1"
    return hasattr(stream, "isatty") and stream.isatty()


def _format_value(v) -> str:
    v = float(np.mean(v)) if not isinstance(v, (int, float)) else float(v)
    if abs(v) > 1e-3 or v == 0:
        return f"{v:.4f}"
    return f"{v:.4e}"


def _format_time(seconds: float) -> str:
    if seconds >= 3600:
        return f"{int(seconds // 3600)}:{int(seconds % 3600 // 60):02d}:{int(seconds % 60):02d}"
    if seconds >= 60:
        return f"{int(seconds // 60)}:{int(seconds % 60):02d}"
    return f"{int(round(seconds))}s"


def _format_per_step(seconds: float, unit: str) -> str:
    if seconds >= 1:
        return f"{seconds:.0f}s/{unit}"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/{unit}"
    return f"{seconds * 1e6:.0f}us/{unit}"


class Progbar:
    """Displays a progress bar.

    In a terminal it redraws one line (step count, bar, ETA, time per step, metrics);
    when the stream is not a terminal (a log file, CI) it writes one plain line when the
    target is reached, never a stream of carriage returns.

    >>> bar = Progbar(2, verbose=0)
    >>> bar.update(1, values=[("loss", 0.5)])
    """

    def __init__(self, target: int | None, width: int = 20, verbose: int = 1,
                 interval: float = 0.05, stateful_metrics=None, unit_name: str = "step",
                 stream=None, stateless_metrics=None):
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        if stateful_metrics is not None and stateless_metrics is not None:
            raise ValueError("Provide either `stateful_metrics` or `stateless_metrics`, "
                             "not both.")
        self.stateful_metrics = set(stateful_metrics or [])
        # with stateless_metrics given, every other metric is shown as-is (not averaged)
        self.stateless_metrics = None if stateless_metrics is None else set(stateless_metrics)
        self.unit_name = unit_name
        self.stream = stream or sys.stdout
        self._dynamic = _is_tty(self.stream) and is_interactive_logging_enabled()
        self._values: dict = {}
        self._order: list = []
        self._start = time.time()
        self._last_update = 0.0
        self._seen = 0
        self._prev_len = 0
        self._finished = False

    def _accumulate(self, current: int, values) -> None:
        for k, v in values or []:
            if k not in self._order:
                self._order.append(k)
            stateful = k not in self.stateless_metrics if self.stateless_metrics is not None \
                else k in self.stateful_metrics
            if stateful:
                self._values[k] = [v, 1]
            else:
                step = max(current - self._seen, 1)
                if k not in self._values:
                    self._values[k] = [v * step, step]
                else:
                    self._values[k][0] += v * step
                    self._values[k][1] += step

    def _metrics_text(self) -> str:
        parts = []
        for k in self._order:
            total, count = self._values[k]
            parts.append(f"{k}: {_format_value(total / max(count, 1))}")
        return " - ".join(parts)

    def update(self, current: int, values=None, finalize: bool | None = None) -> None:
        """Move the bar to ``current`` and fold in ``values`` (name, value) pairs."""
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        self._accumulate(current, values)
        self._seen = current
        if self.verbose == 0:
            return
        now = time.time()
        elapsed = now - self._start
        if self.verbose == 1 and self._dynamic:
            if not finalize and now - self._last_update < self.interval:
                return
            self._last_update = now
            line = self._line(current, elapsed, finalize)
            pad = max(self._prev_len - len(line), 0)
            self.stream.write("\r" + line + " " * pad)
            self._prev_len = len(line)
            if finalize:
                self.stream.write("\n")
                self._finished = True
            self.stream.flush()
        elif finalize and not self._finished:
            self._finished = True
            print_msg(self._line(current, elapsed, True), stream=self.stream)

    def _line(self, current: int, elapsed: float, finalize: bool) -> str:
        """``12/32 ━━━━━━━──────── 1s 45ms/step - loss: 0.7`` (time left, or total at the end)."""
        per_step = elapsed / max(current, 1)
        if self.target is not None:
            digits = len(str(self.target))
            done = min(int(self.width * current / max(self.target, 1)), self.width)
            if self._dynamic:
                bar = "\x1b[32m" + "━" * done + "\x1b[0m" + "\x1b[2m" + \
                    "━" * (self.width - done) + "\x1b[0m"
            else:
                bar = "━" * done + "─" * (self.width - done)
            text = f"{current:{digits}d}/{self.target} {bar}"
            shown = elapsed if finalize else per_step * (self.target - current)
            text += f" {_format_time(shown)}"
        else:
            text = f"{current}"
        text += f" {_format_per_step(per_step, self.unit_name)}"
        metrics = self._metrics_text()
        return text + (" - " + metrics if metrics else "")

    def add(self, n: int, values=None) -> None:
        self.update(self._seen + n, values)
