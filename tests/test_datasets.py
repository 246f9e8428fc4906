import warnings

import pytest

from boilerplate.datasets import Dataset
from boilerplate.errors import BoilerplateWarning, DataError

from .helpers import TOPICS, write_jsonl, write_pairs, write_snippet_jsonl


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


def test_snippet_gold_is_read(tmp_path):
    pages = list(Dataset(write_snippet_jsonl(tmp_path / "snip" / "pages.jsonl.gz")))
    assert len(pages) == len(TOPICS) and pages[0].text is None
    assert pages[0].must_have and pages[0].must_not_have == (
        "Weather service warns of storms along the coast",)
    assert pages[0].meta["gold_kind"] == "snippets"
    assert pages[0].score(f"{TOPICS[0][1]} (1)").recall == 1.0  # scored by its snippets
    assert pages[0].score("").recall == 0.0


def test_snippets_that_are_not_strings_skip_the_record(tmp_path):
    path = tmp_path / "bad" / "pages.jsonl"
    path.parent.mkdir()
    path.write_text('{"id": "a", "html": "<p>x</p>", "with": "not a list"}\n')
    dataset = Dataset(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert list(dataset) == []
    assert any("'with' is not a list of strings" in str(w.message) for w in caught)
