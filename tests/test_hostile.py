"""Hostile pages, generated here: each gives a clear result (text, maybe empty, with a
warning) or a clear error naming the page, never a crash. Times and memory: bench/hostile.py."""

import gzip

import pytest

from boilerplate.batch import Outcome, process
from boilerplate.extract import Extractor
from boilerplate.render import RenderOptions
from boilerplate.sources import Page

DEEP = 100_000
MANY = 1_000_000


def _cases() -> dict[str, tuple[bytes | str, str]]:
    """name: (page, expected: "error:<words>", "warn:<words>" or "text:<substring>")."""
    para = "<p>The council met on Tuesday to discuss the harbour.</p>"
    return {
        "empty": (b"", "error:empty"),
        "whitespace": (b" \n\t \r\n ", "error:empty"),
        "png": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "error:PNG image, not HTML"),
        "pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 8,
                "error:PDF document, not HTML"),
        "gzip of text": (gzip.compress(b"plain text, not a page " * 100),
                         "error:gzip data, not HTML"),
        "invalid utf-8": (b"<meta charset=utf-8><p>caf\xe9 and \xff\xfe more words</p>",
                          "text:more words"),
        "wrong charset": ('<meta charset="iso-8859-1"><p>数字乡村建设</p>'.encode(),
                          "text:数字乡村建设"),
        "mixed encodings": ("<p>中文段落一</p>".encode() + "<p>中文段落二</p>".encode("gbk"),
                            "text:"),
        "nul bytes": (para.encode() * 3 + b"<p>before\x00\x00after the nul bytes</p>",
                      "text:beforeafter"),
        "xhtml namespaces": ('<?xml version="1.0"?><x:html xmlns:x="http://www.w3.org/1999/'
                             'xhtml"><x:body><x:div><x:p>Namespaced text</x:p></x:div>'
                             "</x:body></x:html>", "text:"),
        "odd prefixed tags": ('<html xmlns:fb="http://ogp.me/ns/fb#"><body><fb:>x</fb:>'
                              f'<fb:1a>y</fb:1a><fb:like href="/"></fb:like>{para}</body></html>',
                              "text:council met"),
        "frameset": ('<html><frameset><frame src="a.html"><frame src="b.html"></frameset>'
                     "</html>", "warn:no visible text"),
        "no body": (f"<html><head><title>t</title></head>{para}</html>", "text:"),
        "script only": ("<html><body><div id=app></div><script>render()</script></body>"
                        "</html>", "warn:no visible text"),
        "100,000-deep nesting": ("<body>" + "<div>" * DEEP + "deep" + "</div>" * DEEP,
                                 "warn:nested deeper"),
        "1,000,000 <td>": ("<table><tr>" + "<td>c</td>" * MANY + "</tr></table>",
                           "warn:more than 50,000 blocks"),
        "200,000 <br>": ("<p>" + "word<br>" * 200_000 + "</p>", "text:word word"),
        "50 MB page": ("<p>" + "x" * 50_000_000 + "</p>", "error:above the limit"),
        "1 MB attribute": (f'<p class="{"x" * 1_000_000}">hello there</p>', "text:"),
        "1 MB word": ("<p>" + "a" * 1_000_000 + "</p>", "text:"),
        "unclosed comment": (f"{para}<!-- never closed <p>after</p>", "text:"),
        "unclosed cdata": (f"{para}<![CDATA[ never closed <p>after</p>", "text:"),
    }


CASES = _cases()


@pytest.fixture(scope="module")
def extractor():
    return Extractor.load()


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_page_gives_a_clear_outcome(extractor, name):
    data, expected = CASES[name]
    outcome = process(extractor, Page(name, data), RenderOptions("text"))
    assert isinstance(outcome, Outcome)
    assert "internal error" not in (outcome.error or ""), outcome.error
    kind, _, words = expected.partition(":")
    if kind == "error":
        assert outcome.output is None and words in outcome.error, outcome
    else:
        assert outcome.error is None and outcome.output is not None, outcome
        if kind == "warn":
            assert any(words in w for w in outcome.warnings), outcome.warnings
        else:
            assert words in outcome.output, outcome.output[:200]
