"""ProgbarLogger: the bar counts the epoch's batches, also with steps_per_execution."""
import re

import numpy as np
import pytest

from ember import keras


@pytest.mark.parametrize("run", ["fit", "evaluate", "predict"])
def test_short_last_execution_does_not_overcount(capsys, run):
    # 7 batches in executions of 3: the last one reports batch 8 (as in Keras), but the
    # bar shows 7/7, never 9/7
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", steps_per_execution=3)
    x, y = np.ones((14, 4), np.float32), np.ones((14, 1), np.float32)
    if run == "fit":
        model.fit(x, y, batch_size=2, epochs=1, verbose=1)
    elif run == "evaluate":
        model.evaluate(x, y, batch_size=2, verbose=1)
    else:
        model.predict(x, batch_size=2, verbose=1)
    counts = re.findall(r"(\d+)/7", capsys.readouterr().out)
    assert counts and all(int(c) <= 7 for c in counts) and counts[-1] == "7"
