import warnings

import pytest

from boilerplate.blocks import ClassChain, segment, split_class
from boilerplate.config import Config
from boilerplate.errors import BoilerplateWarning
from boilerplate.parse import parse


def texts(html: str) -> list[str]:
    return [b.text for b in segment(parse(html))]


def test_block_tags_split_and_inline_tags_do_not():
    html = ("<body><div>intro <a href=x>link</a> <b>bold</b><span>glued</span>"
            "<p>para <em>one</em></p>tail text<ul><li>item 1</li><li>item <i>2</i></li></ul>"
            "<table><tr><td>cell a</td><td>cell b</td></tr></table></div></body>")
    assert texts(html) == [
        "intro link boldglued", "para one", "tail text", "item 1", "item 2", "cell a", "cell b",
    ]


def test_double_br_splits_single_br_does_not():
    assert texts("<body><div>line one<br>line two<br><br>next para<br> <br>third</div></body>") == [
        "line one line two", "next para", "third",
    ]


def test_whitespace_is_normalised():
    assert texts("<p>  many \n\t spaces&nbsp;here\u3000　全角 </p>") == ["many spaces here 全角"]


def test_soft_hyphens_leave_the_text():
    assert texts("<body><p>Mit&shy;tel&shy;al&shy;ter <b>Wein\u00adbau</b></p></body>") == [
        "Mittelalter Weinbau"]


def test_block_keeps_its_element_path_and_flags():
    html = """<html><body><nav class="main-nav"><ul><li><a href="/">Home</a></li></ul></nav>
    <div id="content" class="article-body"><h2>Heading</h2><p>Text with <a href="#">a link</a>.</p>
    </div><footer><form><label>Email</label></form></footer></body></html>"""
    blocks = segment(parse(html))
    home, heading, para, email = blocks
    assert home.tag == "li" and home.inside("nav") and home.inside("li")
    assert not home.inside("a")  # the link is inside the block, not around it
    assert home.anchor_chars == 4
    assert home.tag_path == "html/body/nav/ul/li"
    assert home.ancestor_tokens == ("main", "nav")
    assert heading.inside("h") and heading.tag == "h2"
    assert para.own_tokens == () and para.ancestor_tokens == ("article", "body", "content")
    assert para.anchor_chars == len("alink")
    assert para.depth == 3
    assert email.inside("footer") and email.inside("form")
    assert para.element.tag == "p" and para.element.getparent().get("id") == "content"
    assert [b.index for b in blocks] == [0, 1, 2, 3]


def test_text_after_a_child_block_belongs_to_the_parent():
    blocks = segment(parse("<body><div class=box>before<p>inner</p>after</div></body>"))
    assert [(b.text, b.tag) for b in blocks] == [
        ("before", "div"), ("inner", "p"), ("after", "div"),
    ]
    assert blocks[0].element is blocks[2].element


def test_head_is_not_a_block():
    assert texts("<html><head><title>Title</title></head><body><p>x</p></body></html>") == ["x"]


def test_split_class_handles_camel_case_and_separators():
    assert split_class("mainContent nav-bar post_body  ") == ("main", "content", "nav", "bar",
                                                              "post", "body")
    chain = ClassChain(ClassChain(None, ("outer",)), ("inner", "x"))
    assert chain.all_tokens() == ("outer", "inner", "x")


def test_max_blocks_truncates_with_a_warning():
    html = "<body>" + "<p>x</p>" * 50 + "</body>"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        blocks = segment(parse(html), Config(max_blocks=10))
    assert len(blocks) == 10
    assert any(issubclass(w.category, BoilerplateWarning) for w in caught)


def test_chinese_portal_paragraphs_are_one_block_each(fixtures):
    blocks = segment(parse((fixtures / "zh_portal_gbk.html").read_bytes()))
    gold = (fixtures / "zh_portal_gbk.txt").read_text(encoding="utf-8").splitlines()
    paragraphs = [line for line in gold if len(line) > 50]
    assert len(paragraphs) == 5
    block_texts = [b.text for b in blocks]
    for paragraph in paragraphs:
        assert paragraph in block_texts
    assert any("您此时的心情" == t for t in block_texts)
    assert any(t.startswith("2024年7月10日") for t in block_texts)


