import json
from dataclasses import replace

import numpy as np
import pytest

from boilerplate.config import DEFAULT_CONFIG
from boilerplate.errors import ModelError
from boilerplate.extract import Extractor
from boilerplate.features import FeatureMatrix
from boilerplate.model import CUT_SUMMARY, Model, learned_cuts, page_summary
from boilerplate.train import HyperParams, fit, load_pageset, with_lexicon

from .helpers import page_gold, page_html, write_pairs

TINY = HyperParams(max_iter=15, min_samples_leaf=2, smoothing=True, learned_cut=True)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    folder = write_pairs(tmp_path_factory.mktemp("data") / "pairs")
    pages, _ = load_pageset(str(folder))
    model, report = fit(pages, TINY)
    directory = model.save(tmp_path_factory.mktemp("models") / "tiny", {"note": "test"})
    return model, report, directory


def test_round_trip_predicts_the_same(trained):
    model, report, directory = trained
    loaded = Model.load(directory)
    assert loaded.feature_names == model.feature_names
    assert loaded.threshold == model.threshold
    html = page_html("Lighthouse", "Keepers painted the lighthouse white again this summer, "
                     "and the lamp was fitted with a brighter bulb that ships can see far out.")
    a = Extractor(model).classify(html)
    b = Extractor(loaded).classify(html)
    assert [x.probability for x in a] == [y.probability for y in b]
    meta = json.loads((directory / "model.json").read_text())
    assert meta["note"] == "test"
    assert meta["versions"]["scikit-learn"]
    assert len(meta["sha256"]) == 64
    assert "heldout_f1_by_threshold" in report


def test_tiny_model_learns_the_article(trained):
    model, _, _ = trained
    title = "Lighthouse"
    body = ("Keepers painted the lighthouse white again this summer, and the lamp was fitted "
            "with a brighter bulb that ships can see far out.")
    text = Extractor(model).extract(page_html(title, body))
    assert body in text
    assert "Copyright" not in text and "Tweet" not in text
    assert text.count("\n") <= page_gold(title, body).count("\n") + 1


def test_training_is_deterministic(trained, tmp_path):
    model, _, directory = trained
    folder = write_pairs(tmp_path / "pairs")
    pages, _ = load_pageset(str(folder))
    again, _ = fit(pages, TINY)
    assert again.lexicon == model.lexicon
    X = with_lexicon(pages, model.lexicon).X[:50]
    np.testing.assert_array_equal(model.estimator.predict_proba(X),
                                  again.estimator.predict_proba(X))


def test_version_mismatch_is_a_clear_error(trained, tmp_path):
    _, _, directory = trained
    meta = json.loads((directory / "model.json").read_text())
    meta["versions"]["scikit-learn"] = "0.24.2"
    target = tmp_path / "old"
    target.mkdir()
    (target / "model.joblib").write_bytes((directory / "model.joblib").read_bytes())
    (target / "model.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match=r"scikit-learn 0\.24\.2.*retrain"):
        Model.load(target)


def test_tampered_file_is_refused(trained, tmp_path):
    _, _, directory = trained
    target = tmp_path / "tampered"
    target.mkdir()
    (target / "model.json").write_text((directory / "model.json").read_text())
    (target / "model.joblib").write_bytes((directory / "model.joblib").read_bytes() + b"x")
    with pytest.raises(ModelError, match="SHA-256"):
        Model.load(target)


def test_changed_feature_list_is_a_clear_error(trained):
    model, _, _ = trained
    wrong = FeatureMatrix(("a", "b"), np.zeros((1, 2), dtype=np.float32))
    with pytest.raises(ModelError, match="different feature list"):
        model.predict_proba(wrong)


def test_missing_model_directory(tmp_path):
    with pytest.raises(ModelError, match="not a model directory"):
        Model.load(tmp_path)


def test_direct_tree_sum_matches_scikit_learn(fixtures):
    from boilerplate.blocks import segment
    from boilerplate.features import featurize
    from boilerplate.parse import parse

    model = Model.load()
    assert model.fast is not None  # the shipped model takes the fast path
    for name in ("en_news.html", "zh_portal_gbk.html", "structured.html"):
        doc = parse((fixtures / name).read_bytes())
        X = featurize(segment(doc), title=doc.title).values
        expected = model.estimator.predict_proba(X)[:, 1]
        np.testing.assert_allclose(model.fast.predict_proba(X), expected, rtol=0, atol=1e-12)


def test_direct_tree_sum_matches_a_regressor():
    from sklearn.ensemble import HistGradientBoostingRegressor

    from boilerplate.model import TreeSum

    rng = np.random.default_rng(0)
    X = rng.random((400, len(CUT_SUMMARY)))
    regressor = HistGradientBoostingRegressor(max_iter=20, random_state=0).fit(
        X, X[:, 0] - X[:, -1] + rng.normal(0, 0.05, 400))
    fast = TreeSum.for_estimator(regressor)
    assert fast is not None and not fast.logistic
    np.testing.assert_allclose(fast.predict_proba(X), regressor.predict(X), rtol=0, atol=1e-12)


def test_other_estimators_use_their_own_predict():
    from sklearn.linear_model import LogisticRegression

    from boilerplate.model import TreeSum

    X = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.2], [0.9, 0.1]])
    linear = LogisticRegression().fit(X, [0, 1, 0, 1])
    assert TreeSum.for_estimator(linear) is None
    model = Model(estimator=linear, feature_names=("a", "b"))
    proba = model.predict_proba(FeatureMatrix(("a", "b"), X.astype(np.float32)))
    np.testing.assert_allclose(proba, linear.predict_proba(X)[:, 1], rtol=1e-6)


def test_page_cut_is_the_threshold_when_off_or_confident():
    from boilerplate.model import page_cut

    proba = np.array([0.97, 0.95, 0.02, 0.01, 0.9])
    tokens = np.array([80, 60, 5, 3, 40])
    assert page_cut(proba, tokens, 0.4, None) == 0.4
    assert page_cut(proba, tokens, 0.4, 0.5) == 0.4  # a floor above the threshold: no room
    # A page the model is sure about splits best above the threshold: it keeps the threshold.
    assert page_cut(proba, tokens, 0.4, 0.1) == 0.4


def test_page_cut_lowers_itself_for_a_page_the_model_is_unsure_about():
    from boilerplate.model import page_cut

    # Long posts the model ranks well above the menus, but all under the threshold.
    proba = np.array([0.02, 0.03, 0.28, 0.31, 0.26, 0.01, 0.02])
    tokens = np.array([3, 2, 120, 90, 150, 4, 2])
    cut = page_cut(proba, tokens, 0.5, 0.1)
    assert 0.1 <= cut <= 0.26
    assert (proba >= cut).tolist() == [False, False, True, True, True, False, False]


