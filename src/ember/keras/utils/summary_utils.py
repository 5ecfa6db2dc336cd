"""model.summary(): Keras 3's table of layers, output shapes and parameter counts."""
from __future__ import annotations

import re
import shutil

import numpy as np


def _count(weights) -> int:
    seen, total = set(), 0
    for w in weights:
        if id(w) not in seen:
            seen.add(id(w))
            total += int(np.prod(w.shape))
    return total


def _bytes(weights) -> int:
    seen, total = set(), 0
    for w in weights:
        if id(w) not in seen:
            seen.add(id(w))
            total += int(np.prod(w.shape)) * w.dtype.size
    return total


def readable_size(n: float) -> str:
    """``18.79 KB`` style sizes, as Keras prints them."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:.2f} {unit}"
        n /= 1024.0
    return f"{n:.2f} TB"


def _format_shape(shape) -> str:
    return "(" + ", ".join(str(d) for d in shape) + ")"


def _output_shape(layer) -> str:
    """Keras's "Output Shape" cell: the output of the layer's last call, or for a layer
    only ever called on data, what ``compute_output_shape`` gives for its build shape."""
    nodes = [n for n in getattr(layer, "_inbound_nodes", []) if n.outputs]
    if nodes:
        structure = nodes[-1].output_structure
        from ..models.keras_tensor import KerasTensor
        if isinstance(structure, KerasTensor):
            return _format_shape(structure.shape)
        texts = _map_structure(lambda t: _format_shape(t.shape), structure)
        flat = [t for t in _flat(texts)]
        return flat[0] if len(flat) == 1 else str(texts).replace("'", "")
    shapes = getattr(layer, "_build_shapes", None)
    if not getattr(layer, "built", False) or shapes is None:
        return "?"
    try:
        out = layer.compute_output_shape(shapes)
    except Exception:       # noqa: BLE001 - a layer that cannot say shows "?"
        return "?"
    if _is_shape(out):
        return _format_shape(out)
    texts = _map_shapes(out)
    flat = list(_flat(texts))
    return flat[0] if len(flat) == 1 else str(texts).replace("'", "")


def _is_shape(x) -> bool:
    return isinstance(x, (tuple, list)) and all(d is None or isinstance(d, (int, np.integer))
                                               for d in x)


def _map_shapes(x):
    if _is_shape(x):
        return _format_shape(x)
    if isinstance(x, dict):
        return {k: _map_shapes(v) for k, v in x.items()}
    return type(x)(_map_shapes(v) for v in x)


def _map_structure(fn, x):
    if isinstance(x, dict):
        return {k: _map_structure(fn, v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(_map_structure(fn, v) for v in x)
    return fn(x)


def _flat(x):
    if isinstance(x, dict):
        for v in x.values():
            yield from _flat(v)
    elif isinstance(x, (list, tuple)):
        for v in x:
            yield from _flat(v)
    else:
        yield x


def _connected_to(layer, relevant: set) -> str:
    refs = []
    for node in getattr(layer, "_inbound_nodes", []):
        if relevant and id(node) not in relevant:
            continue
        for t in node.input_tensors:
            src, node_index, tensor_index = t._keras_history
            refs.append(f"{src.name}[{node_index}][{tensor_index}]")
    return ", ".join(refs) if refs else "-"


def _type_name(layer) -> str:
    """The class name Keras shows: an operation recorded by ``keras.ops`` or a Python
    operator shows as Keras's operation class (``Add``, ``Concatenate``)."""
    envelope = getattr(layer, "keras_envelope", None)
    if envelope is not None:
        try:
            env = envelope()
        except Exception:       # noqa: BLE001 - fall back to the Python class name
            env = None
        if env:
            return env["class_name"]
        base = "".join(p.capitalize() for p in
                       getattr(getattr(layer, "fn", None), "__name__", "").split("_"))
        return base or type(layer).__name__
    return type(layer).__name__


