import warnings

import pytest

from boilerplate.datasets import Dataset
from boilerplate.errors import BoilerplateWarning, DataError

from .helpers import TOPICS, write_jsonl, write_pairs


def test_jsonl_with_bad_records_is_read_with_counted_warnings(tmp_path):
    path = write_jsonl(tmp_path / "mine" / "pages.jsonl.gz")
    dataset = Dataset(tmp_path / "mine")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pages = list(dataset)
    assert len(pages) == len(TOPICS)
    assert dataset.skipped == 2
    messages = [str(w.message) for w in caught if issubclass(w.category, BoilerplateWarning)]
    assert any(f"{path}:3" in m for m in messages)
    assert any("no html" in m for m in messages)
    assert dataset.name == "mine"
    assert pages[0].meta == {"page_type": "article"}
    info = dataset.info()
    assert info.pages == len(TOPICS) and len(info.sha256) == 64


def test_folder_of_pairs(tmp_path):
    folder = write_pairs(tmp_path / "site")
    (folder / "orphan.html").write_text("<p>no gold for me</p>")
    dataset = Dataset(folder)
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        pages = list(dataset)
    assert len(pages) == len(TOPICS) and dataset.skipped == 1
    assert pages[0].text.startswith(pages[0].id.capitalize())


def test_missing_dataset_is_a_clear_error(tmp_path):
    with pytest.raises(DataError, match="no such dataset"):
        Dataset(tmp_path / "nope")
