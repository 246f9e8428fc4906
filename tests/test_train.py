import numpy as np
import pytest

from boilerplate.datasets import LabeledPage
from boilerplate.labels import UNLABELED
from boilerplate.train import (
    HyperParams,
    concat,
    fit,
    has_full_gold,
    has_labels,
    load_pageset,
    site_of,
    split_by_site,
    subset,
)

from .helpers import TOPICS, write_jsonl, write_pairs, write_snippet_jsonl


def page(**kw) -> LabeledPage:
    return LabeledPage(**{"id": "x", "dataset": "d", "html": "<p>x</p>", "text": "x", **kw})


def test_partial_gold_does_not_teach_labels():
    assert has_full_gold(page())
    assert not has_full_gold(page(meta={"gold_kind": "prefix_silver"}))
    assert not has_full_gold(page(text=None))
    assert has_full_gold(page(text=None, labeled_html="<span __boilernet_label=1>x</span>"))


def test_snippet_gold_teaches_some_labels():
    assert not has_full_gold(page(text=None, meta={"gold_kind": "snippets"}, must_have=("x",)))
    assert has_labels(page(text=None, meta={"gold_kind": "snippets"}, must_have=("x",)))
    assert not has_labels(page(text=None, meta={"gold_kind": "snippets"}))


def test_snippet_pages_train_on_their_labelled_blocks_only(tmp_path):
    full, _ = load_pageset(str(write_pairs(tmp_path / "pairs")))
    snip, _ = load_pageset(str(write_snippet_jsonl(tmp_path / "snip" / "pages.jsonl.gz")))
    assert snip.n_pages == len(TOPICS) and all(g is None for g in snip.gold)
    first = snip.y[snip.rows(0)]
    assert (first == 1).sum() == 1 and (first == 0).sum() == 1
    assert (first == UNLABELED).sum() == len(first) - 2
    model, report = fit(concat([full, snip]), HyperParams(max_iter=5, refit=False,
                                                          min_samples_leaf=2))
    assert model.estimator.classes_.tolist() == [0, 1]
    assert report["heldout_pages"] > 0
    # with snippet gold alone, held-out pages still vote on the threshold by their snippets
    _, alone = fit(snip, HyperParams(max_iter=5, refit=False, min_samples_leaf=2))
    assert alone["heldout_f1"] > 0


def test_site_of_prefers_the_url_host():
    assert site_of(page(url="https://www.example.org/a")) == "example.org"
    assert site_of(page(meta={"site": "news.cn"})) == "news.cn"
    assert site_of(page()) == "d:x"


def test_split_never_puts_a_site_on_both_sides(tmp_path):
    pages, _ = load_pageset(str(write_jsonl(tmp_path / "s" / "pages.jsonl.gz", False)))
    train, held = split_by_site(pages, 0.25)
    assert set(train).isdisjoint(held) and len(train) + len(held) == len(TOPICS)
    assert {pages.groups[i] for i in train}.isdisjoint({pages.groups[i] for i in held})


def test_subset_and_concat_keep_rows_with_their_pages(tmp_path):
    a, _ = load_pageset(str(write_pairs(tmp_path / "pairs")))
    b, _ = load_pageset(str(write_jsonl(tmp_path / "s" / "pages.jsonl.gz", False)))
    both = concat([a, b])
    assert both.n_pages == a.n_pages + b.n_pages and len(both.y) == len(a.y) + len(b.y)
    picked = subset(both, np.array([1, a.n_pages + 2]))
    np.testing.assert_array_equal(picked.X[picked.rows(0)], a.X[a.rows(1)])
    np.testing.assert_array_equal(picked.X[picked.rows(1)], b.X[b.rows(2)])
    assert picked.block_texts[1] == b.block_texts[2]
    assert len(both.trees) == both.n_pages and len(picked.trees) == 2
    np.testing.assert_array_equal(picked.trees[1].ids, b.trees[2].ids)
    assert len(picked.trees[0].starts) == len(picked.y[picked.rows(0)]) + 1


