"""What ``compile`` resolves: the loss over (possibly several) outputs, and the metrics."""
from __future__ import annotations

from typing import Any

import ember


def _output_names(model) -> list:
    outputs = getattr(model, "outputs", None)
    if outputs:
        return [t._keras_history[0].name if t._keras_history else f"output_{i}"
                for i, t in enumerate(outputs)]
    return []


def _as_list(y) -> list:
    if isinstance(y, dict):
        return list(y.values())
    if isinstance(y, (list, tuple)):
        return list(y)
    return [y]


def _align(spec, y_pred, names: list, what: str) -> list:
    """Per-output entries of ``spec`` (a single value, a list, or a dict by output name)."""
    n = len(_as_list(y_pred))
    if isinstance(y_pred, dict):
        keys = list(y_pred.keys())
        if isinstance(spec, dict):
            unknown = set(spec) - set(keys)
            if unknown:
                raise ValueError(f"{what} given for unknown outputs {sorted(unknown)}; the "
                                 f"model's outputs are {keys}")
            return [spec.get(k) for k in keys]
        if isinstance(spec, (list, tuple)):
            return list(spec)
        return [spec] * n
    if isinstance(spec, dict):
        if not names:
            raise ValueError(f"{what} is a dict, but the model's outputs have no names")
        unknown = set(spec) - set(names)
        if unknown:
            raise ValueError(f"{what} given for unknown outputs {sorted(unknown)}; the "
                             f"model's outputs are {names}")
        return [spec.get(k) for k in names]
    if isinstance(spec, (list, tuple)) and n > 1:
        if len(spec) != n:
            raise ValueError(f"{what} has {len(spec)} entries, but the model has {n} outputs")
        return list(spec)
    return [spec] * n


class CompileLoss:
    """The compiled loss: one loss per output, weighted and summed."""

    def __init__(self, loss: Any, loss_weights: Any = None):
        self.loss = loss
        self.loss_weights = loss_weights
        self._fns = None
        self._names = None

    def build(self, model, y_true, y_pred) -> None:
        from .. import losses
        names = _output_names(model)
        if isinstance(y_pred, dict):
            names = list(y_pred.keys())
        per_output = _align(self.loss, y_pred, names, "loss")
        weights = _align(self.loss_weights, y_pred, names, "loss_weights") \
            if self.loss_weights is not None else [None] * len(per_output)
        preds = _as_list(y_pred)
        trues = _as_list(y_true) if len(preds) > 1 else [y_true]
        self._fns = [None if l is None else losses.get_for_output(l, yt, yp)
                     for l, yt, yp in zip(per_output, trues, preds)]
        self._weights = [1.0 if w is None else float(w) for w in weights]
        n = len(per_output)
        self._names = [f"{names[i]}_loss" if i < len(names) else f"output_{i}_loss"
                       for i in range(n)] if n > 1 else ["loss"]

    def __call__(self, y_true, y_pred, sample_weight=None) -> tuple:
        """(total loss, [per-output losses])."""
        preds = _as_list(y_pred)
        if isinstance(y_pred, dict) and isinstance(y_true, dict):
            trues = [y_true[k] for k in y_pred]
        else:
            trues = _as_list(y_true) if len(preds) > 1 else [y_true]
        if len(trues) != len(preds):
            raise ValueError(f"The model has {len(preds)} outputs but {len(trues)} targets "
                             "were given")
        sws = _as_list(sample_weight) if isinstance(sample_weight, (list, tuple, dict)) \
            else [sample_weight] * len(preds)
        total = None
        parts = []
        for fn, w, yt, yp, sw in zip(self._fns, self._weights, trues, preds, sws):
            if fn is None or yt is None:
                parts.append(None)
                continue
            value = _call_loss(fn, yt, yp, sw)
            parts.append(value)
            term = value * w if w != 1.0 else value
            total = term if total is None else total + term
        if total is None:
            total = ember.constant(0.0)
        return total, parts


def _call_loss(fn, y_true, y_pred, sample_weight):
    """A compiled loss is always a keras Loss (get_for_output wraps plain functions)."""
    return fn(y_true, y_pred, sample_weight=sample_weight)


class CompileMetrics:
    """Compiled metrics, one group per output, resolved on the first batch."""

    def __init__(self, metrics: Any, weighted_metrics: Any, loss: Any):
        self.metrics_spec = metrics
        self.weighted_spec = weighted_metrics
        self.loss_spec = loss
        self.groups = None   # list per output of [(metric, weighted)]
        self.built = False

    def build(self, model, y_true, y_pred) -> None:
        from .. import metrics as metrics_mod
        names = _output_names(model)
        if isinstance(y_pred, dict):
            names = list(y_pred.keys())
        preds = _as_list(y_pred)
        n = len(preds)
        trues = _as_list(y_true) if n > 1 else [y_true]
        losses = _align(self.loss_spec, y_pred, names, "loss") if self.loss_spec is not None \
            else [None] * n
        groups = []
        for spec, weighted in ((self.metrics_spec, False), (self.weighted_spec, True)):
            if spec is None:
                continue
            per_output = self._per_output(spec, y_pred, names, n)
            for i, ms in enumerate(per_output):
                while len(groups) <= i:
                    groups.append([])
                for m in ms or []:
                    metric = metrics_mod.get_for_output(m, trues[i], preds[i], losses[i])
                    if n > 1:
                        metric.name = f"{names[i]}_{metric.name}" if i < len(names) else \
                            f"output_{i}_{metric.name}"
                    if weighted:
                        metric.name = f"weighted_{metric.name}" if not \
                            metric.name.startswith("weighted_") else metric.name
                    groups[i].append((metric, weighted))
        self.groups = groups + [[] for _ in range(n - len(groups))]
        self.built = True

    @staticmethod
    def _per_output(spec, y_pred, names, n) -> list:
        if isinstance(spec, dict):
            keys = list(y_pred.keys()) if isinstance(y_pred, dict) else names
            return [(spec.get(k) if isinstance(spec.get(k), (list, tuple)) or
                     spec.get(k) is None else [spec.get(k)]) for k in keys]
        if not isinstance(spec, (list, tuple)):
            spec = [spec]
        if n > 1 and spec and all(isinstance(s, (list, tuple)) or s is None for s in spec):
            if len(spec) != n:
                raise ValueError(f"metrics has {len(spec)} lists, but the model has {n} "
                                 "outputs")
            return [list(s or []) for s in spec]
        return [list(spec) for _ in range(n)]

    @property
    def metrics(self) -> list:
        if not self.built:
            return []
        return [m for group in self.groups for m, _ in group]

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        preds = _as_list(y_pred)
        if isinstance(y_pred, dict) and isinstance(y_true, dict):
            trues = [y_true[k] for k in y_pred]
        else:
            trues = _as_list(y_true) if len(preds) > 1 else [y_true]
        sws = _as_list(sample_weight) if isinstance(sample_weight, (list, tuple, dict)) \
            else [sample_weight] * len(preds)
        for group, yt, yp, sw in zip(self.groups, trues, preds, sws):
            for metric, weighted in group:
                # plain metrics ignore sample weights; weighted_metrics use them (Keras 3)
                metric.update_state(yt, yp, sample_weight=sw if weighted else None)

    def reset_state(self) -> None:
        for m in self.metrics:
            m.reset_state()
