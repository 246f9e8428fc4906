import numpy as np
import pytest

from boilerplate.blocks import segment
from boilerplate.config import DEFAULT_CONFIG, Config
from boilerplate.features import block_table, feature_names, featurize
from boilerplate.parse import parse


def matrix(html: str, config: Config = DEFAULT_CONFIG):
    blocks = segment(parse(html))
    return blocks, featurize(blocks, config)


def row(features, i: int) -> dict:
    return dict(zip(features.names, features.values[i].tolist(), strict=True))


def test_names_are_unique_and_match_columns():
    names = feature_names()
    assert len(names) == len(set(names))
    _, features = matrix("<p>a b c</p><p>d</p>")
    assert features.values.shape == (2, len(names))
    assert features.values.dtype == np.float32


def test_text_statistics_by_hand():
    _, f = matrix('<body><p>Hello, World! It is 2024. <a href="#">Click</a></p></body>')
    r = row(f, 0)
    assert r["n_tokens"] == 6
    assert r["sentence_ends"] == 2
    assert r["digit_ratio"] == pytest.approx(4 / 31)
    assert r["upper_ratio"] == pytest.approx(4 / 31)
    assert r["link_density"] == pytest.approx(5 / 26)  # of the non-space characters
    assert r["all_link"] == 0
    assert r["tag_p"] == 1 and r["in_p"] == 1


def test_chinese_tokens_and_punctuation():
    _, f = matrix("<p>今天天气很好。我们去公园，好吗？</p>")
    r = row(f, 0)
    assert r["n_tokens"] == 13
    assert r["sentence_ends"] == 2
    assert r["commas_per_token"] == pytest.approx(1 / 13)
    assert r["cjk_share"] == pytest.approx(13 / 16)
    # display width 32 columns fits one 80-column line
    assert r["text_density"] == 13


def test_text_density_wraps_lines():
    _, f = matrix("<p>" + "word " * 40 + "</p>")
    assert row(f, 0)["text_density"] == pytest.approx(40 / 3)  # 199 columns -> 3 lines


def test_context_and_page_columns():
    blocks, f = matrix("<p>one</p><p>two words</p><p>three more words</p>")
    assert row(f, 1)["prev1_log_tokens"] == pytest.approx(np.log1p(1))
    assert row(f, 1)["next1_log_tokens"] == pytest.approx(np.log1p(3))
    assert row(f, 0)["prev1_log_tokens"] == 0 and row(f, 0)["prev2_log_tokens"] == 0
    assert row(f, 2)["tokens_over_max"] == 1
    assert row(f, 1)["token_share"] == pytest.approx(2 / 6)
    assert row(f, 2)["rel_index"] == 1 and row(f, 2)["rel_offset"] == pytest.approx(3 / 6)


def test_class_keywords_and_hash():
    _, f = matrix('<body><div class="sidebar-widget"><div id="relatedPosts">x y</div></div>'
                  '<div class="ad-slot"><p>z</p></div><div class="address"><p>w</p></div></body>')
    first = row(f, 0)
    assert first["anc_sidebar"] == 1 and first["anc_related"] == 1 and first["anc_post"] == 1
    assert first["own_related"] == 1 and first["own_sidebar"] == 0
    assert row(f, 1)["anc_ad"] == 1
    assert row(f, 2)["anc_ad"] == 0  # "ad" matches only exactly, not inside "address"
    hashed = [v for k, v in first.items() if k.startswith("class_hash_")]
    assert sum(hashed) == 4  # sidebar, widget, related, posts


def test_all_features_finite_on_fixtures(fixtures):
    for name in ("zh_portal_gbk.html", "en_news.html"):
        _, f = matrix((fixtures / name).read_bytes())
        assert np.isfinite(f.values).all()
        assert f.values.shape[0] > 10


def test_a_given_container_tree_gives_the_same_features(fixtures):
    from boilerplate.blocks import containers

    for path in sorted(fixtures.glob("*.html")):
        blocks = segment(parse(path.read_bytes()))
        alone = featurize(blocks).values
        shared = featurize(blocks, DEFAULT_CONFIG, "", containers(blocks)).values
        assert np.array_equal(alone, shared), path.name