def _sequential_like(model) -> bool:
    """Keras's test for leaving out "Connected to": one node per depth, each with one
    input, and no layer called twice."""
    from ..models.functional import Functional
    if not isinstance(model, Functional):
        return True
    by_depth: dict = {}
    for node in model._nodes:
        by_depth.setdefault(model._node_depths[id(node)], []).append(node)
    for nodes in by_depth.values():
        if len(nodes) > 1 or len(nodes[0].input_tensors) > 1:
            return False
    kept = {id(n) for n in model._nodes}
    for layer in model.layers:
        if sum(id(n) in kept for n in layer._inbound_nodes) > 1:
            return False
    return True


def _ratio_reduce(total: int, widths: list) -> list:
    """Take ``total`` cells off the columns, spread evenly (rich's ratio_reduce, which
    Keras's table goes through)."""
    remaining, count, out = total, len(widths), []
    for w in widths:
        cut = min(w, round(remaining / count))
        out.append(w - cut)
        remaining -= cut
        count -= 1
    return out


def _wrap(text: str, width: int) -> list:
    """A cell's lines: word-wrapped to ``width``, a word longer than a line cut with an
    ellipsis (rich's wrapping with overflow="ellipsis")."""
    breaks, offset = [], 0
    for match in re.finditer(r"\s*\S+\s*", text):
        start, word = match.start(), match.group(0)
        length = len(word.rstrip())
        if width - offset >= length:
            offset += len(word)
        elif length > width:
            if start:
                breaks.append(start)
            offset = len(word)
        elif offset and start:
            breaks.append(start)
            offset = len(word)
    lines = [text[a:b].rstrip() for a, b in zip([0] + breaks, breaks + [len(text)])]
    return [line if len(line) <= width else line[:width - 1] + "…" for line in lines] or [""]


def _justify(text: str, width: int, how: str) -> str:
    if how == "right":
        return text.rjust(width)
    if how == "center":
        left = (width - len(text)) // 2
        return " " * left + text + " " * (width - len(text) - left)
    return text.ljust(width)


def _layer_range(layers: list, layer_range) -> tuple[int, int]:
    if layer_range is None:
        return 0, len(layers)
    if len(layer_range) != 2:
        raise ValueError("layer_range must be a list or tuple of length 2. Received: "
                         f"layer_range = {layer_range} of length {len(layer_range)}")
    if not all(isinstance(n, str) for n in layer_range):
        raise ValueError(f"layer_range should contain string type only. Received: "
                         f"{layer_range}")
    lower = [i for i, l in enumerate(layers) if re.match(layer_range[0], l.name)]
    upper = [i for i, l in enumerate(layers) if re.match(layer_range[1], l.name)]
    if not lower or not upper:
        raise ValueError("Passed layer_names do not match the layer names in the model. "
                         f"Received: {layer_range}")
    if min(lower) > max(upper):
        return min(upper), max(lower) + 1
    return min(lower), max(upper) + 1


