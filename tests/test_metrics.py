import pytest

from boilerplate.metrics import PageScore, block_counts, score_page, shingles, summarize


def test_shingles_of_short_and_cjk_text():
    assert shingles("one two") == {("one", "two"): 1}
    assert shingles("") == {}
    assert list(shingles("今天天气好")) == [("今", "天", "天", "气"), ("天", "天", "气", "好")]


def test_score_page_by_hand():
    gold = "a b c d e f"          # shingles abcd bcde cdef
    pred = "a b c d e x y"        # shingles abcd bcde cdex dexy
    s = score_page(gold, pred)
    # tp 2, fp 2, fn 1 -> normalised by 5
    assert (s.tp, s.fp, s.fn) == pytest.approx((0.4, 0.4, 0.2))
    assert s.precision == pytest.approx(0.5)
    assert s.recall == pytest.approx(2 / 3)


def test_repeated_shingles_count_as_a_multiset():
    s = score_page("a b c d", "a b c d\na b c d")
    # shingles run across lines: abcd bcda cdab dabc abcd against gold abcd
    assert (s.tp, s.fp, s.fn) == pytest.approx((0.2, 0.8, 0.0))


def test_summary_means_follow_the_definition():
    scores = [
        score_page("a b c d e f", "a b c d e x y"),   # P 0.5, R 2/3
        score_page("a b c d", ""),                    # no prediction: recall 0, no precision
        score_page("", "p q r s"),                    # no gold: precision 0, no recall
    ]
    summary = summarize(scores, samples=50)
    assert summary.precision == pytest.approx((0.5 + 0.0) / 2)
    assert summary.recall == pytest.approx((2 / 3 + 0.0) / 2)
    p, r = summary.precision, summary.recall
    assert summary.f1 == pytest.approx(2 * p * r / (p + r))
    assert summary.f1_std >= 0


def test_empty_summary():
    assert summarize([]).f1 == 0.0
    assert PageScore(0, 0, 0, False, False).precision == 0.0


def test_block_counts_weighted_by_tokens():
    import numpy as np

    counts = block_counts(np.array([1, 1, 0, 0]), np.array([1, 0, 1, 0]),
                          np.array([10.0, 5.0, 2.0, 100.0]))
    assert (counts.tp, counts.fp, counts.fn) == (10.0, 2.0, 5.0)
    p, r, f = counts.prf()
    assert p == pytest.approx(10 / 12) and r == pytest.approx(10 / 15)