def test_page_cut_never_goes_below_its_floor():
    from boilerplate.model import page_cut

    proba = np.array([0.06, 0.05, 0.01, 0.07])
    assert page_cut(proba, np.array([50, 40, 3, 60]), 0.5, 0.1) >= 0.1


def test_kept_rows_cuts_each_page_on_its_own():
    from boilerplate.config import DEFAULT_CONFIG
    from boilerplate.model import kept_rows, page_cut

    sure = np.array([0.97, 0.02, 0.9])
    unsure = np.array([0.3, 0.02, 0.25])
    proba = np.concatenate([sure, unsure])
    tokens = np.array([50, 3, 40, 50, 3, 40])
    bounds = np.array([0, 3, 6])
    fixed = replace(DEFAULT_CONFIG, region_floor=None)
    cut = replace(fixed, page_cut_floor=0.1)
    keep = kept_rows(proba, tokens, bounds, 0.5, cut)
    assert keep.tolist() == [True, False, True, True, False, True]
    assert page_cut(unsure, tokens[3:], 0.5, 0.1) < 0.5
    assert kept_rows(proba, tokens, bounds, 0.5, fixed).tolist() == (proba >= 0.5).tolist()


THREAD = """<html><body><div class="menu"><a href="/">Home</a> <a href="/f">Forums</a></div>
<div id="thread"><div class="tools"><a href="/share">Share this thread</a></div>
<div class="post"><p>First post, which asks how to set the cache size.</p></div>
<div class="post"><p>Second post: a reply that points at the settings page.</p></div>
<div class="post"><p>Third post: a later reply the model is unsure about.</p></div></div>
<div class="footer"><p>Copyright and terms of use.</p></div></body></html>"""


def _thread_blocks():
    from boilerplate.blocks import containers, segment
    from boilerplate.parse import parse

    blocks = segment(parse(THREAD))
    assert [b.text[:5] for b in blocks] == ["Home ", "Share", "First", "Secon", "Third", "Copyr"]
    return blocks, containers(blocks)


def test_region_pass_adds_unsure_blocks_inside_the_main_region_only():
    from boilerplate.model import region_pass

    blocks, tree = _thread_blocks()
    proba = np.array([0.3, 0.3, 0.9, 0.6, 0.15, 0.2])
    tokens = np.array([2.0, 3, 10, 10, 10, 5])
    keep = proba >= 0.5
    out = region_pass(proba, tokens, keep, tree, floor=0.1, share=0.75, sure=0.7, trim=None)
    # The third post shares the thread and the tag path of the first; the share link sits
    # in the thread but is built otherwise; menu and footer lie outside.
    assert out.tolist() == [False, False, True, True, True, False]
    assert region_pass(proba, tokens, keep, tree, 0.2, 0.75, 0.7, None).tolist() == keep.tolist()
    # With no kept block sure enough, no tag path vouches for the unsure ones.
    assert region_pass(proba, tokens, keep, tree, 0.1, 0.75, 0.95, None).tolist() == keep.tolist()


def test_region_pass_does_not_take_a_pattern_the_model_mostly_rejected():
    from boilerplate.model import region_pass

    blocks, tree = _thread_blocks()
    # Two short posts kept, one long one rejected: a third of the thread's post tokens kept.
    proba = np.array([0.3, 0.3, 0.9, 0.55, 0.15, 0.2])
    tokens = np.array([2.0, 3, 10, 10, 40, 5])
    keep = proba >= 0.5
    assert region_pass(proba, tokens, keep, tree, 0.1, 0.75, 0.7, None, majority=0.5
                       ).tolist() == keep.tolist()
    assert region_pass(proba, tokens, keep, tree, 0.1, 0.75, 0.7, None, majority=0.3
                       ).tolist() == [False, False, True, True, True, False]


def test_region_pass_drops_unsure_blocks_outside_the_main_region():
    from boilerplate.model import region_pass

    blocks, tree = _thread_blocks()
    proba = np.array([0.3, 0.3, 0.9, 0.6, 0.15, 0.55])  # the footer barely kept
    tokens = np.array([2.0, 3, 10, 10, 10, 5])
    keep = proba >= 0.5
    # The thread holds most of the kept text; the footer lies outside it, below the trim.
    assert region_pass(proba, tokens, keep, tree, 0.1, 0.75, 0.7, 0.6).tolist() == [
        False, False, True, True, True, False]
    assert region_pass(proba, tokens, keep, tree, 0.1, 0.75, 0.7, 0.5).tolist() == [
        False, False, True, True, True, True]
    # Inside the region a barely kept block stays: the trim only speaks about the outside.
    inner = np.array([0.3, 0.3, 0.9, 0.52, 0.15, 0.2])
    assert region_pass(inner, tokens, inner >= 0.5, tree, 0.1, 0.75, 0.7, 0.6)[3]


FEED_THEN_STORY = """<html><body><div class="columns">
<div class="feed">{}</div>
<div class="story"><h1>Harbour lights return</h1>{}</div>
</div></body></html>""".format(
    "".join(f"<div class='item'><p>Brief number {i} of the day's news, a summary in one "
            f"sentence.</p><p>Today, 9:{i}0</p></div>" for i in range(5)),
    "".join(f"<p>Paragraph {i} of the story about the harbour lights.</p>" for i in range(3)))


def _feed_then_story():
    """A news feed laid out ahead of the story, rated unsure but kept at a low cut; the
    story sure. Weighted by probability the feed outweighs a quarter of the kept text."""
    from boilerplate.blocks import containers, segment
    from boilerplate.parse import parse

    blocks = segment(parse(FEED_THEN_STORY))
    feed = np.array([b.text.startswith(("Brief", "Today")) for b in blocks])
    story = np.array([b.text.startswith("Paragraph") for b in blocks])
    proba = np.where(feed, 0.4, np.where(story, 0.95, 0.5))
    tokens = np.where(feed, 20.0, np.where(story, 40.0, 3.0))
    return blocks, containers(blocks), proba, tokens, feed, story


def test_region_pass_drops_a_feed_set_ahead_of_a_sure_article():
    from boilerplate.model import article_lead_in, region_pass

    blocks, tree, proba, tokens, feed, story = _feed_then_story()
    keep = proba >= 0.3
    # The feed widens the main region to the columns holding both: the plain trim keeps it.
    plain = region_pass(proba, tokens, keep, tree, 0.1, 0.75, 0.7, 0.6)
    assert plain.tolist() == keep.tolist()
    # The sure article's own region is the story; the feed comes before it, outside.
    assert article_lead_in(proba, tokens, keep, tree, 0.75, 0.9, 100).tolist() == (
        feed.tolist())
    out = region_pass(proba, tokens, keep, tree, 0.1, 0.75, 0.7, 0.6, 0.0, 0.9, 100)
    assert out.tolist() == (keep & ~feed).tolist()
    # The headline, before the paragraphs but inside the story, stays.
    assert out[[b.tag == "h1" for b in blocks].index(True)]
    # Too few sure tokens for an article, or no trim: the feed stays.
    assert region_pass(proba, tokens, keep, tree, 0.1, 0.75, 0.7, 0.6, 0.0, 0.9,
                       tokens[story].sum() + 1).tolist() == keep.tolist()
    assert region_pass(proba, tokens, keep, tree, 0.1, 0.75, 0.7, None, 0.0, 0.9,
                       100).tolist() == keep.tolist()


