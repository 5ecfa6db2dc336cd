"""Traced graphs ready to run: one per input signature of an ``ember.function``.

``ConcreteFunction`` runs one optimized plan; ``PolymorphicFunction`` keeps a template
graph for open (``None``) dimensions and makes a plan per size on first use;
``PerSizeFunction`` is the fallback that traces once per size.
"""
from __future__ import annotations

from typing import Any

from ..core import nest
from ..core.convert import to_array
from ..core.tensor import Tensor
from ..core.variable import Variable
from . import polymorphic as _poly
from . import signature as _sig
from .ir import Graph
from .optimize import optimize
from .plan import Plan
from .tensor_spec import ArgumentMismatchError, TensorSpec


def _with_specs(structured_input: tuple, specs: list) -> tuple:
    """The traced ``(args, kwargs)`` with each tensor leaf replaced by its TensorSpec."""
    return _sig.substitute(structured_input, list(specs))


class ConcreteFunction:
    """One traced graph of an ``ember.function``, for one input signature.

    ``graph`` is the optimized graph (``print(cf.graph)`` lists its ops, shapes and
    fused kernels); calling it runs the plan.
    """

    def __init__(self, name: str, graph: Graph, structure: Any, input_specs: list,
                 structured_input: Any):
        self.name = name
        self.graph = graph
        self.plan = Plan(graph)
        self._structure = structure
        self._single = not isinstance(structure, (list, tuple, dict))
        self.structured_input_signature = _with_specs(structured_input, input_specs)
        self.inputs_specs = input_specs
        self.structured_outputs = structure

    def _run(self, arrays: list) -> Any:
        outs = self.plan(arrays)
        if self._single:
            o = outs[0]
            return Tensor(o) if hasattr(o, "dtype") and not isinstance(o, Variable) else o
        flat = [Tensor(o) if hasattr(o, "dtype") and not isinstance(o, Variable) else o
                for o in outs]
        return nest.pack_sequence_as(self._structure, flat)

    def array_plan(self, arrays: list):
        """The plan that runs ``arrays`` (see ``Function.array_plan``), or None."""
        return self.plan if self._single else None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Run the graph on tensors given in the order of the traced tensor arguments
        (flattened), or by their names (``inputs``' names) as keywords."""
        flat = nest.flatten(list(args))
        if len(flat) > len(self.inputs_specs):
            raise ArgumentMismatchError(
                f"ConcreteFunction '{self.name}' takes {len(self.inputs_specs)} "
                f"tensor arguments ({self._names()}); got {len(flat)}")
        values = flat + [None] * (len(self.inputs_specs) - len(flat))
        for name, value in kwargs.items():
            where = [i for i, spec in enumerate(self.inputs_specs) if spec.name == name]
            if not where or where[0] < len(flat):
                raise ArgumentMismatchError(
                    f"ConcreteFunction '{self.name}' got an unexpected or "
                    f"repeated argument '{name}' (its tensor arguments: "
                    f"{self._names()})")
            values[where[0]] = value
        arrays = []
        for a, spec in zip(values, self.inputs_specs):
            if a is None:
                raise ArgumentMismatchError(
                    f"ConcreteFunction '{self.name}': missing argument "
                    f"'{spec.name}' ({spec})")
            arr = to_array(a)
            if not spec.is_compatible_with(arr):
                raise ArgumentMismatchError(
                    f"ConcreteFunction '{self.name}': argument of shape "
                    f"{tuple(arr.shape)} {arr.dtype.name} does not match "
                    f"{spec}")
            arrays.append(arr)
        return self._run(arrays)

    def _names(self) -> str:
        return ", ".join(str(spec.name) for spec in self.inputs_specs)

    # -- what TensorFlow's ConcreteFunction tells about itself ----------------------------
    @property
    def inputs(self) -> list[TensorSpec]:
        """The tensor arguments, flattened, as TensorSpecs (``None`` for open sizes)."""
        return list(self.inputs_specs)

    def _output_specs(self) -> list:
        graph = self._shown_graph()
        specs = []
        for o in graph.outputs:
            if isinstance(o, int):
                shape = [None if not isinstance(d, int) else d for d in graph.shapes[o]]
                specs.append(TensorSpec(shape, graph.dtypes[o]))
            else:
                specs.append(None)
        return specs

    def _shown_graph(self) -> Graph:
        return self.graph

    @property
    def outputs(self) -> list[TensorSpec]:
        """The tensor results, flattened, as TensorSpecs."""
        return [s for s in self._output_specs() if s is not None]

    @property
    def output_shapes(self) -> Any:
        """The results' shapes, in the structure of the results."""
        flat = [None if s is None else s.shape for s in self._output_specs()]
        return flat[0] if self._single else nest.pack_sequence_as(self._structure, flat)

    @property
    def output_dtypes(self) -> Any:
        """The results' dtypes, in the structure of the results."""
        flat = [None if s is None else s.dtype for s in self._output_specs()]
        return flat[0] if self._single else nest.pack_sequence_as(self._structure, flat)

    @property
    def variables(self) -> list:
        """The variables the graph reads or writes (captured by reference)."""
        found: dict[int, Any] = {}

        def walk(graph: Graph) -> None:
            for node in graph.nodes:
                if node.kind in ("read", "assign") and isinstance(node.op, Variable):
                    found.setdefault(id(node.op), node.op)
                elif node.kind == "update":
                    for entry in node.params.get("template", ()):
                        if entry[0] == "var":
                            found.setdefault(id(entry[1]), entry[1])
                for sub in node.meta.get("subgraphs", ()):
                    walk(sub)
        walk(self._shown_graph())
        return list(found.values())

    @property
    def trainable_variables(self) -> list:
        return [v for v in self.variables if v.trainable]

    def pretty_printed_signature(self) -> str:
        args = ", ".join(f"{n}: {self.graph.value_type(v)}" for n, v in
                         zip(self.graph.input_names, self.graph.inputs))
        return f"{self.name}({args})"

    def __str__(self) -> str:
        return str(self.graph)

    def __repr__(self) -> str:
        return f"<ember ConcreteFunction {self.pretty_printed_signature()}>"


class PolymorphicFunction(ConcreteFunction):
    """A template graph for open dimensions; a plan per distinct size, made on first
    use by evaluating the template (the Python function does not run again)."""

    def __init__(self, name, template, structure, where, structured_input, specs):
        self._template = template
        self._where = where
        self._plans: dict = {}
        self._nsym = 1 + max(sym for _, _, sym in where)
        self.name = name
        self._structure = structure
        self._single = not isinstance(structure, (list, tuple, dict))
        self.structured_input_signature = _with_specs(structured_input, specs)
        self.structured_outputs = structure
        self.graph = None
        self.inputs_specs = specs

    def _shown_graph(self) -> Graph:
        return self._template

    def _sizes(self, arrays) -> tuple:
        sizes = [None] * self._nsym
        for i, ax, sym in self._where:
            n = arrays[i].shape[ax]
            if sizes[sym] is None:
                sizes[sym] = n
            elif sizes[sym] != n:
                raise ValueError(f"ember.function '{self.name}': dimensions that were "
                                 f"equal when traced now differ ({sizes[sym]} vs {n})")
        return tuple(sizes)

    def _run(self, arrays: list) -> Any:
        sizes = self._sizes(arrays)
        plan = self._plans.get(sizes)
        if plan is None:
            graph = optimize(_poly.specialize(self._template, sizes))
            plan = self._plans[sizes] = Plan(graph)
            if self.graph is None:
                shown = _poly.printable(self._template, sizes)
                shown.stats = graph.stats
                self.graph = shown
        self.plan = plan
        return super()._run(arrays)

    def array_plan(self, arrays: list):
        return self._plans.get(self._sizes(arrays)) if self._single else None


class PerSizeFunction(ConcreteFunction):
    """The fallback for open dimensions without a single graph: one trace per size."""

    def __init__(self, function, names, args, kwargs, specs):
        self._function, self._names = function, names
        self._args, self._kwargs = args, kwargs
        self._by_shape: dict = {}
        self.name = function._name
        self.inputs_specs = specs
        self.structured_input_signature = _with_specs((args, kwargs), specs)
        self.structured_outputs = None
        self.graph = None
        self._structure, self._single = None, True

    def _run(self, arrays: list) -> Any:
        shapes = tuple(a.shape for a in arrays)
        cf = self._by_shape.get(shapes)
        if cf is not None:
            return cf._run(arrays)
        f = self._function
        graph, structure, value = f._record(arrays, self._names, self._args, self._kwargs,
                                            dry=False)
        optimize(graph)
        self._by_shape[shapes] = ConcreteFunction(f._name, graph, structure,
                                                  self.inputs_specs, (self._args,
                                                                      self._kwargs))
        if self.graph is None:
            self.graph, self.structured_outputs = graph, structure
            self._structure = structure
            self._single = not isinstance(structure, (list, tuple, dict))
        return value

    def array_plan(self, arrays: list):
        cf = self._by_shape.get(tuple(a.shape for a in arrays))
        return None if cf is None else cf.array_plan(arrays)
