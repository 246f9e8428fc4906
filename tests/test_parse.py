import time
import warnings

import pytest
from lxml import etree

from boilerplate.config import Config
from boilerplate.errors import (
    BoilerplateWarning,
    DocumentTooLargeError,
    EmptyDocumentError,
    NotHTMLError,
)
from boilerplate.parse import decode, normalize_charset, parse


def visible_text(doc) -> str:
    body = doc.root.find("body")
    return " ".join("".join((body if body is not None else doc.root).itertext()).split())


RUSSIAN = "Москва — столица России, крупнейший по численности населения город страны. " * 8
FRENCH = "L'été dernier, à Genève, nous avons goûté une crème brûlée délicieuse. " * 8
JAPANESE = "東京は日本の首都であり、世界で最も人口の多い都市圏の一つです。" * 8
KOREAN = "서울은 대한민국의 수도이며 가장 큰 도시입니다. 한강이 도시를 가로지릅니다. " * 8
CHINESE = "世界互联网大会在凝聚共识中勇毅前行，各方代表齐聚乌镇共商发展。" * 8


def page(body: str, meta: str = "") -> str:
    return f"<html><head>{meta}<title>t</title></head><body><p>{body}</p></body></html>"


@pytest.mark.parametrize(("label", "codec", "text"), [
    ("gb2312", "gbk", CHINESE),
    ("GBK", "gbk", CHINESE),
    ("Shift_JIS", "shift_jis", JAPANESE),
    ("EUC-KR", "euc-kr", KOREAN),
    ("windows-1251", "cp1251", RUSSIAN),
    ("windows-1252", "cp1252", FRENCH),
    ("iso-8859-1", "latin-1", FRENCH),
])
def test_declared_charsets_decode_right(label, codec, text):
    data = page(text, f'<meta http-equiv="Content-Type" content="text/html; charset={label}">')
    doc = parse(data.encode(codec))
    assert text.split()[0] in visible_text(doc)
    assert " ".join(text.split()) in visible_text(doc)


def test_gbk_only_characters_decode_through_gb18030():
    text = "镕基和喆在这里，还有𠮷字"  # 镕 and 喆 are outside GB2312; 𠮷 needs GB18030
    data = page(text, '<meta charset="gb2312">').encode("gb18030")
    assert text in visible_text(parse(data))
    assert normalize_charset("GB2312") == "gb18030"


def test_meta_charset_attribute_form():
    data = page(KOREAN, '<meta charset="euc-kr">').encode("euc-kr")
    assert KOREAN.split()[0] in visible_text(parse(data))


def test_undeclared_utf8():
    doc = parse(page(RUSSIAN + CHINESE).encode("utf-8"))
    assert doc.encoding == "utf-8"
    assert "столица" in visible_text(doc) and "乌镇" in visible_text(doc)


def test_undeclared_legacy_is_detected():
    doc = parse(page(RUSSIAN).encode("cp1251"))
    assert "столица России" in visible_text(doc)
    doc = parse(page(CHINESE).encode("gbk"))
    assert "世界互联网大会" in visible_text(doc)


def test_declared_latin1_but_really_utf8():
    data = page(FRENCH, '<meta charset="iso-8859-1">').encode("utf-8")
    text, codec = decode(data)
    assert codec == "utf-8" and "été" in text


def test_bom_wins_over_declaration():
    data = b"\xef\xbb\xbf" + page(FRENCH, '<meta charset="windows-1251">').encode("utf-8")
    assert "crème brûlée" in visible_text(parse(data))
    data16 = page(JAPANESE).encode("utf-16")
    assert "東京は日本の首都" in visible_text(parse(data16))


def test_transport_charset_is_used():
    data = page(RUSSIAN.replace("—", "-")).encode("koi8-r")
    assert "столица России" in visible_text(parse(data, encoding="koi8-r"))


def test_drops_invisible_elements():
    html = """<html><head><style>p{}</style></head><body><script>var a=1;</script>
    <noscript>enable js</noscript><template><p>tpl</p></template><svg><text>svg</text></svg>
    <!-- a comment --><p>visible <span hidden>gone</span>kept</p>
    <div style="display: none">hidden div</div><math><mi>x</mi></math>tail</body></html>"""
    assert visible_text(parse(html)) == "visible kept tail"


POST = "We moved our video team to a weekly planning board and it changed how we ship. " * 4