def test_chinese_paragraph_token_count_is_close_to_its_length(fixtures):
    blocks, f = matrix((fixtures / "zh_portal_gbk.html").read_bytes())
    gold = set((fixtures / "zh_portal_gbk.txt").read_text(encoding="utf-8").splitlines())
    tokens = f.column("n_tokens")
    paragraphs = [(b, t) for b, t in zip(blocks, tokens, strict=True)
                  if b.text in gold and len(b.text) > 60]
    assert len(paragraphs) == 5
    for block, count in paragraphs:
        assert count > 0.75 * len(block.text)


def test_empty_page_gives_empty_matrix():
    f = featurize([])
    assert f.values.shape == (0, len(feature_names()))


def test_block_table_rows(fixtures):
    blocks, f = matrix((fixtures / "en_news.html").read_bytes())
    rows = block_table(blocks, f)
    assert rows[0]["text"] == blocks[0].text
    nav = next(r for r in rows if r["text"] == "News")
    assert "nav" in nav["context"] and nav["link_density"] == 1.0


def test_tree_columns_find_the_main_container(fixtures):
    blocks, f = matrix((fixtures / "en_news.html").read_bytes())
    by_text = {b.text: row(f, b.index) for b in blocks}
    para = next(t for t in by_text if t.startswith("The Riverside City Council voted"))
    assert by_text[para]["in_main_container"] == 1
    assert by_text["News"]["in_main_container"] == 0
    assert by_text["Related stories"]["in_main_container"] == 0
    assert by_text[para]["parent_token_share"] > 0.5
    assert by_text[para]["depth_below_main"] >= 1


def test_title_and_repetition_columns():
    html = ("<html><head><title>Storm hits the coast | Daily</title></head><body>"
            "<p>Home</p><h1>Storm hits the coast</h1><p>Waves rose all night along the shore.</p>"
            "<p>Home</p></body></html>")
    doc = parse(html)
    assert doc.title == "Storm hits the coast | Daily"
    blocks = segment(doc)
    f = featurize(blocks, title=doc.title)
    assert row(f, 1)["is_title"] == 1 and row(f, 1)["title_overlap"] == 1
    assert row(f, 2)["after_title"] == 1 and row(f, 0)["after_title"] == 0
    assert row(f, 0)["repeats"] == pytest.approx(np.log(2))
    assert row(f, 2)["repeats"] == 0


def test_lexicon_columns_measure_known_words_and_skip_unknown_languages():
    from boilerplate.features import LEXICON_MISSING, Lexicon, lexicon_columns

    lexicon = Lexicon(frozenset({"the", "of", "and", "a", "in", "was"}),
                      frozenset({"login", "share"}))
    prose = ("The mayor of the town said a new bridge was planned in the spring and the work "
             "would start soon")
    rates = lexicon_columns([prose, "Login | Share | Home", ""], lexicon)
    assert rates[0, 0] == pytest.approx(9 / 20) and rates[0, 1] == 0
    assert rates[1].tolist() == [0, pytest.approx(2 / 3)]
    assert rates[2].tolist() == [0, 0]
    # A page in a language the lexicon does not know, or no lexicon: missing, not zero.
    russian = "Мэр города сказал что новый мост будет построен весной и работы начнутся скоро"
    assert (lexicon_columns([russian, "Вход"], lexicon) == LEXICON_MISSING).all()
    assert (lexicon_columns([prose], Lexicon()) == LEXICON_MISSING).all()
    # featurize adds the same columns, last, for a model with a lexicon, and only then.
    blocks = segment(parse(f"<p>{prose}</p><div>Login | Share | Home</div>"))
    f = featurize(blocks, lexicon=lexicon)
    np.testing.assert_array_equal(
        f.values[:, -2:], lexicon_columns([b.text for b in blocks], lexicon))
    assert f.names[-2:] == ("function_word_rate", "chrome_word_rate")
    assert featurize(blocks).names == f.names[:-2]
