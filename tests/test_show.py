"""show: the page with its blocks marked, sandboxed, with no way for page code to run."""

import html
import re

import pytest

from boilerplate.cli import main
from boilerplate.extract import Extractor
from boilerplate.show import show_page

HOSTILE = ("<html><head><base href='https://evil.example/'><meta http-equiv='refresh' "
           "content='0;url=https://evil.example/'><link rel='import' href='x.html'>"
           "<link rel='stylesheet' href='site.css'></head><body onload='steal()'>"
           "<nav><a href='javascript:steal()'>Home</a> <a href='/news'>News</a></nav>"
           "<article><h1>Harbour reopens</h1><p onclick='steal()'>The harbour authority said "
           "the new pier will open in May after two years of work, and ferries will use it "
           "from the first week of the season.</p><img src='pier.jpg' onerror='steal()'>"
           "<p>Fishermen welcomed the news, saying the old pier had been unsafe for years and "
           "that the new one gives their boats far more room.</p></article>"
           "<footer>Copyright Example News</footer></body></html>")


@pytest.fixture(scope="module")
def extractor():
    return Extractor.load()


def _frame(report: str) -> str:
    """The page inside the sandboxed iframe, unescaped."""
    match = re.search(r'<iframe sandbox="" [^>]*srcdoc="([^"]*)"', report)
    assert match, "the page must sit in an iframe with an empty sandbox (no scripts)"
    return html.unescape(match.group(1))


def test_chinese_portal_blocks_are_marked(extractor, fixtures):
    result = extractor.run((fixtures / "zh_portal_gbk.html").read_bytes())
    report = show_page(result, threshold=extractor.cut)
    page = _frame(report)
    assert 'data-bp="content"' in page and 'data-bp="chrome"' in page
    assert re.search(r'title="block \d+: (content|chrome), p=[01]\.\d\d', page)
    side = report.split("<aside>", 1)[1]
    assert "茶农老周" in side and "您此时的心情" not in side  # the extracted text, no chrome
    assert "Content-Security-Policy" in report and "script-src 'none'" in page


def test_nothing_in_the_page_can_run_or_navigate(extractor):
    report = show_page(extractor.run(HOSTILE), threshold=extractor.cut)
    page = _frame(report)
    lowered = page.lower()
    for bad in ("onload", "onclick", "onerror", "javascript:", "<base", "refresh",
                "rel=\"import\"", "<script"):
        assert bad not in lowered, bad
    assert 'href="site.css"' in page and 'src="pier.jpg"' in page  # styles, images stay
    assert "<script" not in report.lower()


def test_cli_show_to_stdout_and_to_a_folder(fixtures, tmp_path, capsys):
    assert main(["show", str(fixtures / "en_news.html")]) == 0
    assert capsys.readouterr().out.startswith("<!DOCTYPE html>")
    assert main(["show", "--output", str(tmp_path), str(fixtures / "en_news.html"),
                 str(fixtures / "zh_portal_gbk.html")]) == 0
    written = sorted(p.name for p in tmp_path.iterdir())
    assert len(written) == 2 and all(n.endswith(".html") for n in written)


CHROMIUM = "/usr/bin/chromium"
BROWSER_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
ARTIFACTS = __import__("pathlib").Path(__file__).resolve().parent.parent / "artifacts"


def test_report_in_a_real_browser_with_a_screenshot(extractor, fixtures, tmp_path):
    import os

    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} not found (Debian's chromium; .ci/run installs it)")
    playwright = pytest.importorskip("playwright.sync_api",
                                     reason="playwright comes with the .[test] extra")
    report = tmp_path / "zh.html"
    result = extractor.run((fixtures / "zh_portal_gbk.html").read_bytes())
    report.write_text(show_page(result, threshold=extractor.cut), encoding="utf-8")
    hostile = tmp_path / "hostile.html"
    hostile.write_text(show_page(extractor.run(HOSTILE), threshold=extractor.cut),
                       encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(report.as_uri())
        frame = page.frame_locator("iframe")
        assert frame.locator('[data-bp="content"]').count() >= 5
        assert frame.locator('[data-bp="chrome"]').count() >= 10
        title = frame.locator('[data-bp="content"]').first.get_attribute("title")
        assert re.match(r"block \d+: content, p=[01]\.\d\d", title)
        page.screenshot(path=str(ARTIFACTS / "show-zh-portal.png"))
        page.goto(hostile.as_uri())
        assert page.title().startswith("boilerplate show")  # nothing redirected the page
        browser.close()
    assert (ARTIFACTS / "show-zh-portal.png").stat().st_size > 20_000


def test_header_names_a_page_cut_below_the_threshold(extractor, fixtures):
    from dataclasses import replace

    result = extractor.run((fixtures / "en_news.html").read_bytes())
    assert result.cut == extractor.cut  # no per-page cut: the threshold judged the page
    assert "per-page cut" not in show_page(result, threshold=extractor.cut)
    lowered = replace(result, cut=extractor.cut - 0.1)
    side = show_page(lowered, threshold=extractor.cut).split("<aside>", 1)[1]
    assert f"(this page: {extractor.cut - 0.1:.2f}, per-page cut)" in side
