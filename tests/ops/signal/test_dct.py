"""ember.signal.dct / idct: types I-IV vs the textbook (SciPy) definitions, gradients."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opcheck import OpCase, table_tests

import ember
from ember import signal
from ember.core.errors import InvalidArgumentError


def dct_matrix(kind, n, norm=None):
    """M with dct(x) = x @ M.T, from SciPy's definitions of the DCT types."""
    k = np.arange(n)[:, None]
    j = np.arange(n)[None, :]
    if kind == 1:
        m = 2 * np.cos(np.pi * k * j / (n - 1))
        m[:, 0] = 1
        m[:, -1] = (-1.0) ** np.arange(n)
        return m
    if kind == 2:
        m = 2 * np.cos(np.pi * k * (2 * j + 1) / (2 * n))
        if norm == "ortho":
            m[0] *= np.sqrt(1 / (4 * n))
            m[1:] *= np.sqrt(1 / (2 * n))
        return m
    if kind == 3:
        m = 2 * np.cos(np.pi * j * (2 * k + 1) / (2 * n))
        m[:, 0] = 1
        if norm == "ortho":
            m[:, 0] /= np.sqrt(n)
            m[:, 1:] *= np.sqrt(1 / (2 * n))
        return m
    m = 2 * np.cos(np.pi * (2 * k + 1) * (2 * j + 1) / (4 * n))
    return m * np.sqrt(1 / (2 * n)) if norm == "ortho" else m


def np_dct(x, kind=2, n=None, norm=None):
    if n is not None:
        x = x[..., :n] if x.shape[-1] >= n else np.concatenate(
            [x, np.zeros(x.shape[:-1] + (n - x.shape[-1],))], -1)
    return x @ dct_matrix(kind, x.shape[-1], norm).T


CASES = []
for _t in (1, 2, 3, 4):
    for _norm in ((None,) if _t == 1 else (None, "ortho")):
        CASES.append(OpCase(f"dct{_t}_{_norm}",
                            lambda a, t=_t, m=_norm: signal.dct(a, type=t, norm=m),
                            lambda a, t=_t, m=_norm: np_dct(a, t, norm=m), [(2, 5)],
                            second_order=_norm is None))
        CASES.append(OpCase(f"idct{_t}_{_norm}_n",
                            lambda a, t=_t, m=_norm: signal.idct(a, type=t, n=4, norm=m),
                            lambda a, t=_t, m=_norm: np_dct(a, {1: 1, 2: 3, 3: 2, 4: 4}[t],
                                                            n=4, norm=m), [(3, 6)]))
CASES += [
    OpCase("dct2_pad_n", lambda a: signal.dct(a, n=7), lambda a: np_dct(a, 2, n=7), [(2, 4)]),
    OpCase("dct2_axis0", lambda a: signal.dct(a, axis=0, norm="ortho"),
           lambda a: np.moveaxis(np_dct(np.moveaxis(a, 0, -1), 2, norm="ortho"), -1, 0),
           [(4, 3)]),
    OpCase("mfccs", lambda a: signal.mfccs_from_log_mel_spectrograms(a),
           lambda a: np_dct(a, 2) / np.sqrt(2 * a.shape[-1]), [(3, 6)], second_order=True),
]


test_values, test_gradient, test_second_order = table_tests(CASES)


@pytest.mark.parametrize("kind", [1, 2, 3, 4])
def test_idct_inverts_dct(kind):
    x = np.random.default_rng(kind).standard_normal((3, 8))
    t = ember.constant(x)
    scale = 2 * (8 - 1) if kind == 1 else 2 * 8
    np.testing.assert_allclose(signal.idct(signal.dct(t, type=kind), type=kind).numpy(),
                               x * scale, atol=1e-12)
    if kind != 1:
        np.testing.assert_allclose(
            signal.idct(signal.dct(t, type=kind, norm="ortho"), type=kind,
                        norm="ortho").numpy(), x, atol=1e-12)


def test_mfccs_match_tensorflow():
    x = ember.constant(np.arange(12.0).reshape(2, 6) * 0.3 - 1)
    want = [[-0.86602540378443893, -1.2487685387636875, 0.0, -0.122474487139159, 0.0,
             -0.024023667372098229],
            [5.3693575034635197, -1.2487685387636873, 0.0, -0.12247448713915894, 0.0,
             -0.02402366737209807]]
    np.testing.assert_allclose(signal.mfccs_from_log_mel_spectrograms(x).numpy(), want,
                               atol=1e-12)


def test_dtypes():
    assert signal.dct(ember.ones([4])).dtype == ember.float32
    assert signal.idct(ember.ones([4], "float64"), type=4).dtype == ember.float64
    assert signal.dct(ember.range(4)).dtype == ember.float32


def test_errors():
    with pytest.raises(ValueError, match=r"ember\.signal\.dct: types I, II, III and IV"):
        signal.dct(ember.ones([4]), type=5)
    with pytest.raises(ValueError, match=r"ember\.signal\.dct: normalization is not supported "
                                         r"for the type-I DCT"):
        signal.dct(ember.ones([4]), type=1, norm="ortho")
    with pytest.raises(ValueError, match=r"ember\.signal\.idct: unknown normalization"):
        signal.idct(ember.ones([4]), norm="forward")
    with pytest.raises(ValueError, match=r"ember\.signal\.dct: n should be a positive"):
        signal.dct(ember.ones([4]), n=0)
    with pytest.raises(ValueError, match=r"ember\.signal\.dct: the type-I DCT needs .* of "
                                         r"at least 2; got float32 tensor of shape \(3, 1\)"):
        signal.dct(ember.ones([3, 1]), type=1)
    with pytest.raises(InvalidArgumentError, match=r"ember\.signal\.dct: axis 1 is out of "
                                                   r"range .*\(4,\)"):
        signal.dct(ember.ones([4]), axis=1)
    with pytest.raises(TypeError, match=r"ember\.signal\.dct: .*complex64"):
        signal.dct(ember.zeros([4], "complex64"))
    with pytest.raises(InvalidArgumentError, match=r"ember\.signal\.mfccs_from_log_mel_"
                                                   r"spectrograms: num_mel_bins"):
        signal.mfccs_from_log_mel_spectrograms(ember.ones([3, 0]))


@settings(max_examples=25, deadline=None)
@given(kind=st.integers(1, 4), ortho=st.booleans(),
       shape=st.lists(st.integers(2, 6), min_size=1, max_size=3), seed=st.integers(0, 999))
def test_dct_matches_reference_on_random_shapes(kind, ortho, shape, seed):
    norm = "ortho" if ortho and kind != 1 else None
    x = np.random.default_rng(seed).standard_normal(shape)
    np.testing.assert_allclose(signal.dct(ember.constant(x), type=kind, norm=norm).numpy(),
                               np_dct(x, kind, norm=norm), atol=1e-11)
