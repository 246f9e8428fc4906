"""Site templates: block texts that recur on other pages of one site in a batch."""

import gzip
import json
import random
from dataclasses import replace

import numpy as np
import pytest

from boilerplate.cli import main
from boilerplate.config import DEFAULT_CONFIG
from boilerplate.extract import Extractor
from boilerplate.sources import Page, SourceError, iter_pages
from boilerplate.templates import (
    NO_KEY,
    SiteIndex,
    block_keys,
    declared_url,
    demote,
    index_pages,
    normalize,
    recurring_rows,
    site_of_url,
)

FOOTER = "Published by the Bayside Media Cooperative, owned by its readers."
MENU = "News Sport Culture Weather Letters"


TOPICS = ["harbour", "library", "orchard", "bridge", "school", "market", "museum", "stadium",
          "ferry", "garden"]


def article(n: int) -> list[str]:
    """A page of one site: two paragraphs of its own (numbers fold, so topics differ by
    word), then the site's footer and menu."""
    topic = TOPICS[n]
    return [f"The {topic} story begins with its own first paragraph of news.",
            f"The second paragraph of the {topic} story quotes the mayor.", FOOTER, MENU]


def site_pages(fixtures):
    return sorted((fixtures / "site").glob("*.html"))


def test_normalize_folds_case_spacing_and_numbers():
    assert normalize("  12 Comments\n on  this ") == normalize("13 comments on this")
    assert normalize("Read more") != normalize("Read less")


def test_block_keys_skip_short_texts_and_are_stable():
    keys, lengths = block_keys(["Home", "12 comments so far", "13 Comments so far"])
    assert keys[0] == NO_KEY and lengths[0] == 0
    assert keys[1] == keys[2] != NO_KEY
    again, _ = block_keys(["12 comments so far"])
    assert again[0] == keys[1]  # not Python's salted hash: the same in every process


def test_site_of_url():
    assert site_of_url("https://www.Example.org:8080/a?b=1") == "example.org"
    assert site_of_url("http://[::1") is None
    assert site_of_url(None) is None and site_of_url("") is None
    assert site_of_url("relative/path.html") is None


def test_blocks_on_other_pages_of_the_site_recur_and_the_articles_do_not():
    index = SiteIndex()
    for n in range(3):
        index.add("example.org", article(n), title=f"The {TOPICS[n]} story")
    index.add("other.org", article(9), title="The garden story")
    assert index.recurring(0, article(0)).tolist() == [False, False, True, True]
    # The same footer on another site is no evidence for this one.
    assert index.recurring(3, article(9)).tolist() == [False, False, False, False]


def test_a_pages_headline_is_not_template_where_siblings_link_to_it():
    index = SiteIndex()
    headline = "Harbour bridge reopens after repairs"
    index.add("example.org", [headline, *article(0)], title=f"{headline} | Courier")
    index.add("example.org", [*article(1), headline], title="The library story | Courier")
    assert index.recurring(0, [headline, *article(0)]).tolist() == [False, False, False,
                                                                     True, True]
    assert index.recurring(1, [*article(1), headline]).tolist() == [False, False, True, True,
                                                                    True]


def test_min_pages_sets_how_many_other_pages_it_takes():
    index = SiteIndex(replace(DEFAULT_CONFIG, template_min_pages=2))
    index.add("example.org", article(0), title="a")
    index.add("example.org", article(1), title="b")
    assert not index.recurring(0, article(0)).any()
    index.add("example.org", article(2), title="c")
    assert index.recurring(0, article(0)).tolist() == [False, False, True, True]


def test_a_page_fetched_twice_is_not_its_own_template():
    index = SiteIndex()
    index.add("example.org", article(0), title="The harbour story")
    recrawl = article(0)[:2] + ["A different sidebar on the second visit to this story."]
    index.add("example.org", recrawl, title="The  Harbour story")  # same title, folded
    index.add("example.org", article(1), title="The library story")
    assert index.recurring(0, article(0)).tolist() == [False, False, True, True]
    # Without the title, most of the text in common marks the copy as well.
    untitled = SiteIndex()
    untitled.add("example.org", article(0) * 3)
    untitled.add("example.org", article(0) * 3 + ["One extra line at the end of it all."])
    assert not untitled.recurring(0, article(0) * 3).any()


def test_a_title_every_page_shares_names_the_site_not_the_page():
    index = SiteIndex()
    for n in range(DEFAULT_CONFIG.template_title_copies + 1):
        index.add("example.org", article(n), title="Bayside Courier")
    assert index.recurring(0, article(0)).tolist() == [False, False, True, True]


def test_pages_without_a_site_have_no_siblings():
    index = SiteIndex()
    index.add(None, article(0))
    index.add(None, article(1))
    assert not index.recurring(0, article(0)).any()


