"""``ember.train.ExponentialMovingAverage``: shadow copies of variables that follow them
as exponential moving averages (TensorFlow's ``tf.train.ExponentialMovingAverage``)."""
from __future__ import annotations

from typing import Any

from ..core.tensor import Tensor
from ..core.variable import Variable


def _base_name(variable: Variable) -> str:
    name = variable.name
    return name[:-2] if name.endswith(":0") else name


class ExponentialMovingAverage:
    """Keeps ``average(v)`` for each variable ``v`` given to ``apply``: created equal to
    ``v``, then moved by every ``apply`` as ``shadow -= (1 - decay) * (shadow - v)``.
    With ``num_updates`` (a number or variable), the decay used is
    ``min(decay, (1 + num_updates) / (10 + num_updates))``, faster early in training.
    It works eagerly and inside ``ember.function``.

    >>> import ember
    >>> w = ember.Variable(1.0, name="w")
    >>> ema = ember.train.ExponentialMovingAverage(decay=0.9)
    >>> ema.apply([w])
    >>> _ = w.assign(2.0); ema.apply([w])
    >>> round(float(ema.average(w)), 4), ema.average_name(w)
    (1.1, 'w/ExponentialMovingAverage')
    """

    def __init__(self, decay: Any, num_updates: Any = None, zero_debias: bool = False,
                 name: str = "ExponentialMovingAverage"):
        self._decay = decay
        self._num_updates = num_updates
        self._zero_debias = zero_debias
        self._name = name
        self._averages: dict[int, Variable] = {}

    @property
    def name(self) -> str:
        return self._name

    @property
    def decay(self) -> Any:
        return self._decay

    def _current_decay(self) -> Any:
        if self._num_updates is None:
            return self._decay
        import ember
        n = ember.cast(self._num_updates, ember.float32)
        return ember.minimum(ember.cast(self._decay, ember.float32), (1.0 + n) / (10.0 + n))

    def apply(self, var_list: Any = None) -> None:
        """Create the averages of ``var_list`` (float variables) not yet averaged, then
        move every one of them towards its variable's current value."""
        variables = list(var_list or [])
        for v in variables:
            if isinstance(v, Tensor) and not isinstance(v, Variable):
                raise TypeError("ember.train.ExponentialMovingAverage.apply: plain tensors "
                                "are not supported (as in TensorFlow's eager mode); give "
                                f"variables. Got a tensor of shape {tuple(v.shape)}")
            if not isinstance(v, Variable):
                raise TypeError("ember.train.ExponentialMovingAverage.apply: expected "
                                f"variables; got {type(v).__name__}")
            if not v.dtype.is_floating:
                raise TypeError("The variables must be half, float, or double: "
                                f"{v.name} is {v.dtype.name}")
        for v in variables:
            if id(v) not in self._averages:
                self._averages[id(v)] = Variable(v.read_value(), trainable=False,
                                                 name=self.average_name(v))
        decay = self._current_decay()
        for v in variables:
            shadow = self._averages[id(v)]
            value = v.read_value()
            shadow.assign_sub((shadow.read_value() - value) * (1.0 - decay))

    def average(self, var: Variable) -> Variable | None:
        """The moving-average variable of ``var``, or None if it was never applied."""
        return self._averages.get(id(var))

    def average_name(self, var: Variable) -> str:
        """The name of ``var``'s average: ``"<var name>/<EMA name>"``."""
        return f"{_base_name(var)}/{self._name}"
