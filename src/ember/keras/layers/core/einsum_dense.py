"""keras.layers.EinsumDense: ``activation(einsum(equation, inputs, kernel) + bias)``."""
from __future__ import annotations

import re
from typing import Any, NamedTuple

import ember

from ... import activations, constraints, initializers, regularizers
from ...models.layer import Layer
from ..floating_inputs import as_floating
from ..input_spec import InputSpec


class EinsumDense(Layer):
    """A dense layer of any rank, written as an einsum equation.

    ``output_shape`` is the output without its batch dimension and without the
    dimensions an ellipsis stands for; ``bias_axes`` names the output letters that
    get a bias. The weights are ``kernel`` (the letters of the second operand) and
    ``bias``.

    >>> from ember import keras
    >>> layer = keras.layers.EinsumDense("ab,bc->ac", output_shape=4, bias_axes="c")
    >>> layer(ember.ones((2, 3))).shape
    TensorShape([2, 4])
    >>> layer.kernel.shape
    TensorShape([3, 4])
    """

    def __init__(self, equation: str, output_shape: Any, activation: Any = None,
                 bias_axes: str | None = None, kernel_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None,
                 bias_regularizer: Any = None, kernel_constraint: Any = None,
                 bias_constraint: Any = None, lora_rank: int | None = None,
                 lora_alpha: float | None = None, gptq_unpacked_column_size: Any = None,
                 quantization_config: Any = None, **kwargs):
        super().__init__(**kwargs)
        if lora_rank or quantization_config is not None or gptq_unpacked_column_size:
            raise NotImplementedError(
                f"EinsumDense '{self.name}': LoRA and quantization are not supported in "
                f"Ember yet (got lora_rank={lora_rank!r}, quantization_config="
                f"{quantization_config!r}).")
        parse_equation(equation)  # fail early on a malformed equation
        self.equation = equation
        self.partial_output_shape = (output_shape,) if isinstance(output_shape, int) \
            else tuple(output_shape)
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.lora_rank = None
        self.lora_alpha = None
        self.lora_enabled = False
        self.quantization_config = None

    def build(self, input_shape):
        shapes = analyze_einsum(self.equation, self.bias_axes, input_shape,
                                self.partial_output_shape, self.name)
        self.input_spec = InputSpec(ndim=len(input_shape))
        init = _fan_aware(self.kernel_initializer, shapes.kernel, shapes.input_axes,
                          shapes.output_axes)
        self.kernel = self.add_weight(name="kernel", shape=shapes.kernel, initializer=init,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = None if shapes.bias is None else self.add_weight(
            name="bias", shape=shapes.bias, initializer=self.bias_initializer,
            regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        self.built = True

    def call(self, inputs):
        inputs = as_floating(inputs, self.compute_dtype)
        x = ember.einsum(self.equation, inputs, self.kernel)
        if self.bias is not None:
            x = x + self.bias
        if self.activation is not activations.linear:
            x = self.activation(x)
        return x

    def compute_output_shape(self, input_shape):
        return analyze_einsum(self.equation, self.bias_axes, tuple(input_shape),
                              self.partial_output_shape, self.name).output

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "output_shape": self.partial_output_shape,
            "equation": self.equation,
            "activation": activations.serialize(self.activation),
            "bias_axes": self.bias_axes,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "quantization_config": None,
        })
        return config


class EinsumShapes(NamedTuple):
    """What an equation and an input shape imply: weight shapes and the output shape."""
    kernel: tuple
    bias: tuple | None
    output: tuple
    input_axes: list   # kernel axes that come from the input (fan in)
    output_axes: list  # kernel axes that appear in the output (fan out)


_FORMS = (  # (regex over the equation with "..." written as "0", where the ellipsis is)
    (re.compile(r"^([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$"), None),
    (re.compile(r"^0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)$"), "left"),
    (re.compile(r"^([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0$"), "right"),
)


def parse_equation(equation: str) -> tuple[str, str, str, str | None]:
    """``(input_spec, kernel_spec, output_spec, ellipsis)`` of an EinsumDense equation.

    >>> parse_equation("...b,bc->...c")
    ('b', 'bc', 'c', 'left')
    """
    text = str(equation).replace(" ", "").replace("...", "0")
    for pattern, ellipsis in _FORMS:
        match = pattern.match(text)
        if match:
            return match.group(1), match.group(2), match.group(3), ellipsis
    raise ValueError(f"Invalid einsum equation '{equation}'. Equations must be in the form "
                     "[X],[Y]->[Z], ...[X],[Y]->...[Z], or [X]...,[Y]->[Z]....")