STORY_THEN_FEED = """<html><body><div class="columns">
<div class="story"><h1>Harbour lights return</h1>{}</div>
<div class="note"><p>A correction to an earlier version of this story was made today.</p></div>
<div class="feed">{}</div>
</div></body></html>""".format(
    "".join(f"<p>Paragraph {i} of the story about the harbour lights.</p>" for i in range(3)),
    "".join(f"<div class='item'><a href='/news/{i}'>Headline {i} of the feed</a>"
            f"<p>Summary {i} of another story, a sentence long.</p></div>" for i in range(6)))


def _story_then_feed():
    """A sure story, a note under it, then a feed of headline links and summaries that the
    model keeps unsure (above the region pass's trim)."""
    from boilerplate.blocks import containers, segment
    from boilerplate.parse import parse

    blocks = segment(parse(STORY_THEN_FEED))
    story = np.array([b.text.startswith("Paragraph") for b in blocks])
    summary = np.array([b.text.startswith("Summary") for b in blocks])
    headline = np.array([b.text.startswith("Headline") for b in blocks])
    proba = np.where(story, 0.95, np.where(summary, 0.7, np.where(headline, 0.2, 0.65)))
    tokens = np.where(story, 40.0, np.where(summary, 20.0, 8.0))
    links = np.where(headline, 1.0, 0.0)
    return blocks, containers(blocks), proba, tokens, links, story, summary


def test_feed_pass_drops_the_summaries_beside_a_sure_article():
    from boilerplate.model import feed_pass

    blocks, tree, proba, tokens, links, story, summary = _story_then_feed()
    keep = proba >= 0.5
    out = feed_pass(keep, proba, tokens, tree, links, DEFAULT_CONFIG)
    assert out.tolist() == (keep & ~summary).tolist()
    # The headline and the note under the story are not among links: they stay.
    texts = [b.text for b in blocks]
    assert out[texts.index("Harbour lights return")]
    assert out[[t.startswith("A correction") for t in texts].index(True)]


def test_feed_pass_stays_off_without_an_article_or_when_turned_off():
    from boilerplate.model import feed_pass

    blocks, tree, proba, tokens, links, story, summary = _story_then_feed()
    keep = proba >= 0.5
    few = replace(DEFAULT_CONFIG, region_article_tokens=float(tokens[story].sum() + 1))
    assert feed_pass(keep, proba, tokens, tree, links, few).tolist() == keep.tolist()
    for off in (replace(DEFAULT_CONFIG, feed_link_density=None),
                replace(DEFAULT_CONFIG, region_article_tokens=None)):
        assert feed_pass(keep, proba, tokens, tree, links, off).tolist() == keep.tolist()
    # Sure blocks that are links are a listing's summaries, not an article: nothing drops.
    listing = np.where(story, 1.0, links)
    assert feed_pass(keep, proba, tokens, tree, listing, DEFAULT_CONFIG).tolist() == (
        keep.tolist())
    # Posts with links inside their sentences, and no link blocks, are no feed.
    inline = np.where(summary, 0.3, 0.0)
    assert feed_pass(keep, proba, tokens, tree, inline, DEFAULT_CONFIG).tolist() == (
        keep.tolist())
    # A kept link outside the article (a headline) stays.
    kept_links = keep | (links > 0)
    out = feed_pass(kept_links, proba, tokens, tree, links, DEFAULT_CONFIG)
    assert out[links > 0].all() and not out[summary].any()


def test_decide_page_runs_the_feed_pass_last():
    from boilerplate.model import decide_page

    blocks, tree, proba, tokens, links, story, summary = _story_then_feed()
    keep, _ = decide_page(proba, tokens, tree, 0.5, DEFAULT_CONFIG, links=links)
    assert not keep[summary].any() and keep[story].all()
    off = replace(DEFAULT_CONFIG, feed_link_density=None)
    assert decide_page(proba, tokens, tree, 0.5, off, links=links)[0][summary].all()
    with pytest.raises(ModelError, match="feed pass"):
        decide_page(proba, tokens, None, 0.5, replace(
            DEFAULT_CONFIG, region_floor=None, gap_floor=None, listing_floor=None,
            fill_floor=None), links=links)


def test_region_pass_changes_nothing_when_the_region_is_the_whole_page():
    from boilerplate.model import region_pass

    blocks, tree = _thread_blocks()
    proba = np.array([0.3, 0.3, 0.9, 0.2, 0.15, 0.8])  # a post and the footer: no inner region
    tokens = np.array([2.0, 3, 10, 10, 10, 10])
    keep = proba >= 0.5
    assert region_pass(proba, tokens, keep, tree, 0.1, 0.75, 0.7, 0.6).tolist() == keep.tolist()
    nothing = np.zeros(6, dtype=bool)
    assert not region_pass(proba, tokens, nothing, tree, 0.1, 0.75, 0.7, 0.6).any()


def test_decide_page_runs_the_region_pass_only_below_the_cut():
    from boilerplate.config import DEFAULT_CONFIG
    from boilerplate.errors import ModelError
    from boilerplate.model import decide_page

    _, tree = _thread_blocks()
    proba = np.array([0.3, 0.3, 0.9, 0.6, 0.15, 0.2])
    tokens = np.array([2.0, 3, 10, 10, 10, 5])
    plain = replace(DEFAULT_CONFIG, region_floor=None)
    keep, cut = decide_page(proba, tokens, None, 0.5, plain)
    assert cut == 0.5 and keep.tolist() == [False, False, True, True, False, False]
    region = replace(DEFAULT_CONFIG, region_floor=0.1)
    keep, _ = decide_page(proba, tokens, tree, 0.5, region)
    assert keep.tolist() == [False, False, True, True, True, False]
    with pytest.raises(ModelError, match="containers"):
        decide_page(proba, tokens, None, 0.5, region)
    with pytest.raises(ModelError, match="tag paths"):  # the featurizer's kind, without paths
        decide_page(proba, tokens, tree._replace(paths=None), 0.5, region)


