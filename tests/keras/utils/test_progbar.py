"""keras.utils.Progbar and the ProgbarLogger that fit uses: plain lines when the output
is not a terminal, one redrawn line when it is."""
import io

import pytest

from ember import keras
from ember.keras.callbacks import ProgbarLogger
from ember.keras.utils import Progbar


class _TTY(io.StringIO):
    def isatty(self):
        return True


def _run_bar(target=5, **kwargs):
    stream = kwargs.pop("stream", None) or io.StringIO()
    bar = Progbar(target, interval=0, stream=stream, **kwargs)
    for step in range(1, 6):
        bar.update(step, [("loss", 1.0 / step)])
    return stream.getvalue()


def test_not_a_tty_writes_one_plain_line(monkeypatch):
    monkeypatch.setenv("EMBER_PROGBAR_TTY", "0")
    out = _run_bar()
    assert "\r" not in out and "\x1b" not in out and "\b" not in out
    assert out.count("\n") == 1 and out.endswith("\n")
    assert out.startswith("5/5 ") and "━" * 20 in out and "/step" in out
    assert "loss: 0.4567" in out           # mean of 1, 1/2, ... 1/5


def test_stream_isatty_decides_without_env(monkeypatch):
    monkeypatch.delenv("EMBER_PROGBAR_TTY", raising=False)
    assert "\r" not in _run_bar(stream=io.StringIO())
    assert "\r" in _run_bar(stream=_TTY())


def test_tty_redraws_one_line(monkeypatch):
    monkeypatch.setenv("EMBER_PROGBAR_TTY", "1")
    out = _run_bar()
    assert out.count("\r") == 5 and out.count("\n") == 1 and out.endswith("\n")
    frames = out.rstrip("\n").split("\r")[1:]
    assert [f.split()[0] for f in frames] == ["1/5", "2/5", "3/5", "4/5", "5/5"]
    assert "loss: 1.0000" in frames[0] and "loss: 0.4567" in frames[-1]
    # a shorter frame blanks out what is left of the longer one before it
    assert all(len(b) >= len(a.rstrip(" ")) for a, b in zip(frames, frames[1:]))


def test_env_forces_tty_off_for_a_terminal(monkeypatch):
    monkeypatch.setenv("EMBER_PROGBAR_TTY", "0")
    assert "\r" not in _run_bar(stream=_TTY())


def test_tty_respects_interval(monkeypatch):
    monkeypatch.setenv("EMBER_PROGBAR_TTY", "1")
    stream = io.StringIO()
    bar = Progbar(100, interval=3600, stream=stream)
    for step in range(1, 101):
        bar.update(step)
    assert stream.getvalue().count("\r") == 2     # the first draw and the final one


def test_verbose_two_and_zero(monkeypatch):
    monkeypatch.setenv("EMBER_PROGBAR_TTY", "1")
    out = _run_bar(verbose=2)
    assert "\r" not in out and out.count("\n") == 1
    assert _run_bar(verbose=0) == ""


def test_unknown_target_waits_for_finalize(monkeypatch):
    monkeypatch.setenv("EMBER_PROGBAR_TTY", "0")
    stream = io.StringIO()
    bar = Progbar(None, stream=stream)
    for step in range(1, 4):
        bar.update(step, [("loss", 1.0)])
    assert stream.getvalue() == ""
    bar.update(3, [("loss", 1.0)], finalize=True)
    assert stream.getvalue().count("\n") == 1 and stream.getvalue().startswith("3 ")


def test_stateful_metrics_shown_as_is(monkeypatch):
    monkeypatch.setenv("EMBER_PROGBAR_TTY", "0")
    stream = io.StringIO()
    bar = Progbar(2, stream=stream, stateful_metrics=["acc"])
    bar.update(1, [("acc", 0.5), ("loss", 1.0)])
    bar.update(2, [("acc", 0.25), ("loss", 0.5)])
    assert "loss: 0.7500" in stream.getvalue() and "acc: 0.2500" in stream.getvalue()


def test_add(monkeypatch):
    monkeypatch.setenv("EMBER_PROGBAR_TTY", "0")
    stream = io.StringIO()
    bar = Progbar(4, stream=stream)
    bar.add(2)
    bar.add(2)
    assert stream.getvalue().startswith("4/4 ")


def _logger_fit(epochs=2, steps=3, verbose=1):
    cb = ProgbarLogger()
    cb.set_params({"verbose": verbose, "epochs": epochs, "steps": steps})
    cb.on_train_begin({})
    for epoch in range(epochs):
        cb.on_epoch_begin(epoch, {})
        for b, loss in enumerate([1.0, 0.5, 0.4][:steps]):
            cb.on_train_batch_end(b, {"loss": loss})
        cb.on_test_begin({})                     # validation inside fit draws nothing
        cb.on_test_batch_end(0, {"loss": 9.0})
        cb.on_test_end({"loss": 9.0})
        cb.on_epoch_end(epoch, {"loss": 0.4, "val_loss": 0.3})
    cb.on_train_end({})


def test_progbar_logger_plain_lines(monkeypatch, capsys):
    monkeypatch.setenv("EMBER_PROGBAR_TTY", "0")
    _logger_fit()
    lines = capsys.readouterr().out.split("\n")
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and lines[4] == ""
    assert len(lines) == 5
    for line in (lines[1], lines[3]):
        assert line.startswith("3/3 ") and "val_loss: 0.3000" in line and "\r" not in line


def test_progbar_logger_tty(monkeypatch, capsys):
    monkeypatch.setenv("EMBER_PROGBAR_TTY", "1")
    _logger_fit(epochs=1)
    out = capsys.readouterr().out
    assert "\r" in out and out.endswith("\n") and "Epoch" not in out
    assert "val_loss: 0.3000" in out.split("\r")[-1]


def test_progbar_logger_verbose_two_is_plain(monkeypatch, capsys):
    monkeypatch.setenv("EMBER_PROGBAR_TTY", "1")
    _logger_fit(verbose=2)
    out = capsys.readouterr().out
    assert "\r" not in out and out.count("\n") == 4


def test_progbar_logger_shows_the_epoch_value(monkeypatch, capsys):
    monkeypatch.setenv("EMBER_PROGBAR_TTY", "0")
    _logger_fit(epochs=1)
    assert "loss: 0.4000" in capsys.readouterr().out


def test_public_names():
    assert keras.utils.Progbar is Progbar
    assert keras.callbacks.ProgbarLogger is ProgbarLogger