def test_streamed_segment_is_shown_where_its_script_puts_it():
    html = f"""<html><body><header>Site menu</header><template id="B:0"></template>
    <footer>Site footer</footer><div hidden id="S:0"><p>{POST}</p></div>
    <script>$RC("B:0","S:0")</script><div hidden id="other">gone</div></body></html>"""
    text = visible_text(parse(html))
    assert text.startswith("Site menu We moved our video team")
    assert text.endswith("Site footer")
    assert "gone" not in text


def test_streamed_segment_without_a_script_call_pairs_by_number_or_stays():
    paired = """<html><body><p>Top</p><template id="B:1"></template><p>Bottom</p>
    <div hidden id="S:1"><p>Middle</p></div></body></html>"""
    assert visible_text(parse(paired)) == "TopMiddleBottom"
    alone = f"""<html><body><p>Top</p><div hidden id="S:2"><p>{POST}</p></div></body></html>"""
    assert "We moved our video team" in visible_text(parse(alone))


def test_page_hidden_until_its_scripts_run_is_shown():
    html = f"""<html><body><div style="visibility:hidden;min-height:100vh"><nav>Menu</nav>
    <article><p>{POST}</p></article><div style="display:none">Cookie notice</div></div>
    <div hidden>Modal</div></body></html>"""
    text = visible_text(parse(html))
    assert "We moved our video team" in text
    assert "Cookie notice" not in text and "Modal" not in text


def test_hidden_list_beside_a_visible_article_stays_hidden():
    vendors = "".join(f"<li>Vendor {i} https://vendor{i}.example/privacy Active</li>"
                      for i in range(60))
    html = f"""<html><body><article><p>{POST}</p></article>
    <div id="vendor-consent-list" style="display: none"><ul>{vendors}</ul></div></body></html>"""
    text = visible_text(parse(html))
    assert "We moved our video team" in text and "Vendor" not in text


def test_noscript_is_kept_only_when_it_is_the_readable_page():
    forum = f"""<html><body><div id="app">Loading</div><noscript><div class="post">
    <p>{POST}</p><p>{POST}</p></div></noscript></body></html>"""
    assert "We moved our video team" in visible_text(parse(forum))
    beside = f"""<html><body><article><p>{POST}</p><p>{POST}</p></article>
    <noscript><p>{POST}</p></noscript></body></html>"""
    assert visible_text(parse(beside)).count("We moved our video team") == 8


def test_a_page_left_in_head_by_a_stray_element_gets_its_body():
    # An unknown element in <head> on a page that never opens <body>: libxml2 keeps the
    # whole page inside <head>.
    html = f"""<html><head><meta charset="utf-8"><mbox>Top</mbox>
    <title>Harry Potter tops the list</title>
    <table><tr><td><p>{POST}</p></td></tr></table><p>Footer</p>"""
    doc = parse(html)
    assert doc.root.find("body") is not None
    assert visible_text(doc).startswith("Top We moved our video team")
    assert "Harry Potter" not in visible_text(doc)
    assert doc.title == "Harry Potter tops the list"
    # Where <body> exists, the stray element comes first, before the body's own text.
    both = parse("<html><head><title>t</title><mbox>stray</mbox></head><body>own<p>p</p></body>")
    assert visible_text(both) == "strayownp"


def test_markup_after_the_closing_html_tag_is_read():
    # A template that pastes the article after the page's </body></html>: libxml2 makes a
    # second <html> beside the first, which a browser would show in the one body.
    html = f"""<!DOCTYPE html><html><head><title>HR basics</title></head><body>
    <nav>Home Blog Contact</nav></body></html>
    <div class="blog-detail-page"><p>{POST}</p></div></body></html>"""
    doc = parse(html)
    text = visible_text(doc)
    assert text.startswith("Home Blog Contact")
    assert text.count("We moved our video team") == 4
    assert doc.title == "HR basics"
    # Text straight inside the second root is kept in its place too.
    assert visible_text(parse("<html><body>x</body></html>tail <p>para</p>")) == "xtail para"
    # The second root's <head> is never shown, even on a page whose first root has none.
    second = parse("<p>x</p></html><html><head><title>Again</title></head><body>y</body>")
    assert visible_text(second) == "xy"


def test_noscript_rendering_a_template_script_is_kept():
    # Blogger sends a post's body twice: as markup in a template script, and rendered in the
    # <noscript> right after it. A sidebar holds most of the page's other text.
    months = "".join(f"<li>Archive month {i} of the blog</li>" for i in range(60))
    sidebar = f"<ul>{months}</ul>"
    blog = f"""<html><body><div class="post-body"><script type='text/template'>
    <p>{POST}</p></script><noscript><p>{POST}</p></noscript></div>{sidebar}</body></html>"""
    text = visible_text(parse(blog))
    assert text.count("We moved our video team") == 4
    notice = f"""<html><body><script type="text/template"><p>{POST}</p></script>
    <noscript>Please enable JavaScript.</noscript>{sidebar}</body></html>"""
    assert "enable" not in visible_text(parse(notice))