def test_code_pass_keeps_code_beside_kept_blocks_only():
    from boilerplate.config import CODE_FLOOR, DEFAULT_CONFIG
    from boilerplate.model import code_pass, decide_page

    proba = np.array([0.9, 0.2, 0.8, 0.01, 0.1, 0.3, 0.1])
    code = np.array([False, True, False, True, True, False, True])
    keep = proba >= 0.5
    kept = code_pass(keep, proba, code, CODE_FLOOR)
    # code at 0.2 after a kept block stays; code below the floor and code whose neighbours
    # were dropped do not; prose is never added
    assert kept.tolist() == [True, True, True, False, False, False, False]
    plain = replace(DEFAULT_CONFIG, region_floor=None)
    tokens = np.ones(7)
    assert decide_page(proba, tokens, None, 0.5, plain, code)[0].tolist() == kept.tolist()
    off = replace(plain, code_floor=None)
    assert decide_page(proba, tokens, None, 0.5, off, code)[0].tolist() == keep.tolist()
    assert decide_page(proba, tokens, None, 0.5, plain)[0].tolist() == keep.tolist()


def test_code_rows_read_the_pre_column():
    from boilerplate.model import Model

    model = Model(estimator=None, feature_names=("n_tokens", "tag_pre"))
    X = np.array([[5.0, 1.0], [3.0, 0.0]])
    assert model.code_rows(X).tolist() == [True, False]
    assert Model(estimator=None, feature_names=("n_tokens",)).code_rows(X) is None


class GainAt:
    """A stand-in cut model: predicts `gain` at cut `at` and nothing elsewhere."""

    def __init__(self, at: float, gain: float) -> None:
        self.at, self.gain = at, gain

    def predict(self, rows: np.ndarray) -> np.ndarray:
        return np.where(np.isclose(rows[:, -1], self.at), self.gain, 0.0)


def test_page_summary_describes_how_sure_the_model_is():
    sure = page_summary(np.array([0.95, 0.9, 0.02]), np.array([100, 80, 20]))
    unsure = page_summary(np.array([0.3, 0.25, 0.2]), np.array([100, 80, 20]))
    names = CUT_SUMMARY[:-1]
    assert len(sure) == len(names)
    assert sure[names.index("max_p")] == 0.95 and unsure[names.index("max_p")] == 0.3
    assert sure[names.index("share_p50")] == pytest.approx(0.9)
    assert unsure[names.index("share_p50")] == 0.0
    assert unsure[names.index("share_p20")] == 1.0
    assert page_summary(np.zeros(0), np.zeros(0)).tolist() == [0.0] * len(names)


def test_learned_cuts_move_a_page_only_for_a_gain_above_the_margin():
    proba = np.array([0.3, 0.2, 0.9, 0.1])
    tokens = np.ones(4)
    bounds = np.array([0, 2, 4])
    moved = learned_cuts(GainAt(0.2, 0.05), proba, tokens, bounds, 0.5, margin=0.01)
    assert moved.tolist() == [0.2, 0.2]
    kept = learned_cuts(GainAt(0.2, 0.005), proba, tokens, bounds, 0.5, margin=0.01)
    assert kept.tolist() == [0.5, 0.5]
    # a threshold off the grid is still a candidate, and the reference
    assert learned_cuts(GainAt(0.2, 0.05), proba, tokens, bounds, 0.47, 0.01).tolist() == [0.2, 0.2]


def test_page_thresholds_use_the_cut_model_unless_turned_off(trained):
    model, _, _ = trained
    with_cut = replace(model, cut_model=GainAt(0.3, 0.2))
    proba, X = np.array([0.4, 0.35]), np.zeros((2, len(model.feature_names)))
    bounds = np.array([0, 2])
    assert with_cut.page_thresholds(proba, X, bounds, DEFAULT_CONFIG).tolist() == [0.3]
    off = replace(DEFAULT_CONFIG, cut_margin=None)
    assert with_cut.page_thresholds(proba, X, bounds, off).tolist() == [model.threshold]
    assert with_cut.page_threshold(proba, X, DEFAULT_CONFIG, threshold=0.6) == 0.3


