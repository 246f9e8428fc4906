import gzip
import json

import pytest

from boilerplate.sources import Page, SourceError, iter_pages
from tests.helpers import warc_record, write_warc


def test_files_folders_and_gzip(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.html").write_bytes(b"<p>a</p>")
    (tmp_path / "d" / "b.htm.gz").write_bytes(gzip.compress(b"<p>b</p>"))
    (tmp_path / "d" / "skip.txt").write_text("not a page")
    single = tmp_path / "c.html"
    single.write_bytes(b"<p>c</p>")
    pages = list(iter_pages([str(tmp_path / "d"), str(single)]))
    assert [p.data for p in pages] == [b"<p>a</p>", b"<p>b</p>", b"<p>c</p>"]
    assert all(isinstance(p, Page) for p in pages)


def test_missing_path_is_a_usage_error_and_bad_gzip_a_read_error(tmp_path):
    broken = tmp_path / "x.html.gz"
    broken.write_bytes(b"not gzip at all")
    missing, bad = iter_pages([str(tmp_path / "nope.html"), str(broken)])
    assert isinstance(missing, SourceError) and missing.usage
    assert isinstance(bad, SourceError) and not bad.usage and "cannot read" in bad.reason


@pytest.mark.parametrize("name", ["pages.jsonl", "pages.jsonl.gz"])
def test_json_lines_give_pages_and_report_bad_lines(tmp_path, name):
    lines = [json.dumps({"id": "a", "url": "https://a.example/", "html": "<p>a</p>"}),
             "{broken", "", json.dumps({"id": "b"}),
             json.dumps({"url": "https://c.example/", "html": "<p>c</p>"})]
    raw = ("\n".join(lines) + "\n").encode("utf-8")
    path = tmp_path / name
    path.write_bytes(gzip.compress(raw) if name.endswith(".gz") else raw)
    a, broken, no_html, c = iter_pages([str(path)])
    assert a == Page("a", "<p>a</p>", "https://a.example/")
    assert isinstance(broken, SourceError) and broken.id == f"{path}:2"
    assert isinstance(no_html, SourceError) and '"html"' in no_html.reason
    assert c.id == f"{path}:5" and c.url == "https://c.example/"


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc_gives_html_responses_with_url_and_charset(tmp_path, name):
    pytest.importorskip("fastwarc")
    gbk = "<html><body><p>数字乡村</p></body></html>".encode("gbk")
    path = write_warc(tmp_path / name, [
        warc_record("https://a.example/", b"<p>hello</p>", number=1),
        warc_record("https://a.example/logo.png", b"\x89PNG", content_type="image/png",
                    number=2),
        warc_record("https://a.example/gone", b"<p>404</p>", status="404 Not Found", number=3),
        warc_record("https://b.example/zh", gbk, content_type="text/html; charset=GBK",
                    number=4),
    ])
    pages = list(iter_pages([str(path)]))
    assert [p.url for p in pages] == ["https://a.example/", "https://b.example/zh"]
    assert pages[0].data == b"<p>hello</p>"
    assert pages[0].id == "00000000-0000-4000-8000-000000000001"
    assert pages[1].encoding and "gb" in pages[1].encoding.lower()
    assert pages[1].data == gbk


def test_directories_pick_up_jsonl_and_warc_files(tmp_path):
    pytest.importorskip("fastwarc")
    (tmp_path / "a.jsonl").write_text(json.dumps({"id": "j", "html": "<p>j</p>"}) + "\n")
    write_warc(tmp_path / "b.warc.gz", [warc_record("https://w.example/", b"<p>w</p>")])
    assert [p.id for p in iter_pages([str(tmp_path)])] == [
        "j", "00000000-0000-4000-8000-000000000000"]


def test_truncated_warc_is_reported_not_raised(tmp_path):
    pytest.importorskip("fastwarc")
    record = warc_record("https://a.example/", b"<p>x</p>" * 100)
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(gzip.compress(record)[:-40])
    (error,) = iter_pages([str(path)])
    assert isinstance(error, SourceError) and "truncated" in error.reason
    empty = tmp_path / "empty.warc.gz"
    empty.write_bytes(gzip.compress(b"")[:5])
    assert all(isinstance(r, SourceError) for r in iter_pages([str(empty)]))
    junk = tmp_path / "junk.warc"
    junk.write_bytes(b"this is not a web archive")
    (error,) = iter_pages([str(junk)])
    assert isinstance(error, SourceError) and "cannot read WARC" in error.reason