def test_duplicates_match_a_brute_force_count():
    rng = random.Random(7)
    pool = [f"Shared sentence number {i} of the site's many texts." for i in range(30)]
    pages = [rng.sample(pool, rng.randint(3, 12)) for _ in range(40)]
    pages += [pages[0] + [pool[29]], pages[1][:-1]]
    index = SiteIndex()
    for page in pages:
        index.add("example.org", page)
    share = DEFAULT_CONFIG.template_duplicate_share
    for number, page in enumerate(pages):
        mine = {normalize(t): len(normalize(t)) for t in page}
        brute = {other for other, theirs in enumerate(pages)
                 if sum(n for t, n in mine.items() if t in {normalize(x) for x in theirs})
                 >= share * sum(mine.values())}
        assert index.duplicates(number) == brute, number


INTRO = ["Quay helps you build small services that start with one command.",
         "It takes an opinionated view of configuration, so most projects need none."]
CHAPTERS = ("Chapters: installing, configuring, deploying, monitoring, upgrading, "
            "troubleshooting, reference")
SURE, UNSURE = 0.95, 0.1
MANUAL_TITLES = ["Quay overview", "Quay getting started", "The library story", "Quay FAQ"]


def manual_site() -> tuple[SiteIndex, list[list[str]]]:
    """A manual's index page (its intro, then its own list of chapters), its getting-started
    page that repeats the intro, and an unrelated page: all three carry the menu and footer."""
    pages = [INTRO + [CHAPTERS, MENU, FOOTER],
             ["Getting started walks through a first service, step by step."] + INTRO
             + ["Install the command line tool before you begin the tutorial.", MENU, FOOTER],
             article(1)]
    index = SiteIndex()
    for n, page in enumerate(pages):
        index.add("docs.example.org", page, title=MANUAL_TITLES[n])
    return index, pages


def test_a_sibling_holding_the_pages_prose_alone_is_a_copy_not_its_template():
    index, pages = manual_site()
    proba = np.array([SURE, SURE, UNSURE, UNSURE, UNSURE])
    # By text alone the intro recurs on the getting-started page.
    assert index.recurring(0, pages[0]).tolist() == [True, True, False, True, True]
    # With probabilities, that page holds all the index's prose and nothing else does.
    assert index.copies(0, *_keyed(index, 0, pages[0]), proba) == {1}
    assert index.recurring(0, pages[0], proba).tolist() == [False, False, False, True, True]
    # The getting-started page's own prose outweighs the intro: the index is no copy of it.
    proba1 = np.array([SURE] * 4 + [UNSURE] * 2)
    assert index.recurring(1, pages[1], proba1).tolist() == [False, True, True, False,
                                                            True, True]


def test_prose_on_three_pages_is_a_template_however_sure():
    index, pages = manual_site()
    index.add("docs.example.org", INTRO + [MENU], title=MANUAL_TITLES[3])
    proba = np.array([SURE, SURE, UNSURE, UNSURE, UNSURE])
    assert index.copies(0, *_keyed(index, 0, pages[0]), proba) == set()
    assert index.recurring(0, pages[0], proba).tolist() == [True, True, False, True, True]


def test_texts_the_page_did_not_hold_when_indexed_make_no_copy():
    index, pages = manual_site()
    # Page 2 changed between the index pass and extraction: it now carries the intro, which
    # the index knows on pages 0 and 1 only. They are no copies of page 2: it recurs there.
    changed = INTRO + [MENU]
    assert index.copies(2, *_keyed(index, 2, changed), np.array([SURE, SURE, UNSURE])) == set()
    assert index.recurring(2, changed, np.array([SURE, SURE, UNSURE])).all()


def test_copy_share_none_turns_the_copy_check_off():
    config = replace(DEFAULT_CONFIG, template_copy_share=None)
    index = SiteIndex(config)
    pages = manual_site()[1]
    for n, page in enumerate(pages):
        index.add("docs.example.org", page, title=MANUAL_TITLES[n])
    proba = np.array([SURE, SURE, UNSURE, UNSURE, UNSURE])
    assert index.recurring(0, pages[0], proba).tolist() == [True, True, False, True, True]