def test_fit_learns_a_cut_model_that_survives_saving(trained, tmp_path):
    model, report, directory = trained
    assert model.cut_model is not None
    assert "cut_heldout_f1_in_sample" in report
    loaded = Model.load(directory)
    proba = np.array([0.9, 0.4, 0.2, 0.05])
    X = np.zeros((4, len(model.feature_names)))
    X[:, model.feature_names.index("n_tokens")] = [50, 20, 10, 5]
    bounds = np.array([0, 4])
    assert (loaded.page_thresholds(proba, X, bounds, DEFAULT_CONFIG).tolist()
            == model.page_thresholds(proba, X, bounds, DEFAULT_CONFIG).tolist())
    meta = json.loads((directory / "model.json").read_text())
    assert meta["cut_summary"] == list(CUT_SUMMARY)
    meta["cut_summary"] = meta["cut_summary"][:-2]
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "model.joblib").write_bytes((directory / "model.joblib").read_bytes())
    (copy / "model.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="learned page cut"):
        Model.load(copy)


def test_fit_without_the_learned_cut_has_no_cut_model(tmp_path):
    pages, _ = load_pageset(str(write_pairs(tmp_path / "pairs")))
    model, report = fit(pages, replace(TINY, smoothing=False, learned_cut=False))
    assert model.cut_model is None and "cut_heldout_f1_in_sample" not in report


def test_lexicon_survives_saving_and_feeds_extraction(tmp_path, monkeypatch):
    import boilerplate.train as train

    monkeypatch.setattr(train, "LEXICON_LANG_PAGES", 3)
    pages, _ = load_pageset(str(write_pairs(tmp_path / "pairs")))
    model, _ = fit(pages, replace(TINY, smoothing=False, learned_cut=False))
    assert "the" in model.lexicon.function_words
    directory = model.save(tmp_path / "lex")
    loaded = Model.load(directory)
    assert loaded.lexicon == model.lexicon
    html = page_html("Lighthouse", "Keepers painted the lighthouse white again this summer, "
                     "and the lamp was fitted with a brighter bulb that ships can see far out.")
    result = Extractor(loaded).run(html, keep_features=True)
    rates = result.features.column("function_word_rate")
    assert (rates >= 0).all() and rates.max() > 0.2  # computed with the model's words
    assert ([b.probability for b in result.blocks]
            == [b.probability for b in Extractor(model).classify(html)])
    meta = json.loads((directory / "model.json").read_text())
    meta["lexicon"]["function_words"] = "the and of"
    (directory / "model.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="lexicon.function_words"):
        Model.load(directory)


MANUAL = """<html><body><div class="side"><ul><li><a href="/a">Install</a></li>
<li><a href="/b">Lists</a></li></ul></div>
<div id="doc"><h1>Lists</h1><p>The list type has some more methods, all of them listed here.</p>
<dl><dt>list.append(x)</dt><dd><p>Add an item to the end of the list.</p></dd></dl>
<p><a href="/tuples">Read also: tuples and sequences</a></p>
<p>An example that uses most of the list methods follows below.</p></div>
<div class="footer"><p>Copyright and terms of use.</p></div></body></html>"""


def _manual_blocks():
    from boilerplate.blocks import containers, segment
    from boilerplate.parse import parse

    blocks = segment(parse(MANUAL))
    assert [b.text[:5] for b in blocks] == [
        "Insta", "Lists", "Lists", "The l", "list.", "Add a", "Read ", "An ex", "Copyr"]
    return blocks, containers(blocks)


def test_gap_pass_fills_runs_between_kept_blocks_inside_the_main_region():
    from boilerplate.model import gap_pass

    _, tree = _manual_blocks()
    proba = np.array([0.02, 0.02, 0.6, 0.9, 0.1, 0.2, 0.3, 0.9, 0.3])
    tokens = np.array([1.0, 1, 1, 12, 3, 8, 5, 11, 5])
    links = np.array([1.0, 1, 0, 0, 0, 0, 1, 0, 0])
    keep = proba >= 0.5
    out = gap_pass(keep, proba, tokens, tree, links, floor=0.05, max_links=0.5, share=0.75)
    # The entry and its description lie between kept paragraphs; the teaser link there
    # stays out, as do the menu and footer (not between kept blocks).
    assert out.tolist() == [False, False, True, True, True, True, False, True, False]
    # One block of the run below the floor leaves the whole run out.
    low = proba.copy()
    low[4] = 0.01
    assert gap_pass(keep, low, tokens, tree, links, 0.05, 0.5, 0.75).tolist() == keep.tolist()


def test_gap_pass_leaves_runs_outside_the_main_region():
    from boilerplate.model import gap_pass

    _, tree = _manual_blocks()
    # The menu's first item is kept: the run from it to the first paragraph crosses the
    # sidebar's second item, outside the main region (#doc), so it stays out; the run
    # inside #doc is filled.
    proba = np.array([0.6, 0.2, 0.2, 0.9, 0.1, 0.2, 0.3, 0.9, 0.3])
    tokens = np.array([1.0, 1, 1, 12, 3, 8, 5, 11, 5])
    links = np.zeros(9)
    keep = proba >= 0.5
    assert gap_pass(keep, proba, tokens, tree, links, 0.05, 0.5, 0.75).tolist() == [
        True, False, False, True, True, True, True, True, False]
    # With fewer than two kept blocks there is no run to fill.
    one = np.zeros(9, dtype=bool)
    one[3] = True
    assert gap_pass(one, proba, tokens, tree, links, 0.05, 0.5, 0.75).tolist() == one.tolist()


def test_decide_page_runs_the_gap_pass_where_link_densities_are_given():
    from boilerplate.config import DEFAULT_CONFIG
    from boilerplate.errors import ModelError
    from boilerplate.model import decide_page

    _, tree = _manual_blocks()
    proba = np.array([0.02, 0.02, 0.6, 0.9, 0.1, 0.2, 0.3, 0.9, 0.3])
    tokens = np.array([1.0, 1, 1, 12, 3, 8, 5, 11, 5])
    links = np.array([1.0, 1, 0, 0, 0, 0, 1, 0, 0])
    plain = replace(DEFAULT_CONFIG, region_floor=None)
    keep, _ = decide_page(proba, tokens, tree, 0.5, plain, None, links)
    assert keep.tolist() == [False, False, True, True, True, True, False, True, False]
    off = replace(plain, gap_floor=None)
    assert decide_page(proba, tokens, tree, 0.5, off, None, links)[0].tolist() == (
        proba >= 0.5).tolist()
    assert decide_page(proba, tokens, tree, 0.5, plain)[0].tolist() == (proba >= 0.5).tolist()
    with pytest.raises(ModelError, match="containers"):
        decide_page(proba, tokens, None, 0.5, plain, None, links)


def test_link_rows_read_the_link_density_column():
    from boilerplate.model import Model

    model = Model(estimator=None, feature_names=("n_tokens", "link_density"))
    X = np.array([[5.0, 0.25], [3.0, 1.0]])
    assert model.link_rows(X).tolist() == [0.25, 1.0]
    assert Model(estimator=None, feature_names=("n_tokens",)).link_rows(X) is None


def test_repeat_rows_mark_text_the_page_repeats():
    from boilerplate.model import Model

    model = Model(estimator=None, feature_names=("n_tokens", "repeats"))
    X = np.array([[5.0, 0.0], [3.0, np.log(2.0)], [3.0, np.log(3.0)]])
    assert model.repeat_rows(X).tolist() == [False, True, True]
    assert Model(estimator=None, feature_names=("n_tokens",)).repeat_rows(X) is None
    # On a real page: a poll's answer line shown under two questions recurs, the rest not.
    from boilerplate.blocks import segment
    from boilerplate.features import featurize
    from boilerplate.parse import parse

    features = featurize(segment(parse(
        "<html><body><div><p>Was the article clear?</p><p>Agree Disagree Not sure</p>"
        "<p>Was it long enough?</p><p>Agree Disagree Not sure</p></div></body></html>")))
    page = Model(estimator=None, feature_names=features.names)
    assert page.repeat_rows(features.values).tolist() == [False, True, False, True]


def _listing_page():
    """The job listing fixture's blocks and containers, with the probabilities a model
    taught on articles gives it: the job records low, a small footer line kept."""
    from boilerplate.blocks import containers, segment
    from boilerplate.parse import parse
    from boilerplate.text import tokens as tokens_of

    from .conftest import FIXTURES

    blocks = segment(parse((FIXTURES / "en_listing.html").read_bytes()))
    tokens = np.array([float(len(tokens_of(b.text))) for b in blocks])
    links = np.array([b.anchor_chars / max(len(b.text.replace(" ", "")), 1) for b in blocks])
    proba = np.full(len(blocks), 0.005)
    records = np.array([b.tag in ("h2", "div") for b in blocks])
    proba[records] = np.where(links[records] > 0.5, 0.2, 0.03)
    proba[[b.text == "Remote Python jobs" for b in blocks]] = 0.3
    proba[[b.text.startswith("©") for b in blocks]] = 0.6
    return blocks, containers(blocks), proba, tokens, links, records


def test_record_groups_find_siblings_built_alike():
    from boilerplate.model import record_groups

    blocks, tree, _, _, _, records = _listing_page()
    group, record, block = record_groups(tree, min_records=4)
    by_group = {int(g): sorted(block[group == g].tolist()) for g in np.unique(group)}
    # The menu (5 items), the job list (6 records of 3 blocks) and the footer list (4
    # items) are the groups; no container with fewer alike children is one.
    assert sorted(len(rows) for rows in by_group.values()) == [4, 5, 18]
    job_list = next(g for g, rows in by_group.items() if len(rows) == 18)
    assert by_group[job_list] == np.flatnonzero(records).tolist()
    assert len(np.unique(record[group == job_list])) == 6
    assert [blocks[i].text for i in by_group[job_list][:3]] == [
        "Backend Engineer, Payments", "Tidewater Finance",
        "Remote, Europe \u00b7 Full-time \u00b7 3 days ago"]
    assert not len(record_groups(tree, min_records=7)[0])


def test_listing_pass_keeps_the_records_of_a_page_with_little_else():
    from boilerplate.model import listing_pass

    blocks, tree, proba, tokens, links, records = _listing_page()
    keep = proba >= 0.5
    out = listing_pass(keep, proba, tokens, tree, links, 0.01, DEFAULT_CONFIG)
    # Every job record is added; the menu, the heading, the pager and the footer list are
    # not; the footer line stays kept.
    assert out.tolist() == (keep | records).tolist()
    # Records below the floor stay out.
    floor = listing_pass(keep, proba, tokens, tree, links, 0.1, DEFAULT_CONFIG)
    assert floor.tolist() == (keep | (records & (proba >= 0.1))).tolist()


def test_listing_pass_stays_off_where_the_page_has_content_of_its_own():
    from boilerplate.model import listing_pass

    blocks, tree, proba, tokens, links, records = _listing_page()
    heading = [b.text == "Remote Python jobs" for b in blocks].index(True)
    # A sure block of prose outside the records: the page is an article with teasers.
    prose_proba, prose_tokens = proba.copy(), tokens.copy()
    prose_proba[heading], prose_tokens[heading] = 0.9, 25
    keep = prose_proba >= 0.5
    assert listing_pass(keep, prose_proba, prose_tokens, tree, links, 0.01,
                        DEFAULT_CONFIG).tolist() == keep.tolist()
    # Unsure kept blocks outside holding more than listing_max_kept of the records' tokens.
    much = tokens.copy()
    much[-1] = DEFAULT_CONFIG.listing_max_kept * tokens[records].sum() + 1
    keep = proba >= 0.5
    assert listing_pass(keep, proba, much, tree, links, 0.01,
                        DEFAULT_CONFIG).tolist() == keep.tolist()
    # Records without links are a comment thread, not a listing.
    assert listing_pass(keep, proba, tokens, tree, np.zeros(len(blocks)), 0.01,
                        DEFAULT_CONFIG).tolist() == keep.tolist()
    # Records shorter than listing_min_record_tokens are an archive's or a blogroll's links.
    short = replace(DEFAULT_CONFIG, listing_min_record_tokens=tokens[records].sum() / 6 + 1)
    assert listing_pass(keep, proba, tokens, tree, links, 0.01, short).tolist() == (
        keep.tolist())


SIDEBAR = """<html><body><div class="post"><img src="/cat.jpg" alt="">
<p>Posted by Ann at 9:14 PM</p></div><div id="sidebar">{}</div></body></html>""".format(
    "".join(f'<div class="widget"><h2>{title}</h2><ul>'
            + "".join(f'<li><a href="/{i}">{title} link number {i}</a></li>' for i in range(5))
            + "</ul></div>" for title in ("Archive", "Blogroll", "Friends", "Labels")))


def test_listing_pass_leaves_records_made_of_link_lists():
    from boilerplate.blocks import containers, segment
    from boilerplate.model import listing_pass
    from boilerplate.parse import parse
    from boilerplate.text import tokens as tokens_of

    blocks = segment(parse(SIDEBAR))
    tree = containers(blocks)
    tokens = np.array([float(len(tokens_of(b.text))) for b in blocks])
    links = np.array([1.0 if b.tag == "li" else 0.0 for b in blocks])
    proba = np.full(len(blocks), 0.1)
    keep = np.zeros(len(blocks), dtype=bool)
    # The sidebar's widgets are four records built alike, but each is mostly a list of its
    # own: a page of widgets, not a listing.
    assert listing_pass(keep, proba, tokens, tree, links, 0.01, DEFAULT_CONFIG).tolist() == (
        keep.tolist())
    loose = replace(DEFAULT_CONFIG, listing_max_nested=1.0)
    assert listing_pass(keep, proba, tokens, tree, links, 0.01, loose).any()


def test_decide_page_runs_the_listing_pass_where_link_densities_are_given():
    from boilerplate.model import decide_page

    _, tree, proba, tokens, links, records = _listing_page()
    on = replace(DEFAULT_CONFIG, region_floor=None, gap_floor=None)
    assert decide_page(proba, tokens, tree, 0.5, on, None, links)[0].tolist() == (
        (proba >= 0.5) | records).tolist()
    off = replace(on, listing_floor=None)
    assert decide_page(proba, tokens, tree, 0.5, off, None, links)[0].tolist() == (
        proba >= 0.5).tolist()
    with pytest.raises(ModelError, match="listing_floor=None"):
        decide_page(proba, tokens, None, 0.5, on, None, links)


def _manual_page():
    """The manual fixture's blocks and containers, with the probabilities a model taught
    mostly on news gives a manual: its intro kept, its entries low, its menus lower."""
    from boilerplate.blocks import containers, segment
    from boilerplate.parse import parse
    from boilerplate.text import tokens as tokens_of

    from .conftest import FIXTURES

    blocks = segment(parse((FIXTURES / "en_manual.html").read_bytes()))
    tokens = np.array([float(len(tokens_of(b.text))) for b in blocks])
    links = np.array([b.anchor_chars / max(len(b.text.replace(" ", "")), 1) for b in blocks])
    by_tag = {"h1": 0.3, "h2": 0.05, "pre": 0.05, "dt": 0.03, "dd": 0.1, "li": 0.01}
    proba = np.array([by_tag.get(b.tag, 0.2) for b in blocks])
    proba[[b.text.startswith("Copies tide tables") for b in blocks]] = 0.7
    proba[[b.text.startswith("tide-read,") for b in blocks]] = 0.04
    entries = np.array([b.tag in ("h1", "h2", "pre", "dt", "dd") or b.text.startswith(
        "Copies tide tables") for b in blocks])
    return blocks, containers(blocks), proba, tokens, links, entries


def test_main_region_holds_at_least_min_blocks():
    from boilerplate.model import main_region

    blocks, tree, proba, tokens, _, entries = _manual_page()
    keep = proba >= 0.5
    # One kept paragraph: the deepest container holding its weight is its own element.
    assert main_region(proba, tokens, keep, tree, 0.75).tolist() == keep.tolist()
    # Asked for two blocks, the region is the section the paragraph opens.
    region = main_region(proba, tokens, keep, tree, 0.75, min_blocks=2)
    assert [blocks[i].text for i in np.flatnonzero(region)][-1] == "tide-read, tide-plot"
    assert region.tolist() == (entries | np.array(
        [b.text == "tide-read, tide-plot" for b in blocks])).tolist()


def test_fill_pass_keeps_an_unsure_pages_main_region_but_for_links():
    from boilerplate.model import fill_pass

    blocks, tree, proba, tokens, links, entries = _manual_page()
    keep = proba >= 0.5
    out = fill_pass(keep, proba, tokens, tree, links, 0.02, DEFAULT_CONFIG)
    # The title, headings, synopsis and option entries join the intro; the "see also"
    # links, the contents sidebar and the footer stay out.
    assert out.tolist() == entries.tolist()
    # Blocks below the floor stay out.
    floor = fill_pass(keep, proba, tokens, tree, links, 0.04, DEFAULT_CONFIG)
    assert floor.tolist() == (entries & (proba >= 0.04)).tolist()
    # So do blocks whose text the page repeats (a poll's answers, a post shown twice),
    # unless they were kept already.
    repeated = np.array([b.tag in ("dd", "p") for b in blocks])
    out = fill_pass(keep, proba, tokens, tree, links, 0.02, DEFAULT_CONFIG, repeated)
    assert out.tolist() == (keep | (entries & ~repeated)).tolist()


def test_fill_pass_leaves_a_page_the_model_is_sure_of():
    from boilerplate.model import fill_pass

    blocks, tree, proba, tokens, links, entries = _manual_page()
    # Its kept text sure: an article, whose captions and bylines the region holds too.
    sure = proba.copy()
    sure[proba == 0.7] = DEFAULT_CONFIG.fill_sure
    keep = sure >= 0.5
    assert fill_pass(keep, sure, tokens, tree, links, 0.02, DEFAULT_CONFIG).tolist() == (
        keep.tolist())
    # A region of one block (the kept paragraph's own element) has nothing to fill.
    one = replace(DEFAULT_CONFIG, fill_min_blocks=1)
    keep = proba >= 0.5
    assert fill_pass(keep, proba, tokens, tree, links, 0.02, one).tolist() == keep.tolist()
    # Nothing kept: no region.
    none = np.zeros(len(blocks), dtype=bool)
    assert not fill_pass(none, proba, tokens, tree, links, 0.02, DEFAULT_CONFIG).any()


def test_decide_page_runs_the_fill_pass_where_link_densities_are_given():
    from boilerplate.model import decide_page

    _, tree, proba, tokens, links, entries = _manual_page()
    on = replace(DEFAULT_CONFIG, region_floor=None, gap_floor=None, listing_floor=None,
                 code_floor=None)
    assert decide_page(proba, tokens, tree, 0.5, on, None, links)[0].tolist() == (
        entries.tolist())
    off = replace(on, fill_floor=None)
    assert decide_page(proba, tokens, tree, 0.5, off, None, links)[0].tolist() == (
        proba >= 0.5).tolist()
    with pytest.raises(ModelError, match="fill_floor=None"):
        decide_page(proba, tokens, None, 0.5, on, None, links)


def _guide_page():
    """The guide fixture's blocks, containers, heading levels and comment marks (as the
    featurizer gives them), with the probabilities a model taught mostly on news gives a
    manual: its first section kept, the later ones ever lower, its menus lower still."""
    from boilerplate.blocks import containers, segment
    from boilerplate.features import featurize
    from boilerplate.model import Model
    from boilerplate.parse import parse
    from boilerplate.text import tokens as tokens_of

    from .conftest import FIXTURES

    blocks = segment(parse((FIXTURES / "en_guide.html").read_bytes()))
    features = featurize(blocks)
    model = Model(estimator=None, feature_names=features.names)
    heads, comments = model.heading_rows(features.values), model.comment_rows(features.values)
    tokens = np.array([float(len(tokens_of(b.text))) for b in blocks])
    links = np.array([b.anchor_chars / max(len(b.text.replace(" ", "")), 1) for b in blocks])
    later = {"Monitoring": 0.3, "The status": 0.3, "A station ": 0.2, "Tables wai": 0.15}
    proba = np.array([0.85 if b.text.startswith("Harbour Tools can") else
                      0.8 if b.text.startswith("This guide") else
                      later.get(b.text[:10], 0.05 if b.tag in ("h2", "pre") else 0.01)
                      for b in blocks])
    guide = np.array([1 <= i <= 11 for i in range(len(blocks))])
    assert [blocks[i].text for i in np.flatnonzero(guide)][::10] == [
        "Monitoring the harbour", "Tables wait in a queue per station until the copier takes "
        "them; a queue that keeps growing means the copier cannot keep up."]
    return blocks, containers(blocks), proba, tokens, links, heads, comments, guide


def test_heading_and_comment_rows_read_their_columns():
    from boilerplate.model import Model

    model = Model(estimator=None, feature_names=("heading_level", "own_comment", "anc_comment"))
    X = np.array([[2.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]])
    assert model.heading_rows(X).tolist() == [2.0, 0.0, 0.0, 0.0]
    assert model.comment_rows(X).tolist() == [False, True, True, False]
    bare = Model(estimator=None, feature_names=("n_tokens",))
    assert bare.heading_rows(X) is None and bare.comment_rows(X) is None
    blocks, *_, heads, comments, _ = _guide_page()
    assert [int(h) for h, b in zip(heads, blocks, strict=True) if h] == [1, 2, 2, 2, 2]
    assert not comments.any()


def test_section_regions_make_a_manuals_sections_one_region():
    from boilerplate.model import main_region, section_regions

    blocks, tree, proba, tokens, _, heads, comments, guide = _guide_page()
    keep = proba >= 0.5
    # The kept intro lies in the first of four sections led by <h2>: the deepest container
    # holding its weight is that section.
    first = main_region(proba, tokens, keep, tree, 0.75, min_blocks=2)
    assert [b.text for b, x in zip(blocks, first, strict=True) if x][0] == "Introduction"
    assert first.sum() == 3
    # Its parent, the guide's own section (led by the <h1>), stands for it, and so for the
    # other three; containers that are no section stand for themselves.
    regions = section_regions(tree, heads, comments, 3)
    wide = main_region(proba, tokens, keep, tree._replace(regions=regions), 0.75, min_blocks=2)
    assert wide.tolist() == guide.tolist()
    moved = np.flatnonzero(regions != np.arange(len(regions)))
    assert len(moved) == 4 and len(set(regions[moved].tolist())) == 1
    # Five sections are asked for, four are there: nothing moves.
    assert (section_regions(tree, heads, comments, 5) == np.arange(len(regions))).all()


def test_section_regions_stop_at_a_comment_container():
    from boilerplate.blocks import containers, segment
    from boilerplate.features import featurize
    from boilerplate.model import Model, section_regions
    from boilerplate.parse import parse

    def regions_of(last_id: str) -> tuple[list, np.ndarray, np.ndarray]:
        blocks = segment(parse(
            "<html><body><div class='header'><a href='/'>Home</a></div><div class='main'>"
            "<div class='entry'><h2>A day at the harbour</h2><p>We watched the boats come "
            "in.</p></div><div class='share'><h2>Share this</h2><p>Send it to a friend.</p>"
            f"</div><div id='{last_id}'><h2>Three replies</h2><p>Lovely pictures, thank "
            "you.</p></div></div></body></html>"))
        features = featurize(blocks)
        model = Model(estimator=None, feature_names=features.names)
        tree = containers(blocks)
        return blocks, tree, section_regions(tree, model.heading_rows(features.values),
                                             model.comment_rows(features.values), 3)

    # The post's three sibling sections are led by <h2>; the last holds the comments, so
    # the post's section stays its own region.
    blocks, tree, regions = regions_of("comments")
    post = tree.ids[tree.starts[1]:tree.starts[2]]
    assert blocks[1].text == "A day at the harbour"
    assert regions[post[-2]] == post[-2]
    # Named otherwise, the three are one article's sections.
    blocks, tree, regions = regions_of("more")
    post = tree.ids[tree.starts[1]:tree.starts[2]]
    assert regions[post[-2]] == post[-3]


def test_decide_page_widens_a_manuals_region_over_its_sections():
    from boilerplate.config import REGION_SECTIONS
    from boilerplate.model import decide_page

    blocks, tree, proba, tokens, links, heads, comments, guide = _guide_page()
    plain = replace(DEFAULT_CONFIG, gap_floor=None, listing_floor=None,
                    region_sections=REGION_SECTIONS)
    keep, _ = decide_page(proba, tokens, tree, 0.5, plain, None, links, None, heads, comments)
    # The fill pass keeps the whole guide, from its title to the last section's text; the
    # breadcrumb, the table of contents and the footer stay out.
    assert keep.tolist() == guide.tolist()
    # Without section regions (the default) it keeps only the first section.
    off = replace(plain, region_sections=DEFAULT_CONFIG.region_sections)
    assert off.region_sections is None
    narrow, _ = decide_page(proba, tokens, tree, 0.5, off, None, links, None, heads, comments)
    assert [b.text for b, k in zip(blocks, narrow, strict=True) if k][0] == "Introduction"
    assert narrow.sum() == 3
    # Nor without the heading levels and comment marks.
    assert decide_page(proba, tokens, tree, 0.5, plain, None, links)[0].tolist() == (
        narrow.tolist())


POST = """<html><body><div class="nav"><a href="/">Home</a> <a href="/archive">Archive</a></div>
<div class="main"><div class="entry">
<h2>Rebuilding the harbour wall</h2>
<p>The council voted on Tuesday to rebuild the harbour wall before the winter storms, after
engineers found that the old stones had shifted by almost a metre along the eastern arm.</p>
<p>Work starts next month and will close the eastern quay to boats for six weeks, while
divers fix new footings and cranes lift the stones back into place one course at a time.</p>
<p>The harbour master said the ferry will keep its western berth throughout, and that the
lifeboat station will move to a temporary pontoon until the last stones are set and the
engineers have signed the wall off as safe for the spring tides.</p>
</div>
<div id="comments"><div class="comment"><p>About time too, that wall has been leaning for
years and nobody listened when we told them at the last meeting.</p></div>
<div class="comment"><p>Six weeks without the eastern quay will hurt the fishing boats more
than the council seems to think.</p></div></div></div></body></html>"""


def _post_page(html: str = POST):
    """A post's blocks, containers, link densities and comment marks, with the probabilities
    a model gives it: the post sure, its comments kept too (they read like prose)."""
    from boilerplate.blocks import containers, segment
    from boilerplate.features import featurize
    from boilerplate.model import Model
    from boilerplate.parse import parse
    from boilerplate.text import tokens as tokens_of

    blocks = segment(parse(html))
    features = featurize(blocks)
    comments = Model(estimator=None, feature_names=features.names).comment_rows(features.values)
    tokens = np.array([float(len(tokens_of(b.text))) for b in blocks])
    links = np.array([b.anchor_chars / max(len(b.text.replace(" ", "")), 1) for b in blocks])
    proba = np.array([0.05 if b.text.startswith("Home") else 0.8 if b.tag == "h2" else
                      0.95 if b.text.startswith(("The council", "Work starts", "The harbour"))
                      else 0.85
                      for b in blocks])
    return blocks, containers(blocks), proba, tokens, links, comments


def test_comment_pass_drops_the_comments_beside_a_sure_article():
    from boilerplate.model import comment_pass

    blocks, tree, proba, tokens, links, comments = _post_page()
    assert comments.tolist() == [False] * 5 + [True, True]
    keep = proba >= 0.5
    on = replace(DEFAULT_CONFIG, comment_trim=True)
    assert comment_pass(keep, proba, tokens, tree, links, comments, on).tolist() == (
        keep & ~comments).tolist()
    # Off by default, and off without a sure article's weight.
    assert comment_pass(keep, proba, tokens, tree, links, comments, DEFAULT_CONFIG
                        ).tolist() == keep.tolist()
    heavy = replace(on, region_article_tokens=float(tokens.sum()))
    assert comment_pass(keep, proba, tokens, tree, links, comments, heavy).tolist() == (
        keep.tolist())


def test_comment_pass_leaves_a_thread_whose_posts_are_all_in_comment_containers():
    from boilerplate.model import comment_pass

    thread = POST.replace('<div class="entry">', '<div class="comment entry">')
    blocks, tree, proba, tokens, links, comments = _post_page(thread)
    assert comments[1:].all()
    keep = proba >= 0.5
    on = replace(DEFAULT_CONFIG, comment_trim=True)
    assert comment_pass(keep, proba, tokens, tree, links, comments, on).tolist() == (
        keep.tolist())


def test_decide_page_runs_the_comment_pass_where_asked():
    from boilerplate.model import decide_page

    blocks, tree, proba, tokens, links, comments = _post_page()
    on = replace(DEFAULT_CONFIG, comment_trim=True)
    keep, _ = decide_page(proba, tokens, tree, 0.5, on, None, links, None, None, comments)
    assert [b.text[:12] for b, k in zip(blocks, keep, strict=True) if k] == [
        "Rebuilding t", "The council ", "Work starts ", "The harbour "]
    assert decide_page(proba, tokens, tree, 0.5, DEFAULT_CONFIG, None, links, None, None,
                       comments)[0].tolist() == (proba >= 0.5).tolist()
    with pytest.raises(ModelError, match="comment_trim=False"):
        decide_page(proba, tokens, None, 0.5, replace(on, region_floor=None, gap_floor=None,
                                                      listing_floor=None, fill_floor=None,
                                                      feed_link_density=None),
                    None, links, None, None, comments)
