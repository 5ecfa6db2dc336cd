"""Every docstring example in ``src/ember`` runs and shows what it says (doctest)."""
import doctest
import importlib
import pkgutil
import warnings

import pytest

import ember


def _modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(ember.__path__, "ember."))


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report: list[str] = []
    for test in finder.find(module, name):
        if not test.examples or not test.name.startswith(name):
            continue                      # names imported from elsewhere are tested there
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            runner.run(test, out=report.append)
    assert runner.failures == 0, "".join(report)