def print_summary(model, line_length=None, positions=None, print_fn=None,
                  expand_nested=False, show_trainable=False, layer_range=None) -> None:
    """Print (or hand to ``print_fn`` line by line) Keras 3's summary table of
    ``model``: the same columns, widths, wrapping and totals.

    >>> from ember import keras
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="d")])
    >>> lines = []
    >>> model.summary(print_fn=lines.append, line_length=76)
    >>> lines[4]
    '│ d (Dense)                       │ (None, 2)              │             8 │'
    """
    from ..models.functional import Functional
    print_fn = print_fn or print
    sequential_like = _sequential_like(model)
    layers = list(model._layers) if isinstance(model, Functional) else model.layers
    if sequential_like:
        default_length, positions = 88, positions or [0.45, 0.80, 1.0]
        headers = ["Layer (type)", "Output Shape", "Param #"]
        align = ["left", "left", "right"]
        relevant: set = set()
    else:
        default_length, positions = 108, positions or [0.3, 0.56, 0.74, 1.0]
        headers = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
        align = ["left", "left", "right", "left"]
        relevant = {id(n) for n in model._nodes}
    if show_trainable:
        default_length += 12
        positions = [p * 0.90 for p in positions] + [1.0]
        headers.append("Trainable")
        align.append("center")
    line_length = line_length or min(default_length,
                                     shutil.get_terminal_size().columns - 4)
    widths, current = [], 0
    for pos in positions:
        width = int(pos * line_length) - current
        if width < 4:
            raise ValueError("Insufficient console width to print summary.")
        widths.append(width)
        current += width
    # rich: each column is padded by one cell a side and the table (borders included)
    # must fit in `line_length`
    padded = [w + 2 for w in widths]
    excess = sum(padded) - (line_length - len(padded) - 1)
    if excess > 0:
        padded = _ratio_reduce(excess, padded)
    cells = [w - 2 for w in padded]

    def row_fields(layer, prefix: str) -> list:
        built = getattr(layer, "built", True)
        params = f"{_count(layer.weights):,}" if built else "0 (unbuilt)"
        fields = [f"{prefix}{layer.name} ({_type_name(layer)})", _output_shape(layer),
                  params]
        if not sequential_like:
            fields.append(_connected_to(layer, relevant))
        if show_trainable:
            fields.append(("Y" if layer.trainable else "N") if layer.weights else "-")
        return fields

    def rows_of(layer, level: int = 0) -> list:
        prefix = "   " * level + "└ " if level else ""
        rows = [row_fields(layer, prefix)]
        nested = getattr(layer, "layers", None) if expand_nested else None
        if nested:
            for sub in nested:
                rows.extend(rows_of(sub, level + 1))
        return rows

    def text_lines(fields: list) -> list:
        wrapped = [_wrap(f, w) for f, w in zip(fields, cells)]
        height = max(len(w) for w in wrapped)
        out = []
        for i in range(height):
            parts = [_justify(w[i] if i < len(w) else "", c, a)
                     for w, c, a in zip(wrapped, cells, align)]
            out.append(parts)
        return out

    def bar(left: str, mid: str, right: str, ch: str) -> str:
        return left + mid.join(ch * w for w in padded) + right

    def line(parts: list, edge: str) -> str:
        return edge + edge.join(f" {p} " for p in parts) + edge

    first, last = _layer_range(layers, layer_range)
    rows = [r for layer in layers[first:last] for r in rows_of(layer)]
    print_fn(f'Model: "{model.name}"')
    print_fn(bar("┏", "┳", "┓", "━"))
    for parts in text_lines(headers):
        print_fn(line(parts, "┃"))
    print_fn(bar("┡", "╇", "┩", "━"))
    for i, fields in enumerate(rows):
        for parts in text_lines(fields):
            print_fn(line(parts, "│"))
        if i < len(rows) - 1:
            print_fn(bar("├", "┼", "┤", "─"))
    print_fn(bar("└", "┴", "┘", "─"))
    trainable = model.trainable_weights
    non_trainable = model.non_trainable_weights
    opt = getattr(model, "optimizer", None)
    opt_vars = list(opt.variables) if opt is not None and getattr(opt, "built", False) \
        and getattr(opt, "variables", None) else []
    total = _count(trainable) + _count(non_trainable) + _count(opt_vars)
    total_bytes = _bytes(trainable) + _bytes(non_trainable) + _bytes(opt_vars)
    print_fn(f" Total params: {total:,} ({readable_size(total_bytes)})")
    print_fn(f" Trainable params: {_count(trainable):,} ({readable_size(_bytes(trainable))})")
    print_fn(f" Non-trainable params: {_count(non_trainable):,} "
             f"({readable_size(_bytes(non_trainable))})")
    if opt_vars:
        print_fn(f" Optimizer params: {_count(opt_vars):,} ({readable_size(_bytes(opt_vars))})")
