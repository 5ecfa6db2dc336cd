"""keras.preprocessing: Keras 3's names, the same functions as keras.utils."""
import subprocess
import sys

from ember import keras
from ember.keras import preprocessing


def test_names_are_the_utils_functions():
    assert preprocessing.image.img_to_array is keras.utils.img_to_array
    assert preprocessing.image.array_to_img is keras.utils.array_to_img
    assert preprocessing.image.load_img is keras.utils.load_img
    assert preprocessing.image.save_img is keras.utils.save_img
    assert preprocessing.sequence.pad_sequences is keras.utils.pad_sequences
    for name in ("image_dataset_from_directory", "text_dataset_from_directory",
                 "timeseries_dataset_from_array"):
        assert getattr(preprocessing, name) is getattr(keras.utils, name)
    assert sorted(n for n in dir(preprocessing.image) if not n.startswith("_")) == [
        "array_to_img", "img_to_array", "load_img", "save_img", "smart_resize"]


def test_reachable_as_keras_attribute_in_a_fresh_process():
    code = ("from ember import keras; "
            "print(keras.preprocessing.sequence.pad_sequences([[1], [2, 3]]).tolist())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[[0, 1], [2, 3]]"
