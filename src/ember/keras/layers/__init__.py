"""keras.layers: every layer class by name; each family loads on first use."""
from ..._lazy import lazy_namespace as _lazy_namespace

_L = "ember.keras.layers"
_TABLE = {
    # models floor
    "Layer": "ember.keras.models.layer:Layer",
    "InputLayer": "ember.keras.models.input_layer:InputLayer",
    "Input": "ember.keras.models.input_layer:Input",
    "InputSpec": "ember.keras.layers.input_spec:InputSpec",
    # core
    "Dense": f"{_L}.core.dense:Dense",
    "EinsumDense": f"{_L}.core.einsum_dense:EinsumDense",
    "Activation": f"{_L}.core.activation:Activation",
    "Embedding": f"{_L}.core.embedding:Embedding",
    "Lambda": f"{_L}.core.lambda_layer:Lambda",
    "Identity": f"{_L}.core.identity:Identity",
    "Masking": f"{_L}.core.masking:Masking",
    # activation layers
    "ReLU": f"{_L}.activations.relu:ReLU",
    "LeakyReLU": f"{_L}.activations.leaky_relu:LeakyReLU",
    "PReLU": f"{_L}.activations.prelu:PReLU",
    "ELU": f"{_L}.activations.elu:ELU",
    "Softmax": f"{_L}.activations.softmax:Softmax",
    # regularization
    "Dropout": f"{_L}.regularization.dropout:Dropout",
    "GaussianNoise": f"{_L}.regularization.gaussian_noise:GaussianNoise",
    "GaussianDropout": f"{_L}.regularization.gaussian_dropout:GaussianDropout",
    "ActivityRegularization":
        f"{_L}.regularization.activity_regularization:ActivityRegularization",
    # reshaping
    "Flatten": f"{_L}.reshaping.flatten:Flatten",
    "Reshape": f"{_L}.reshaping.reshape:Reshape",
    "Permute": f"{_L}.reshaping.permute:Permute",
    "RepeatVector": f"{_L}.reshaping.repeat_vector:RepeatVector",
    # merging
    "Concatenate": f"{_L}.merging.concatenate:Concatenate",
    "Add": f"{_L}.merging.elementwise:Add",
    "Subtract": f"{_L}.merging.elementwise:Subtract",
    "Multiply": f"{_L}.merging.elementwise:Multiply",
    "Average": f"{_L}.merging.elementwise:Average",
    "Maximum": f"{_L}.merging.elementwise:Maximum",
    "Minimum": f"{_L}.merging.elementwise:Minimum",
    "Dot": f"{_L}.merging.dot:Dot",
    "concatenate": f"{_L}.merging.functions:concatenate",
    "add": f"{_L}.merging.functions:add",
    "subtract": f"{_L}.merging.functions:subtract",
    "multiply": f"{_L}.merging.functions:multiply",
    "average": f"{_L}.merging.functions:average",
    "maximum": f"{_L}.merging.functions:maximum",
    "minimum": f"{_L}.merging.functions:minimum",
    "dot": f"{_L}.merging.functions:dot",
    # normalization
    "BatchNormalization": f"{_L}.normalization.batch_normalization:BatchNormalization",
    "LayerNormalization": f"{_L}.normalization.layer_normalization:LayerNormalization",
    "UnitNormalization": f"{_L}.normalization.unit_normalization:UnitNormalization",
    # preprocessing
    "Rescaling": f"{_L}.preprocessing.rescaling:Rescaling",
    "Normalization": f"{_L}.preprocessing.normalization:Normalization",
}

__getattr__, __dir__ = _lazy_namespace(__name__, _TABLE, globals())
