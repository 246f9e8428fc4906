import numpy as np
import pytest

from boilerplate.blocks import Containers
from boilerplate.evaluate import report, score_pageset
from boilerplate.metrics import BlockCounts, score_page
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
