"""What ``compile`` resolves: the loss over (possibly several) outputs, and the metrics."""
from __future__ import annotations

import weakref
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
    if isinstance(spec, (list, tuple)):
        if len(spec) != n:
            raise ValueError(f"{what} has {len(spec)} entries, but the model has {n} "
                             f"output{'s' if n > 1 else ''}")
        return list(spec)
    return [spec] * n


def _targets(y_true, y_pred, preds: list) -> list:
    """The target of each output: matched by name when both are dicts; a one-element
    list or tuple is the target of a single-output model (``fit(x, [y])``)."""
    if isinstance(y_pred, dict) and isinstance(y_true, dict):
        return [y_true[k] for k in y_pred]
    if len(preds) > 1 or (isinstance(y_true, (list, tuple)) and len(y_true) == 1):
        return _as_list(y_true)
    return [y_true]


class CompileLoss:
    """The compiled loss: one loss per output, weighted and summed."""

    def __init__(self, loss: Any, loss_weights: Any = None):
        self.loss = loss
        self.loss_weights = loss_weights
        self._fns = None
        self._names = None
        self.dict_outputs = False

    def build(self, model, y_true, y_pred) -> None:
        from .. import losses
        names = _output_names(model)
        # Keras flattens dict outputs by sorted key: the order its per-output losses take
        self.dict_outputs = isinstance(y_pred, dict)
        if isinstance(y_pred, dict):
            names = list(y_pred.keys())
        per_output = _align(self.loss, y_pred, names, "loss")
        weights = _align(self.loss_weights, y_pred, names, "loss_weights") \
            if self.loss_weights is not None else [None] * len(per_output)
        preds = _as_list(y_pred)
        trues = _targets(y_true, y_pred, preds)
        self._fns = [None if l is None else losses.get_for_output(l, yt, yp)
                     for l, yt, yp in zip(per_output, trues, preds)]
        self._weights = [1.0 if w is None else float(w) for w in weights]
        n = len(per_output)
        self._names = [f"{names[i]}_loss" if i < len(names) else f"output_{i}_loss"
                       for i in range(n)] if n > 1 else ["loss"]

    def __call__(self, y_true, y_pred, sample_weight=None) -> tuple:
        """(total loss, [per-output losses])."""
        preds = _as_list(y_pred)
        trues = _targets(y_true, y_pred, preds)
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
    """Compiled metrics, one group per output, resolved on the first batch.

    The names they are logged under follow Keras 3: the metric's name, prefixed by the
    output's name when the model has several outputs; a weighted metric whose name is
    taken gets a ``weighted_`` prefix after the output's name; a name taken again gets
    ``_1``, ``_2``...
    """

    # as Keras, this object is itself one of ``model.metrics`` (named
    # "compile_metrics"), so a custom ``train_step`` looping over ``self.metrics`` updates
    # it with ``(y, y_pred)`` and gets a dict from ``result()``; it is not tracked as an
    # attribute metric of the model
    _is_keras_metric = False
    name = "compile_metrics"

    def __init__(self, metrics: Any, weighted_metrics: Any, loss: Any, model: Any = None):
        self.metrics_spec = metrics
        self.weighted_spec = weighted_metrics
        self.loss_spec = loss
        self.groups = None   # list per output of [(metric, weighted)]
        self.names = []      # the logged name of each metric, in `metrics` order
        self.built = False
        self._model = None if model is None else weakref.ref(model)

    def build(self, model, y_true, y_pred) -> None:
        from .. import metrics as metrics_mod
        names = _output_names(model)
        if isinstance(y_pred, dict):
            names = list(y_pred.keys())
        preds = _as_list(y_pred)
        n = len(preds)
        trues = _targets(y_true, y_pred, preds)
        losses = _align(self.loss_spec, y_pred, names, "loss") if self.loss_spec is not None \
            else [None] * n
        groups = [[] for _ in range(n)]
        for spec, weighted in ((self.metrics_spec, False), (self.weighted_spec, True)):
            if spec is None:
                continue
            what = "weighted_metrics" if weighted else "metrics"
            for i, ms in enumerate(self._per_output(spec, y_pred, names, n, what)):
                for m in ms:
                    metric = metrics_mod.get_for_output(m, trues[i], preds[i], losses[i])
                    groups[i].append((metric, weighted))
        self.groups = groups
        prefixes = [None] if n == 1 else \
            [names[i] if i < len(names) else f"output_{i}" for i in range(n)]
        self.names = _logged_names(groups, prefixes)
        self.built = True

    @staticmethod
    def _per_output(spec, y_pred, names, n, what) -> list:
        """The metrics of each output (Keras 3): with one output, every metric given; with
        several, a dict by output name, or a list or tuple with one entry (a metric, a
        list of them or None) per output; another list applies to every output."""
        def entries(s) -> list:
            if s is None:
                return []
            return list(s) if isinstance(s, (list, tuple)) else [s]

        if n == 1:
            if isinstance(spec, dict):
                return [[m for v in spec.values() for m in entries(v)]]
            if isinstance(spec, (list, tuple)) and len(spec) == 1 and \
                    (spec[0] is None or isinstance(spec[0], (list, tuple))):
                return [entries(spec[0])]      # [["mae"]]: the one output's list
            return [entries(spec)]
        if isinstance(spec, dict):
            keys = list(y_pred.keys()) if isinstance(y_pred, dict) else names
            unknown = [k for k in spec if k not in keys]
            if unknown:
                raise ValueError(f"{what} given for unknown outputs {sorted(unknown)}; the "
                                 f"model's outputs are {keys}")
            return [entries(spec.get(k)) for k in keys]
        if isinstance(spec, (list, tuple)) and len(spec) == n:
            return [entries(s) for s in spec]
        if isinstance(spec, (list, tuple)) and spec and \
                all(isinstance(s, (list, tuple)) or s is None for s in spec):
            raise ValueError(f"{what} has {len(spec)} lists, but the model has {n} outputs")
        return [entries(spec) for _ in range(n)]

    @property
    def metrics(self) -> list:
        if not self.built:
            return []
        return [m for group in self.groups for m, _ in group]

    def result(self) -> dict:
        """Each metric's result under its logged name."""
        return {name: m.result() for name, m in zip(self.names, self.metrics)}

    @property
    def variables(self) -> list:
        return [v for m in self.metrics for v in m.variables]

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        if not self.built:
            model = self._model() if self._model is not None else None
            if model is None:
                raise ValueError("The compiled metrics were used before being built: "
                                 "call the model's compute_metrics(x, y, y_pred) first")
            self.build(model, y_true, y_pred)
        preds = _as_list(y_pred)
        trues = _targets(y_true, y_pred, preds)
        sws = _as_list(sample_weight) if isinstance(sample_weight, (list, tuple, dict)) \
            else [sample_weight] * len(preds)
        for group, yt, yp, sw in zip(self.groups, trues, preds, sws):
            for metric, weighted in group:
                # plain metrics ignore sample weights; weighted_metrics use them (Keras 3)
                metric.update_state(yt, yp, sample_weight=sw if weighted else None)

    def reset_state(self) -> None:
        for m in self.metrics:
            m.reset_state()


def _logged_names(groups: list, prefixes: list) -> list:
    """Keras 3's names for the compiled metrics, ordered as ``CompileMetrics.metrics``:
    all plain metrics (output by output) claim names first, then the weighted ones."""
    def full(prefix, name):
        return f"{prefix}_{name}" if prefix else name

    taken: dict = {}
    named: dict = {}
    for weighted_pass in (False, True):
        for g, (group, prefix) in enumerate(zip(groups, prefixes)):
            for j, (metric, weighted) in enumerate(group):
                if weighted != weighted_pass:
                    continue
                name = full(prefix, metric.name)
                if name in taken and weighted:
                    name = full(prefix, f"weighted_{metric.name}")
                if name in taken:
                    taken[name] += 1
                    name = f"{name}_{taken[name] - 1}"
                else:
                    taken[name] = 1
                named[g, j] = name
    return [named[g, j] for g, group in enumerate(groups) for j in range(len(group))]
