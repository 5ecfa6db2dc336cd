"""Automatic differentiation: GradientTape, custom_gradient, jacobians."""
from .tape import GradientTape, UnconnectedGradients
from .custom_gradient import custom_gradient, recompute_grad

__all__ = ["GradientTape", "UnconnectedGradients", "custom_gradient", "recompute_grad"]
