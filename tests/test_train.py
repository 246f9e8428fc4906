import numpy as np

from boilerplate.datasets import LabeledPage
from boilerplate.train import concat, has_full_gold, load_pageset, site_of, split_by_site, subset

from .helpers import TOPICS, write_jsonl, write_pairs


def page(**kw) -> LabeledPage:
    return LabeledPage(**{"id": "x", "dataset": "d", "html": "<p>x</p>", "text": "x", **kw})


def test_partial_gold_does_not_teach_labels():
    assert has_full_gold(page())
    assert not has_full_gold(page(meta={"gold_kind": "prefix_silver"}))
    assert not has_full_gold(page(text=None))
    assert has_full_gold(page(text=None, labeled_html="<span __boilernet_label=1>x</span>"))


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
