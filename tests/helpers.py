"""Builders for small labeled datasets written by the tests themselves."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

TOPICS = [
    ("Harbour", "The harbour authority said the new pier will open in May after two years of "
                "work, and ferries will use it from the first week."),
    ("Library", "Volunteers repaired more than four hundred old books at the city library "
                "this winter, and the collection will go back on the shelves soon."),
    ("Orchard", "Apple growers in the valley expect a smaller harvest because of the late "
                "frost, although prices at the market have stayed steady so far."),
    ("Bridge", "Engineers finished testing the old railway bridge on Friday and found that "
               "the steel beams are in better shape than anyone had feared."),
    ("School", "The new school building has solar panels on its roof, a garden for every "
               "class, and a hall that the whole neighbourhood can use at night."),
    ("Market", "Farmers brought cheese, bread and honey to the first night market of the "
               "year, which drew a crowd far larger than the organisers planned."),
    ("Museum", "The museum reopened its west wing with a show of maps drawn by sailors, "
               "some of them more than three hundred years old and still bright."),
    ("Stadium", "Fans waited in the rain for hours to buy tickets for the final, and the "
                "club said it would add a second sale next week for members."),
]
CHROME = ("<nav><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li>"
          "<li><a href='/sport'>Sport</a></li></ul></nav>"
          "<div class='share'><a href='#'>Share</a> <a href='#'>Tweet</a></div>")
RELATED = ("<aside class='related'><h3>Related</h3><ul>"
           "<li><a href='/a'>Council approves budget for next year after debate</a></li>"
           "<li><a href='/b'>Weather service warns of storms along the coast</a></li>"
           "</ul></aside><footer><p>Copyright 2025 Example News. All rights reserved.</p>"
           "</footer>")


def page_html(title: str, body: str) -> str:
    paragraphs = "".join(f"<p>{body} ({n})</p>" for n in range(3))
    return (f"<html><head><title>{title} | Example News</title></head><body>{CHROME}"
            f"<article><h1>{title}</h1>{paragraphs}</article>{RELATED}</body></html>")


def page_gold(title: str, body: str) -> str:
    return "\n".join([title] + [f"{body} ({n})" for n in range(3)])


def write_pairs(folder: Path) -> Path:
    """A folder of PAGE.html + PAGE.txt pairs, one per topic."""
    folder.mkdir(parents=True, exist_ok=True)
    for title, body in TOPICS:
        (folder / f"{title.lower()}.html").write_text(page_html(title, body), encoding="utf-8")
        (folder / f"{title.lower()}.txt").write_text(page_gold(title, body), encoding="utf-8")
    return folder


def write_jsonl(path: Path, bad_records: bool = True) -> Path:
    """A pages.jsonl.gz in the shared-dataset format, optionally with broken records."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = []
    for i, (title, body) in enumerate(TOPICS):
        lines.append(json.dumps({"id": f"p{i}", "url": f"https://site{i}.example/{title}",
                                 "lang": "en", "html": page_html(title, body),
                                 "text": page_gold(title, body), "page_type": "article"}))
    if bad_records:
        lines.insert(2, "{not json")
        lines.insert(4, json.dumps({"id": "nohtml", "text": "x"}))
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    return path


def write_snippet_jsonl(path: Path) -> Path:
    """A pages.jsonl.gz with snippet gold only (must-have / must-not-have text, no full text)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = []
    for i, (title, body) in enumerate(TOPICS):
        lines.append(json.dumps({
            "id": f"s{i}", "url": f"https://snip{i}.example/{title}", "lang": "en",
            "html": page_html(title, body), "text": None, "gold_kind": "snippets",
            # cut mid-word at the end, as snippet gold often is
            "with": [f"{body[-50:]} (1) {body[:2]}"],
            "without": ["Weather service warns of storms along the coast"],
        }))
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    return path


def warc_record(url: str, body: bytes, *, content_type: str = "text/html; charset=utf-8",
                status: str = "200 OK", record_type: str = "response", number: int = 0) -> bytes:
    """One WARC/1.0 record holding an HTTP response, built by hand (no WARC library)."""
    http = (f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode("ascii") + body
    head = (f"WARC/1.0\r\nWARC-Type: {record_type}\r\n"
            f"WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-{number:012d}>\r\n"
            f"WARC-Date: 2025-01-01T00:00:00Z\r\nWARC-Target-URI: {url}\r\n"
            "Content-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(http)}\r\n\r\n").encode()
    return head + http + b"\r\n\r\n"


def write_warc(path: Path, records: list[bytes]) -> Path:
    """A .warc, or a .warc.gz with one gzip member per record as crawlers write them."""
    with path.open("wb") as fh:
        for record in records:
            fh.write(gzip.compress(record) if path.name.endswith(".gz") else record)
    return path