def test_page_weight_power_one_weighs_every_page_alike(tmp_path):
    from boilerplate.train import PAGE_WEIGHT_FLOOR, _rows

    pages, _ = load_pageset(str(write_pairs(tmp_path / "pairs")))
    rows, plain = _rows(pages, HyperParams(page_weight_power=0.0))
    same_rows, even = _rows(pages, HyperParams(page_weight_power=1.0))
    np.testing.assert_array_equal(rows, same_rows)
    assert np.isclose(even.sum(), plain.sum())  # only how the weight is shared changes
    page_of_row = np.repeat(np.arange(pages.n_pages), np.diff(pages.page_starts))[rows]
    before = np.bincount(page_of_row, weights=plain)
    after = np.bincount(page_of_row, weights=even)
    heavy = before >= PAGE_WEIGHT_FLOOR
    assert heavy.sum() >= 2 and len(set(before[heavy].round(3))) > 1
    assert np.allclose(after[heavy], after[heavy][0])  # pages above the floor weigh alike
    # Within a page, blocks keep their relative weights.
    first = page_of_row == 0
    np.testing.assert_allclose(even[first] / even[first].sum(), plain[first] / plain[first].sum())


def test_lexicon_learns_function_and_chrome_words_from_labels(tmp_path, monkeypatch):
    import boilerplate.train as train

    monkeypatch.setattr(train, "LEXICON_LANG_PAGES", 4)
    pages, _ = load_pageset(str(write_pairs(tmp_path / "pairs")))
    lexicon = train.learn_lexicon(pages)
    # Words in every page's article are the language's function words; the menu's are not.
    assert {"the", "and"} <= lexicon.function_words
    assert not {"home", "sport", "share"} & lexicon.function_words
    assert {"home", "sport", "tweet", "copyright"} <= lexicon.chrome_words
    assert not {"the", "and"} & lexicon.chrome_words
    # Too few pages of a language teach it no function words.
    monkeypatch.setattr(train, "LEXICON_LANG_PAGES", pages.n_pages + 1)
    assert not train.learn_lexicon(pages).function_words


def test_with_lexicon_adds_the_columns_extraction_computes(tmp_path, monkeypatch):
    import boilerplate.train as train
    from boilerplate.features import (
        LEXICON_COLUMNS,
        LEXICON_MISSING,
        feature_names,
        lexicon_columns,
    )

    monkeypatch.setattr(train, "LEXICON_LANG_PAGES", 4)
    pages, _ = load_pageset(str(write_pairs(tmp_path / "pairs")))
    assert pages.X.shape[1] == len(feature_names())  # featurized before any lexicon exists
    lexicon = train.learn_lexicon(pages)
    filled = train.with_lexicon(pages, lexicon)
    names = feature_names(lexicon=True)
    assert filled.X.shape[1] == len(names) and names[-2:] == LEXICON_COLUMNS
    assert filled.lexicon is lexicon and train.with_lexicon(filled, lexicon) is filled
    assert (filled.X[:, -2:] >= 0).all()
    np.testing.assert_array_equal(filled.X[:, :-2], pages.X)
    # The numbers featurize adds for a model with this lexicon (tests/test_features.py).
    np.testing.assert_array_equal(filled.X[filled.rows(1)][:, -2:],
                                  lexicon_columns(pages.block_texts[1], lexicon))
    assert train.with_lexicon(filled, None).X.shape == pages.X.shape
    # Masked pages get the columns missing, whole pages at a time.
    masked = train.with_lexicon(pages, lexicon, mask_share=0.5)
    missing = [bool((masked.X[masked.rows(i)][:, -2:] == LEXICON_MISSING).all())
               for i in range(pages.n_pages)]
    assert 0 < sum(missing) < pages.n_pages
    assert all(missing[i] or (masked.X[masked.rows(i)][:, -2:] >= 0).all()
               for i in range(pages.n_pages))
    with pytest.raises(ValueError, match="lexicon"):
        concat([filled, pages])


def test_fit_keeps_its_lexicon_unless_told_not_to(tmp_path, monkeypatch):
    import boilerplate.train as train

    monkeypatch.setattr(train, "LEXICON_LANG_PAGES", 3)
    pages, _ = load_pageset(str(write_pairs(tmp_path / "pairs")))
    model, _ = fit(pages, HyperParams(max_iter=5, min_samples_leaf=2))
    assert model.lexicon is not None and "the" in model.lexicon.function_words
    bare, _ = fit(pages, HyperParams(max_iter=5, min_samples_leaf=2, lexicon=False))
    assert bare.lexicon is None
