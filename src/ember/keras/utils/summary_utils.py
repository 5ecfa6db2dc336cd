"""model.summary(): Keras 3's table of layers, output shapes and parameter counts."""
from __future__ import annotations

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


def _output_shape(layer, model) -> str:
    nodes = [n for n in getattr(layer, "_inbound_nodes", []) if n.outputs]
    if not nodes:
        return "?"
    shapes = [t.shape for t in nodes[-1].outputs]
    text = ", ".join(str(s) for s in shapes)
    return text if len(shapes) == 1 else f"[{text}]"


def _connected_to(layer, model) -> str:
    kept = {id(n) for n in getattr(model, "_nodes", [])}
    refs = []
    for node in getattr(layer, "_inbound_nodes", []):
        if id(node) not in kept:
            continue
        for t in node.input_tensors:
            src, node_index, tensor_index = t._keras_history
            refs.append(f"{src.name}[{node_index}][{tensor_index}]")
    return ", ".join(refs) if refs else "-"


def print_summary(model, line_length=None, print_fn=None, show_trainable=False) -> None:
    """Print (or hand to ``print_fn`` line by line) the summary table of ``model``."""
    from ..models.functional import Functional
    print_fn = print_fn or print
    functional = isinstance(model, Functional)
    headers = ["Layer (type)", "Output Shape", "Param #"]
    if functional:
        headers.append("Connected to")
    if show_trainable:
        headers.append("Trainable")
    rows = []
    for layer in model.layers:
        params = _count(layer.weights) if layer.built else 0
        row = [f"{layer.name} ({type(layer).__name__})", _output_shape(layer, model),
               f"{params:,}" if layer.built else "0 (unbuilt)"]
        if functional:
            row.append(_connected_to(layer, model))
        if show_trainable:
            row.append("Y" if layer.trainable else "N")
        rows.append(row)
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(headers)]
    if line_length:
        extra = line_length - (sum(widths) + 3 * len(widths) + 1)
        if extra > 0:
            widths[0] += extra
    right = {2}

    def line(cells, left, mid, end, sep=" "):
        parts = []
        for i, (c, w) in enumerate(zip(cells, widths)):
            parts.append(f"{sep}{c:>{w}}{sep}" if i in right else f"{sep}{c:<{w}}{sep}")
        return left + mid.join(parts) + end

    bar = lambda l, m, r, ch: l + m.join(ch * (w + 2) for w in widths) + r  # noqa: E731
    print_fn(f'Model: "{model.name}"')
    print_fn(bar("┏", "┳", "┓", "━"))
    print_fn(line(headers, "┃", "┃", "┃"))
    print_fn(bar("┡", "╇", "┩", "━"))
    for i, r in enumerate(rows):
        print_fn(line(r, "│", "│", "│"))
        if i < len(rows) - 1:
            print_fn(bar("├", "┼", "┤", "─"))
    print_fn(bar("└", "┴", "┘", "─"))
    weights = model.weights if model.built else []
    trainable = model.trainable_weights if model.built else []
    trainable_ids = {id(w) for w in trainable}
    non_trainable = [w for w in weights if id(w) not in trainable_ids]
    total = _count(weights)
    print_fn(f" Total params: {total:,} ({readable_size(_bytes(weights))})")
    print_fn(f" Trainable params: {_count(trainable):,} ({readable_size(_bytes(trainable))})")
    print_fn(f" Non-trainable params: {_count(non_trainable):,} "
             f"({readable_size(_bytes(non_trainable))})")
    opt = getattr(model, "optimizer", None)
    if opt is not None and getattr(opt, "built", False) and getattr(opt, "variables", None):
        ov = opt.variables
        print_fn(f" Optimizer params: {_count(ov):,} ({readable_size(_bytes(ov))})")