def test_ruby_readings_are_not_text():
    html = ("<p><ruby>子<rp>(</rp><rt>こ</rt><rp>)</rp></ruby>どもへの<ruby>虐待<rt>ぎゃくたい</rt>"
            "</ruby>をなくす<ruby>汉<rt>hàn</rt>字<rt>zì</rt></ruby>。</p>")
    assert visible_text(parse(html)) == "子どもへの虐待をなくす汉字。"


def test_xml_declaration_in_str_input():
    doc = parse('<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml">'
                "<body><p>x</p></body></html>")
    assert visible_text(doc) == "x"


@pytest.mark.parametrize("data", [b"", b"   \n\t ", ""])
def test_empty_input_is_a_clear_error(data):
    with pytest.raises(EmptyDocumentError, match="empty"):
        parse(data, where="empty.html")


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
    b"%PDF-1.7\n" + bytes(range(256)),
    b"\x1f\x8b\x08\x00" + bytes(200),
    bytes(range(256)) * 16,
])
def test_binary_input_is_a_clear_error(data):
    with pytest.raises(NotHTMLError, match="bin.html"):
        parse(data, where="bin.html")


def test_nul_bytes_and_truncated_markup():
    doc = parse(b"<html><body><p>a\x00b</p><div><p>unclosed <b>bold")
    assert visible_text(doc) == "abunclosed bold"


def test_size_limit_is_a_clear_error():
    with pytest.raises(DocumentTooLargeError, match="max_bytes"):
        parse(b"<p>x</p>" * 100, config=Config(max_bytes=100), where="big.html")


def test_twenty_megabyte_page_in_bounded_time():
    paragraphs = "<p>Some paragraph text here.</p>" * 650_000
    data = f"<html><body>{paragraphs}</body></html>".encode()
    assert len(data) > 20_000_000
    start = time.monotonic()
    doc = parse(data)
    assert time.monotonic() - start < 30
    assert len(doc.root.find("body")) == 650_000


def test_deep_nesting_is_cut_with_a_warning():
    data = "<html><body>" + "<div>" * 10_000 + "deep" + "</div>" * 10_000 + "</body></html>"
    with pytest.warns(BoilerplateWarning, match="nested deeper than 2,048"):
        doc = parse(data)
    assert isinstance(doc.root, etree._Element)


def test_shallow_nesting_parses_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error", BoilerplateWarning)
        doc = parse("<html><body>" + "<div>" * 1_000 + "deep" + "</div>" * 1_000)
    assert visible_text(doc) == "deep"


def test_utf8_bytes_with_a_stale_xml_declaration():
    data = ('<?xml version="1.0" encoding="iso-8859-1"?><html><body><p>crème brûlée 中文</p>'
            "</body></html>").encode()
    doc = parse(data)
    assert doc.encoding == "utf-8" and visible_text(doc) == "crème brûlée 中文"


def test_declared_language_and_both_titles():
    doc = parse('<html lang="pt-BR"><head><meta property="og:title" content="Og title">'
                "<title>Story | Site</title></head><body><p>x</p></body></html>")
    assert (doc.lang, doc.og_title, doc.html_title, doc.title) == (
        "pt", "Og title", "Story | Site", "Og title")
    meta = parse('<html><head><meta http-equiv="Content-Language" content="de, en">'
                 "</head><body><p>x</p></body></html>")
    assert meta.lang == "de"
    assert parse('<html lang="not a code"><body><p>x</p></body></html>').lang is None


def test_a_title_that_never_ends_does_not_swallow_the_page():
    # A mangled page: <title> is never closed, so the parser (like a browser) reads the
    # whole rest of the page as the title's text; the page is re-read with it closed.
    story = "".join(f"<p>Paragraph {i} of the story about the harbour bridge.</p>"
                    for i in range(60))
    page = ("<html><head><title>Bridge reopens (The Courier)ntById('font'); x = 1"
            f"<script>var a = 1;</script></head><body><div>{story}</div></body></html>")
    doc = parse(page)
    assert doc.html_title.startswith("Bridge reopens (The Courier)")
    assert "Paragraph 59 of the story" in "".join(doc.root.find("body").itertext())
    # A long title that holds no markup is left as it is.
    plain = parse("<html><head><title>" + "word " * 600 + "</title></head><body><p>x</p>")
    assert len(plain.html_title) > 2000