def _keyed(index: SiteIndex, number: int, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    keys, lengths = block_keys(texts)
    return index._fold(index.sites[number], keys), lengths


def test_recurring_rows_lays_pages_back_to_back():
    texts = [article(0), article(1), ["A page of its own, alone on its site."]]
    rows = recurring_rows(["example.org", "example.org", "other.org"], texts)
    assert rows.tolist() == [False, False, True, True] * 2 + [False]
    assert recurring_rows([], []).shape == (0,)
    # Each page reads its own slice of the probabilities.
    _, pages = manual_site()
    proba = np.array([SURE, SURE] + [UNSURE] * 3 + [SURE] * 4 + [UNSURE] * 2 + [SURE] * 4)
    rows = recurring_rows(["docs.example.org"] * 3, pages, MANUAL_TITLES[:3], DEFAULT_CONFIG,
                          proba)
    assert rows[:5].tolist() == [False, False, False, True, True]
    with pytest.raises(ValueError, match="probabilities given for"):
        recurring_rows(["docs.example.org"] * 3, pages, MANUAL_TITLES[:3], DEFAULT_CONFIG,
                       proba[:-1])
    with pytest.raises(ValueError, match="3 probabilities given for 5 blocks"):
        manual_site()[0].recurring(0, pages[0], proba[:3])


def test_demote_zeroes_recurring_blocks_only():
    proba = np.array([0.9, 0.99, 0.2], dtype=np.float32)
    out = demote(proba, np.array([False, True, True]))
    assert out.tolist() == pytest.approx([0.9, 0.0, 0.0]) and out.dtype == proba.dtype


def test_declared_url_reads_canonical_then_og_url(fixtures):
    from boilerplate.parse import parse

    page = (fixtures / "site" / "harbour.html").read_bytes()
    assert declared_url(parse(page).root) == "https://www.bayside-courier.example/news/harbour"
    og = b'<html><head><meta property="og:url" content="https://ex.org/a"></head><body></body>'
    assert declared_url(parse(og).root) == "https://ex.org/a"
    assert declared_url(parse(b"<p>no head at all</p>").root) is None


def test_index_pages_skips_what_cannot_be_read(fixtures):
    items = [*iter_pages([str(p) for p in site_pages(fixtures)]),
             SourceError("missing.html", "no such file"), Page("empty", b"")]
    index = index_pages(items)
    assert len(index) == 3
    assert set(index.sites) == {"bayside-courier.example"}


TEASERS = ["Residents of the east district say the new cycle lanes",
           "The city orchestra announced its winter programme",
           "After a dry summer the reservoir is at its lowest level",
           "More from the Courier", "The Bayside Courier is published by"]


def test_extractor_with_the_index_keeps_articles_and_drops_the_sites_teasers(fixtures):
    paths = site_pages(fixtures)
    plain = Extractor.load()
    with_index = replace(plain, templates=index_pages(iter_pages([str(p) for p in paths])))
    for path in paths:
        page = Page(str(path), path.read_bytes())
        before = plain.render_page(page, _text())
        after = with_index.render_page(page, _text())
        body = [line for line in before.splitlines() if not any(t in line for t in TEASERS)]
        assert after.splitlines() == body, path.name
        for teaser in TEASERS:
            assert teaser not in after


def _text():
    from boilerplate.render import RenderOptions

    return RenderOptions("text")


def test_cli_extract_site_templates(fixtures, capsys):
    folder = str(fixtures / "site")
    assert main(["extract", folder, "--quiet"]) == 0
    plain = capsys.readouterr().out
    assert main(["extract", folder, "--site-templates"]) == 0
    captured = capsys.readouterr()
    assert "site templates: read 3 pages" in captured.err
    assert "The Bayside Courier is published by" in plain
    for teaser in TEASERS:
        assert teaser not in captured.out
    assert "The weekly farmers market will move" in captured.out


def test_cli_site_templates_refuses_stdin(capsys):
    assert main(["extract", "-", "--site-templates"]) == 2
    assert "reads the pages twice" in capsys.readouterr().err


def test_evaluate_site_templates_scores_a_dataset_as_one_batch(fixtures, tmp_path, capsys):
    path = tmp_path / "site.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for page in site_pages(fixtures):
            html = page.read_text(encoding="utf-8")
            gold = "\n".join(line for line in Extractor.load().extract(html).splitlines()
                             if not any(t in line for t in TEASERS))
            out.write(json.dumps({"id": page.stem, "url": f"https://bayside.example/{page.stem}",
                                  "lang": "en", "html": html, "text": gold}) + "\n")
    assert main(["evaluate", str(path), "--json", "--quiet"]) == 0
    plain = json.loads(capsys.readouterr().out)
    assert main(["evaluate", str(path), "--json", "--quiet", "--site-templates"]) == 0
    batch = json.loads(capsys.readouterr().out)
    f1 = [next(iter(t.values()))["overall"]["f1"] for t in (plain, batch)]
    assert f1[0] < 0.9 and f1[1] == pytest.approx(1.0)


def test_index_pass_in_two_processes_matches_one(fixtures):
    paths = [str(p) for p in site_pages(fixtures)] * 3  # nine pages, three per id
    one, two = index_pages(iter_pages(paths)), index_pages(iter_pages(paths), jobs=2)
    assert (one.sites, one.numbers, one.titles) == (two.sites, two.numbers, two.titles)
    assert all(np.array_equal(a, b) for a, b in zip(one.keys, two.keys, strict=True))
    assert one.postings == two.postings