def analyze_einsum(equation: str, bias_axes: str | None, input_shape: tuple,
                   output_shape: tuple, layer: str = "einsum_dense") -> EinsumShapes:
    """Kernel, bias and full output shapes for ``equation`` applied to ``input_shape``.

    >>> analyze_einsum("abc,cd->abd", "d", (None, 5, 3), (5, 4)).kernel
    (3, 4)
    """
    in_spec, k_spec, out_spec, ellipsis = parse_equation(equation)
    input_shape = tuple(input_shape)
    elided = len(input_shape) - len(in_spec)
    if (ellipsis is None and elided != 0) or elided < 0:
        raise ValueError(f"EinsumDense '{layer}': equation '{equation}' expects inputs of "
                         f"rank {len(in_spec)}{' or more' if ellipsis else ''}; received "
                         f"input shape {input_shape}")
    partial = [output_shape] if isinstance(output_shape, int) else list(output_shape)
    if ellipsis == "left":
        # batch, then the dimensions "..." stands for, then the named output letters
        full = [input_shape[0]] + list(input_shape[1:elided]) + partial
        in_pos = {c: elided + i for i, c in enumerate(in_spec)}
        out_pos = {c: elided + i for i, c in enumerate(out_spec)}
    else:
        full = [input_shape[0]] + partial
        if ellipsis == "right":
            full += list(input_shape[len(input_shape) - elided:])
        in_pos = {c: i for i, c in enumerate(in_spec)}
        out_pos = {c: i for i, c in enumerate(out_spec)}
    if len(full) != len(out_pos) + (elided if ellipsis else 0):
        raise ValueError(f"EinsumDense '{layer}': output_shape {tuple(partial)} does not fit "
                         f"the output '{out_spec}' of equation '{equation}' (it gives the "
                         "output without its batch dimension)")
    for c in in_spec:
        if c in out_pos:
            want, got = full[out_pos[c]], input_shape[in_pos[c]]
            if want is not None and got is not None and want != got:
                raise ValueError(f"Input shape and output shape do not match at shared "
                                 f"dimension '{c}'. Input shape is {got}, and output shape "
                                 f"is {want}.")
            if want is None:
                full[out_pos[c]] = got
    for c in out_spec:
        if c not in in_spec and c not in k_spec:
            raise ValueError(f"Dimension '{c}' was specified in the output '{out_spec}' but "
                             f"has no corresponding dim in the input spec '{in_spec}' or "
                             f"weight spec '{k_spec}'")
    kernel, input_axes, output_axes = [], [], []
    for i, c in enumerate(k_spec):
        if c in out_pos:
            kernel.append(full[out_pos[c]])
            output_axes.append(i)
        elif c in in_pos:
            kernel.append(input_shape[in_pos[c]])
            input_axes.append(i)
        else:
            raise ValueError(f"Weight dimension '{c}' did not have a match in either the "
                             f"input spec '{in_spec}' or the output spec '{out_spec}'. For "
                             "this layer, the weight must be fully specified.")
        if kernel[-1] is None:
            raise ValueError(f"EinsumDense '{layer}': the kernel dimension '{c}' of equation "
                             f"'{equation}' is unknown for input shape {input_shape} and "
                             f"output_shape {tuple(partial)}; give it in output_shape or in "
                             "the input shape")
    bias = None
    if bias_axes is not None:
        for c in bias_axes:
            if c not in out_spec:
                raise ValueError(f"Bias dimension '{c}' was requested, but is not part of "
                                 f"the output spec '{out_spec}'")
        first = min(out_spec.index(c) for c in bias_axes)
        bias = [full[out_pos[c]] if c in bias_axes else 1 for c in out_spec[first:]]
        if ellipsis == "right":
            bias += [1] * elided
        bias = tuple(bias)
    return EinsumShapes(tuple(kernel), bias, tuple(full), input_axes, output_axes)


def _fan_aware(init: Any, shape: tuple, input_axes: list, output_axes: list) -> Any:
    """A variance-scaling initializer whose fans are the kernel's input and output axes.

    Keras counts ``fan_in`` as the product of the kernel axes that come from the input
    and ``fan_out`` as that of the axes in the output. Values are i.i.d., so drawing a
    ``(fan_in, fan_out)`` matrix and reshaping it gives exactly that distribution.
    """
    if not isinstance(init, initializers.VarianceScaling) or \
            (len(shape) == 2 and input_axes == [0] and output_axes == [1]):
        return init
    fan_in = 1
    for a in input_axes:
        fan_in *= shape[a]
    fan_out = 1
    for a in output_axes:
        fan_out *= shape[a]

    def draw(shape_, dtype=None):
        return ember.reshape(init((fan_in, fan_out), dtype=dtype), tuple(shape_))
    return draw
