"""Formats are pure functions of a PageResult: built here by hand, without a model."""

import json

import pytest

from boilerplate.blocks import segment
from boilerplate.features import featurize
from boilerplate.parse import parse
from boilerplate.render import (
    ClassifiedBlock,
    PageResult,
    RenderOptions,
    clean_title,
    render,
    strip_site_name,
    title_of,
)

URL = "https://docs.example/install/"


@pytest.fixture
def page(fixtures) -> PageResult:
    """The structured fixture with every block inside <article> labelled content."""
    doc = parse((fixtures / "structured.html").read_bytes(), url=URL)
    blocks = segment(doc)
    classified = tuple(ClassifiedBlock(b, b.inside("article"), 0.9 if b.inside("article")
                                       else 0.1) for b in blocks)
    return PageResult("structured", URL, title_of(doc.og_title, doc.html_title, classified),
                      doc.lang, classified, featurize(blocks, title=doc.title))


def test_text_is_one_content_block_per_line(page):
    text = render(page, RenderOptions("text"))
    assert text.splitlines()[0] == "Installing the tide-table reader"
    assert "Docs home" not in text and "© Harbour Docs" not in text


def test_markdown_keeps_structure(page):
    md = render(page, RenderOptions("markdown"))
    assert md.startswith("# Installing the tide-table reader\n\n")
    assert "\n## Steps\n" in md
    assert "1. Download the archive.\n1. Unpack it into a folder of your choice." in md
    assert "- Works offline\n- Reads \\*old\\* tables too" in md  # separate list, escaped
    assert "> Tides wait for no one." in md
    assert "```\npip install tide-reader\ntide-reader --port 8080\n```" in md  # lines kept
    assert "| Port | Tides per day |\n| --- | --- |\n| Dover | 2 |\n| Calais \\| Nord | 2 |" in md
    assert "](" not in md  # no links unless asked for
    assert "Docs home" not in md


def test_markdown_links_are_absolute_and_never_javascript(page):
    md = render(page, RenderOptions("markdown", links=True))
    assert "[getting started guide](<https://docs.example/guide/start>)" in md
    assert "[forum](<https://forum.example/tides>)" in md
    assert "javascript" not in md and "the chat or" in md


def test_html_is_clean_and_structured(page):
    out = render(page, RenderOptions("html", links=True))
    assert out.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in out
    assert "<ol><li>Download the archive.</li><li>Unpack" in out
    assert "<ul><li>Works offline</li>" in out
    assert "<table><tr><th>Port</th><th>Tides per day</th></tr>" in out
    assert "<pre><code>pip install tide-reader\ntide-reader --port 8080</code></pre>" in out
    assert '<a href="https://docs.example/guide/start">getting started guide</a>' in out
    assert "<script" not in out and "class=" not in out and "Docs home" not in out


def test_html_escapes_page_text():
    doc = parse("<html><body><p>1 &lt; 2 &amp; &lt;script&gt;alert(1)&lt;/script&gt;</p>"
                "</body></html>")
    blocks = segment(doc)
    result = PageResult("x", None, "", None, tuple(ClassifiedBlock(b, True, 1.0)
                                                   for b in blocks))
    out = render(result, RenderOptions("html"))
    assert "<script>" not in out and "&lt;script&gt;" in out


def test_json_has_page_fields_blocks_and_features(page):
    record = json.loads(render(page, RenderOptions("json")))
    assert set(record) == {"id", "url", "title", "lang", "text"}
    assert record["title"] == "Installing the tide-table reader" and record["lang"] == "en"
    with_blocks = json.loads(render(page, RenderOptions("jsonl", blocks=True)))
    first = with_blocks["blocks"][0]
    assert first["label"] == "chrome" and first["xpath"] == "/html/body/nav/ul/li[1]"
    assert {b["label"] for b in with_blocks["blocks"]} == {"content", "chrome"}
    with_features = json.loads(render(page, RenderOptions("json", features=True)))
    features = with_features["blocks"][0]["features"]
    assert len(features) == len(page.features.names) and "link_density" in features
    assert "\n" not in render(page, RenderOptions("jsonl", blocks=True))


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown format"):
        RenderOptions("pdf")


@pytest.mark.parametrize(("title", "expected"), [
    ("Council approves bike lanes | The Riverside Courier", "Council approves bike lanes"),
    ("The Courier - Council approves new bike lanes on Main Street",
     "Council approves new bike lanes on Main Street"),
    ("数字乡村建设让山区茶农走上增收路_光华网", "数字乡村建设让山区茶农走上增收路"),
    ("Covid-19 cases fall", "Covid-19 cases fall"),
])
def test_site_name_is_stripped(title, expected):
    assert strip_site_name(title) == expected


def test_clean_title_prefers_the_heading_the_title_contains():
    assert clean_title("", "Bike lanes approved - Courier", ["Bike lanes approved"]) == (
        "Bike lanes approved")
    assert clean_title("Bike lanes | Courier", "x", ["Other heading"]) == "Bike lanes"
    assert clean_title("", "", ["Only a heading"]) == "Only a heading"
    assert clean_title("", "", []) == ""
