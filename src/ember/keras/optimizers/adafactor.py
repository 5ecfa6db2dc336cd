"""Adafactor: Adam-like steps with factored second moments (Shazeer & Stern, 2018)."""
from __future__ import annotations

from typing import Any

import ember

from ..variables import KerasVariable
from .base_optimizer import Optimizer, read, scalar


class Adafactor(Optimizer):
    """Adafactor: for variables of rank >= 2 the second moment is stored as row and
    column means (``r``, ``c``) of the last two axes, so memory grows with
    ``rows + cols`` instead of ``rows * cols``. Steps are relative to the variable's RMS
    and clipped at ``clip_threshold``; with ``relative_step`` a float learning rate is
    capped at ``1 / sqrt(t)``.

    >>> w = ember.Variable([[1.0, 2.0], [3.0, 4.0]])
    >>> opt = Adafactor(learning_rate=0.1)
    >>> _ = opt.apply_gradients([(ember.ones((2, 2)), w)])
    >>> [round(x, 4) for x in w.numpy().ravel().tolist()]
    [0.7261, 1.7261, 2.7261, 3.7261]
    """

    def __init__(self, learning_rate: Any = 0.001, beta_2_decay: float = -0.8,
                 epsilon_1: float = 1e-30, epsilon_2: float = 1e-3,
                 clip_threshold: float = 1.0, relative_step: bool = True,
                 weight_decay: float | None = None, clipnorm: float | None = None,
                 clipvalue: float | None = None, global_clipnorm: float | None = None,
                 use_ema: bool = False, ema_momentum: float = 0.99,
                 ema_overwrite_frequency: int | None = None,
                 loss_scale_factor: float | None = None,
                 gradient_accumulation_steps: int | None = None, name: str | None = None,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue,
                         global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        self.beta_2_decay = beta_2_decay
        self.epsilon_1 = epsilon_1
        self.epsilon_2 = epsilon_2
        self.clip_threshold = clip_threshold
        self.relative_step = relative_step

    def build(self, var_list: list) -> None:
        """Per variable, in Keras's order: ``r`` and ``c`` (row / column statistics,
        scalar placeholders below rank 2), then the ``velocity`` slot."""
        if self.built:
            return
        super().build(var_list)
        self._r, self._c, self._v = [], [], []
        for var in var_list:
            skip = getattr(var, "overwrite_with_gradient", False)
            name = var.name.split(":")[0]
            if len(var.shape) < 2:
                self._r.append(self._placeholder(name))
                self._c.append(self._placeholder(name))
            elif skip:
                self._r.append(None)
                self._c.append(None)
            else:
                shape = tuple(var.shape)
                self._r.append(self.add_variable(shape[:-1], dtype=var.dtype, name=name))
                self._c.append(self.add_variable(shape[:-2] + shape[-1:], dtype=var.dtype,
                                                 name=name))
            self._v.append(None if skip else
                           self.add_variable_from_reference(var, name="velocity"))

    def _placeholder(self, name: str) -> KerasVariable:
        """An unused int32 scalar standing in for ``r`` / ``c`` (as Keras makes it)."""
        var = KerasVariable(0, dtype="int32", trainable=False, name=name,
                            path=f"{self.name}/{name}")
        self._track_variable(var)
        return var

    def _make_step_constants(self, dtype, learning_rate):
        lr = scalar(learning_rate, dtype)
        step = self._local_step(dtype)
        inverse_sqrt_step = 1 / ember.sqrt(step)
        if self.relative_step and not callable(self._learning_rate):
            lr = ember.minimum(lr, inverse_sqrt_step)
        rho = ember.minimum(lr, inverse_sqrt_step)
        beta_2 = 1 - ember.pow(step, scalar(self.beta_2_decay, dtype))
        return rho, beta_2, 1 - beta_2

    def update_step(self, gradient, variable, learning_rate) -> None:
        rho, beta_2, one_minus_beta_2 = self._step_constants(variable.dtype, learning_rate)
        dtype = variable.dtype
        gradient = ember.cast(gradient, dtype)
        index = self._get_variable_index(variable)
        r, c, v = self._r[index], self._c[index], self._v[index]
        w = read(variable)
        alpha = ember.maximum(scalar(self.epsilon_2, dtype), _rms(w)) * rho
        regulated = ember.square(gradient) + scalar(self.epsilon_1, dtype)
        if len(variable.shape) >= 2:
            r.assign(beta_2 * read(r) +
                     one_minus_beta_2 * ember.reduce_mean(regulated, axis=-1))
            c.assign(beta_2 * read(c) +
                     one_minus_beta_2 * ember.reduce_mean(regulated, axis=-2))
            row = read(r) / ember.reduce_mean(read(r), axis=-1, keepdims=True)
            v.assign(ember.expand_dims(row, -1) * ember.expand_dims(read(c), -2))
        else:
            v.assign(beta_2 * read(v) + one_minus_beta_2 * regulated)
        u = gradient / ember.sqrt(read(v))
        u_hat = u / ember.maximum(ember.ones_like(alpha),
                                  _rms(u) / scalar(self.clip_threshold, dtype))
        variable.assign_sub(alpha * u_hat)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"beta_2_decay": self.beta_2_decay, "epsilon_1": self.epsilon_1,
                       "epsilon_2": self.epsilon_2, "clip_threshold": self.clip_threshold,
                       "relative_step": self.relative_step})
        return config


def _rms(x):
    return ember.sqrt(ember.reduce_mean(ember.square(x)))


