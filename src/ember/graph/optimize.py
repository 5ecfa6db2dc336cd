"""The optimization pipeline run on every traced graph, pass by pass.

Each pass lives in ``passes/`` (one concept each, testable alone), rewrites the graph
in place and counts what it changed into ``graph.stats`` (printed with the graph).
"""
from __future__ import annotations

from .ir import Graph
from .passes import (
    constant_folding,
    conv_epilogue,
    cse,
    dead_code,
    dense_chain,
    folding,
    fusion,
    memory,
    simplify,
)

PIPELINE = (
    ("constant folding", constant_folding.run),
    ("simplified", simplify.run),
    ("common subexpressions", cse.run),
    ("dead code", dead_code.run),
    ("folded", folding.run),
    ("conv epilogue", conv_epilogue.run),
    ("dense chains", dense_chain.run),
    ("fused", fusion.run),
    ("in place", memory.run),
)


def optimize(graph: Graph, passes=PIPELINE) -> Graph:
    """Run ``passes`` over ``graph`` (all of them by default) and return it."""
    for name, run in passes:
        graph.count(name, run(graph))
    return graph