def test_english_news_fixture(fixtures):
    blocks = segment(parse((fixtures / "en_news.html").read_bytes()))
    by_text = {b.text: b for b in blocks}
    gold = (fixtures / "en_news.txt").read_text(encoding="utf-8").splitlines()
    for line in gold:
        assert line in by_text
    assert by_text["News"].inside("nav")
    assert by_text["© 2025 The Riverside Courier. All rights reserved."].inside("footer")


@pytest.mark.parametrize("html", ["<body></body>", "<body><div> </div></body>",
                                  "<frameset><frame src=a></frameset>"])
def test_pages_without_text_give_no_blocks(html):
    assert segment(parse(html)) == []


def test_deep_nesting_does_not_recurse():
    html = "<body>" + "<div>" * 1500 + "deep" + "</div>" * 1500 + "<p>after</p></body>"
    assert texts(html) == ["deep", "after"]


ARTICLE = "We moved our video team to a weekly planning board and it changed how we ship."
CONSENT_PROSE = ("The collection of information, and combination with previously collected "
                 "information, to select and deliver content for you. ") * 12


@pytest.mark.parametrize("attrs", [
    'id="cookie-banner"', 'class="CookieNotice"', 'class="mol-ads-cmp--modal"',
    'id="onetrust-consent-sdk"', 'class="gdpr-wrapper"', 'class="cc-window cookie-policy"',
])
def test_consent_dialogs_make_no_blocks(attrs):
    html = f"""<html><body><div id="content"><p>{ARTICLE}</p>
    <div {attrs}><div><h2>We value your privacy</h2><p>{CONSENT_PROSE}</p></div></div>
    Tail after the dialog</div></body></html>"""
    assert texts(html) == [ARTICLE, "Tail after the dialog"]


@pytest.mark.parametrize("attrs", [
    'class="cmp-text"', 'class="cmp-container"', 'class="cookie-recipe"',
    'id="cookies-and-cream"', 'class="content"',
])
def test_content_named_like_a_consent_word_stays(attrs):
    html = f"<html><body><nav>Menu</nav><div {attrs}><p>{ARTICLE}</p></div></body></html>"
    assert texts(html) == ["Menu", ARTICLE]


def test_consent_flags_on_body_or_a_page_wrapper_do_not_hide_the_page():
    body = f"<body class='gdpr gdpr-nonconsent'><article><p>{ARTICLE}</p></article></body>"
    wrapper = (f"<body><div class='cookie-consent-wrapper'><article><p>{ARTICLE}</p>"
               "</article></div></body>")
    assert texts(f"<html>{body}</html>") == [ARTICLE]
    assert texts(f"<html>{wrapper}</html>") == [ARTICLE]


def test_containers_sum_block_values_and_know_their_depths():
    import numpy as np

    from boilerplate.blocks import containers

    blocks = segment(parse("<body><div><p>one two</p><p>three</p></div><p>four</p></body>"))
    tree = containers(blocks)
    totals = tree.sums(np.array([2.0, 1.0, 1.0]))
    depths = tree.depths()
    # <html> and <body> hold all three blocks; the div the first two; each <p> its own.
    body, div = tree.ids[tree.starts[0] + 1], tree.ids[tree.starts[0] + 2]
    assert (totals[0], totals[body], totals[div]) == (4.0, 4.0, 3.0)
    assert (depths[0], depths[body], depths[div]) == (0, 1, 2)
    assert [totals[tree.ids[end - 1]] for end in tree.starts[1:]] == [2.0, 1.0, 1.0]
    assert [depths[tree.ids[end - 1]] for end in tree.starts[1:]] == [3, 3, 2]
