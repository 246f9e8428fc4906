import json

import numpy as np
import pytest

from boilerplate.errors import ModelError
from boilerplate.extract import Extractor
from boilerplate.features import FeatureMatrix
from boilerplate.model import Model
from boilerplate.train import HyperParams, fit, load_pageset

from .helpers import page_gold, page_html, write_pairs

TINY = HyperParams(max_iter=15, min_samples_leaf=2, smoothing=True)


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
    X = pages.X[:50]
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
    from boilerplate.model import kept_rows, page_cut

    sure = np.array([0.97, 0.02, 0.9])
    unsure = np.array([0.3, 0.02, 0.25])
    proba = np.concatenate([sure, unsure])
    tokens = np.array([50, 3, 40, 50, 3, 40])
    keep = kept_rows(proba, tokens, np.array([0, 3, 6]), 0.5, 0.1)
    assert keep.tolist() == [True, False, True, True, False, True]
    assert page_cut(unsure, tokens[3:], 0.5, 0.1) < 0.5
    assert kept_rows(proba, tokens, np.array([0, 3, 6]), 0.5, None).tolist() == (proba >= 0.5
                                                                                 ).tolist()
