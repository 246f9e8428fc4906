import numpy as np
import pytest

from boilerplate.blocks import Containers
from boilerplate.evaluate import PageResult, gap_report, report, score_pageset
from boilerplate.metrics import BlockCounts, paired_difference, score_page
from boilerplate.model import Model
from boilerplate.train import PageSet


class FixedEstimator:
    """Stands in for a fitted classifier: returns the probabilities it was given."""

    def __init__(self, proba):
        self.proba = np.asarray(proba, dtype=float)

    def predict_proba(self, X):
        return np.column_stack([1 - self.proba[: len(X)], self.proba[: len(X)]])


# Each page: <html><body><p>...</p><div>...</div></body></html> (html 0, body 1, p 2, div 3).
TWO_BLOCKS = Containers(ids=np.array([0, 1, 2, 0, 1, 3]), starts=np.array([0, 3, 6]),
                        paths=np.array([0, 1]))


def tiny_pageset() -> PageSet:
    texts = [["a b c d e f", "menu"], ["x y z w", "q r s t"]]
    return PageSet(
        name="hand", X=np.zeros((4, 1), dtype=np.float32), y=np.array([1, 0, 1, 0]),
        weights=np.array([6.0, 1.0, 4.0, 4.0]), page_starts=np.array([0, 2, 4]),
        page_ids=["p1", "p2"], groups=["s1", "s2"], gold=["a b c d e f", "x y z w"],
        block_texts=texts, langs=["en", "de"], meta=[{}, {}],
        trees=[TWO_BLOCKS, TWO_BLOCKS],
    )


def test_report_against_hand_computed_numbers():
    pages = tiny_pageset()
    model = Model(FixedEstimator([0.9, 0.2, 0.7, 0.6]), feature_names=("f",), threshold=0.5)
    results = score_pageset(model, pages)
    # page 1 keeps exactly its gold: P = R = 1.
    # page 2 keeps "x y z w" (gold) and "q r s t" (chrome): shingles of the output are
    # xyzw yzwq zwqr wqrs qrst -> tp 1, fp 4, fn 0 -> P 0.2, R 1.
    table = report(results)
    overall = table["overall"]
    assert overall["precision"] == pytest.approx((1 + 0.2) / 2)
    assert overall["recall"] == pytest.approx(1.0)
    assert overall["f1"] == pytest.approx(round(2 * 0.6 / 1.6, 4))
    # blocks weighted by tokens: tp 6 + 4, fp 4 (q r s t), fn 0
    assert overall["block_precision"] == pytest.approx(round(10 / 14, 4))
    assert overall["block_recall"] == 1.0
    assert set(table) == {"hand", "overall"}


def test_snippet_gold_pages_are_scored_by_their_snippets():
    pages = tiny_pageset()
    pages.gold[1] = None
    pages.meta[1] = {"must_have": ["x y z w"], "must_not_have": ["q r s t"]}
    pages.y[3] = -1  # the snippets do not label the second block
    model = Model(FixedEstimator([0.9, 0.2, 0.7, 0.6]), feature_names=("f",), threshold=0.5)
    results = score_pageset(model, pages)
    # page 2 keeps both blocks: the must-have is found (tp) and so is the must-not (fp)
    assert results[1].score.precision == pytest.approx(0.5)
    assert results[1].score.recall == 1.0
    assert results[1].blocks.fp == 0.0  # the unlabelled block is not counted as chrome


def test_report_groups_by_key():
    results = score_pageset(Model(FixedEstimator([0.9, 0.2, 0.7, 0.6]), ("f",), 0.5),
                            tiny_pageset())
    table = report(results, key=lambda r: r.lang)
    assert table["en"]["f1"] == 1.0 and table["de"]["precision"] == pytest.approx(0.2)


def test_threshold_override_changes_decisions():
    results = score_pageset(Model(FixedEstimator([0.9, 0.2, 0.7, 0.6]), ("f",), 0.5),
                            tiny_pageset(), threshold=0.65)
    assert report(results)["overall"]["precision"] == 1.0


def test_given_probabilities_are_used_instead_of_predicting():
    """A threshold sweep predicts once and passes the probabilities to every cut."""
    model = Model(FixedEstimator([0.9, 0.2, 0.7, 0.6]), ("f",), 0.5)
    pages = tiny_pageset()
    predicted = score_pageset(model, pages, threshold=0.65)
    given = score_pageset(model, pages, threshold=0.65, proba=np.array([0.9, 0.2, 0.7, 0.6]))
    assert [r.score for r in given] == [r.score for r in predicted]
    other = score_pageset(model, pages, threshold=0.65, proba=np.array([0.9, 0.2, 0.1, 0.1]))
    assert report(other)["overall"]["recall"] < report(predicted)["overall"]["recall"]
    with pytest.raises(ValueError, match="3 probabilities given for 4 blocks"):
        score_pageset(model, pages, proba=np.array([0.9, 0.2, 0.7]))


def test_score_page_and_block_counts_types():
    assert score_page("a b c d", "a b c d").precision == 1.0
    assert BlockCounts(1, 0, 0).prf() == (1.0, 1.0, 1.0)


def test_results_without_block_decisions_have_no_block_scores():
    from boilerplate.evaluate import PageResult

    results = [PageResult("peer", "p1", "en", {}, score_page("a b c d", "a b c d"), BlockCounts())]
    row = report(results)["overall"]
    assert row["f1"] == 1.0 and row["block_f1"] is None


def _result(dataset, page_id, gold, found, lang="en"):
    return PageResult(dataset, page_id, lang, {}, score_page(gold, found), BlockCounts())


def test_gap_report_pairs_pages_by_dataset_and_id():
    gold = "one two three four five six seven eight"
    ours = [_result("a", "p1", gold, gold), _result("a", "p2", gold, gold),
            _result("b", "p1", gold, "one two three four"), _result("b", "only-ours", gold, gold)]
    # the peer's results come in another order, and it misses half of a's first page
    theirs = [_result("b", "p1", gold, gold), _result("a", "p2", gold, gold),
              _result("a", "p1", gold, "five six seven eight")]
    table = gap_report(ours, theirs)
    assert table["a"]["pages"] == 2 and table["b"]["pages"] == 1
    assert table["overall"]["pages"] == 3  # the page the peer never scored is left out
    assert table["a"]["f1_gap"] > 0 > table["b"]["f1_gap"]
    delta, std = paired_difference([ours[0].score, ours[1].score, ours[2].score],
                                   [theirs[2].score, theirs[1].score, theirs[0].score])
    assert table["overall"]["f1_gap"] == round(delta, 4)
    assert table["overall"]["f1_gap_std"] == round(std, 4)
    exact = gap_report(ours, theirs, digits=None)["overall"]
    assert (exact["f1_gap"], exact["f1_gap_std"]) == (delta, std)


def test_compare_peers_sets_each_peer_beside_our_results(tmp_path, monkeypatch):
    from boilerplate import evaluate

    from .helpers import write_jsonl

    data = str(write_jsonl(tmp_path / "site" / "pages.jsonl.gz", bad_records=False))
    found = evaluate.evaluate_datasets([data])
    monkeypatch.setattr(evaluate, "peer", lambda name: lambda html, lang: "")
    tables = evaluate.compare_peers([data], ["blank"], ours=found.results)
    assert tables["blank"]["overall"]["f1"] == 0.0
    gap = tables["boilerplate − blank"]["overall"]
    assert gap["pages"] == len(found.results) == 8
    assert gap["f1_gap"] == found.tables["boilerplate (default model)"]["overall"]["f1"]
    assert "boilerplate − blank" not in evaluate.compare_peers([data], ["blank"])
