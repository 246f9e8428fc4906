import numpy as np
import pytest

from boilerplate.metrics import (
    PageScore,
    block_counts,
    paired_difference,
    score_gold,
    score_page,
    score_snippets,
    shingles,
    summarize,
)


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


def test_canonically_equal_spellings_score_as_equal():
    # The gold spells ড় as one code point, the page as ড plus nukta: the same text.
    gold = "আজ শনিবার সকাল সা\u09dcে সাতটার দিকে"
    page = gold.replace("\u09dc", "\u09a1\u09bc")
    assert page != gold
    assert score_page(gold, page).f1 == 1.0


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


def _pages(rng, n, miss):
    """n pages of one gold text each, with `miss` (0-1) of the last words left out."""
    out = []
    for _ in range(n):
        words = [f"w{i}" for i in range(int(rng.integers(20, 60)))]
        cut = len(words) - int(len(words) * miss * rng.random())
        out.append(score_page(" ".join(words), " ".join(words[:cut])))
    return out


def test_paired_difference_is_the_gap_between_summaries():
    rng = np.random.default_rng(1)
    theirs = _pages(rng, 40, 0.6)
    ours = [score_page("a b c d e", "a b c d e") if i % 4 == 0 else s
            for i, s in enumerate(theirs)]
    delta, std = paired_difference(ours, theirs, samples=100)
    assert delta == pytest.approx(summarize(ours, samples=0).f1 - summarize(theirs, samples=0).f1)
    assert delta > 0 and std > 0


def test_paired_difference_is_narrower_than_the_two_spreads():
    # Both extractors find the same pages hard, ours a little less so: the pages' own
    # spread cancels in the gap.
    rng = np.random.default_rng(2)
    ours, theirs = [], []
    for _ in range(60):
        words = [f"w{i}" for i in range(int(rng.integers(20, 60)))]
        missed = rng.random() * 0.9
        for side, share in ((theirs, missed), (ours, missed * 0.8)):
            found = words[:len(words) - int(len(words) * share)]
            side.append(score_page(" ".join(words), " ".join(found)))
    delta, std = paired_difference(ours, theirs, samples=200)
    separate = np.hypot(summarize(ours).f1_std, summarize(theirs).f1_std)
    assert delta > 0
    assert std < separate / 3


def test_paired_difference_of_one_extractor_with_itself_is_zero():
    scores = _pages(np.random.default_rng(3), 10, 0.5)
    assert paired_difference(scores, scores) == (0.0, 0.0)
    assert paired_difference([], []) == (0.0, 0.0)


def test_paired_difference_needs_the_same_pages():
    scores = _pages(np.random.default_rng(4), 3, 0.5)
    with pytest.raises(ValueError, match="3 against 2"):
        paired_difference(scores, scores[:2])
    assert PageScore(0, 0, 0, False, False).precision == 0.0


def test_block_counts_weighted_by_tokens():
    import numpy as np

    counts = block_counts(np.array([1, 1, 0, 0]), np.array([1, 0, 1, 0]),
                          np.array([10.0, 5.0, 2.0, 100.0]))
    assert (counts.tp, counts.fp, counts.fn) == (10.0, 2.0, 5.0)
    p, r, f = counts.prf()
    assert p == pytest.approx(10 / 12) and r == pytest.approx(10 / 15)


def test_snippet_score_by_hand():
    text = "The harbour authority said the new pier opens in May.\nShare this story"
    # two must-have snippets (one cut mid-word, found; one missing), one must-not found
    s = score_snippets(["arbour authority said the new pi", "ferries will use it soon"],
                       ["Share this story", "Related articles"], text)
    assert (s.tp, s.fn, s.fp) == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert s.precision == pytest.approx(0.5) and s.recall == pytest.approx(0.5)
    assert score_snippets(["said the new pier"], [], "").recall == 0.0


def test_score_gold_uses_snippets_only_without_full_gold():
    text = "a b c d"
    assert score_gold("a b c d", text, ["x y z"]).precision == 1.0
    assert score_gold(None, text, ["x y z"]).recall == 0.0
    assert score_gold(None, text, ["b c d"]).recall == 1.0


def test_unlabelled_blocks_count_nowhere():
    counts = block_counts(np.array([1, -1, 0]), np.array([True, True, True]),
                          np.array([2.0, 5.0, 1.0]))
    assert (counts.tp, counts.fp, counts.fn) == (2.0, 1.0, 0.0)
