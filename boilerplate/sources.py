"""Stage 0: where pages come from (files, folders, stdin, JSON lines, WARC), each read
without stopping a batch."""

from __future__ import annotations

import gzip
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

PAGE_SUFFIXES: tuple[str, ...] = (".html", ".htm", ".html.gz", ".htm.gz", ".xhtml")
JSONL_SUFFIXES: tuple[str, ...] = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
WARC_SUFFIXES: tuple[str, ...] = (".warc", ".warc.gz")
HTML_MEDIA_TYPES: frozenset[str] = frozenset({"text/html", "application/xhtml+xml"})
"""HTTP content types of WARC response records that are pages (others are skipped)."""
WARC_EXTRA = "pip install 'boilerplate[warc]'"


@dataclass(frozen=True)
class Page:
    """Raw markup of one page and what is known about it before parsing."""

    id: str
    data: bytes | str
    """Bytes as served (decoded by the parser) or text already decoded (JSON lines)."""
    url: str | None = None
    encoding: str | None = None
    """Charset from the transport (a WARC record's HTTP header), trusted over the page's own."""


@dataclass(frozen=True)
class SourceError:
    """A path or record that could not be read: reported, counted, and the batch goes on."""

    id: str
    reason: str
    usage: bool = False
    """True when the user named something unusable (missing path, missing extra): exit 2."""


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    return data


def _expand(path: Path) -> Iterator[Path]:
    if path.is_dir():
        wanted = PAGE_SUFFIXES + JSONL_SUFFIXES + WARC_SUFFIXES
        found = (p for p in path.rglob("*") if p.is_file() and p.name.endswith(wanted))
        yield from sorted(found)
    else:
        yield path


def jsonl_pages(path: Path) -> Iterator[Page | SourceError]:
    """Pages from JSON lines, one {"id", "url", "html"} object per line (gzip allowed)."""
    opener = gzip.open if path.name.endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8", errors="replace") as fh:
            for number, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                where = f"{path}:{number}"
                try:
                    record = json.loads(line)
                except ValueError as exc:
                    yield SourceError(where, f"not a JSON object: {exc}")
                    continue
                html = record.get("html") if isinstance(record, dict) else None
                if not isinstance(html, str):
                    yield SourceError(where, 'no "html" string in this record')
                    continue
                url = record.get("url")
                yield Page(id=str(record.get("id") or where), data=html,
                           url=url if isinstance(url, str) else None)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        yield SourceError(str(path), f"cannot read: {exc}")


def warc_pages(path: Path) -> Iterator[Page | SourceError]:
    """HTML response records of a WARC file, with the record's URL and HTTP charset."""
    try:
        from fastwarc.warc import ArchiveIterator, WarcRecordType
    except ImportError:
        yield SourceError(str(path), f"reading WARC files needs FastWARC: {WARC_EXTRA}",
                          usage=True)
        return
    seen = 0
    try:
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh, parse_http=True, auto_decode="all"):
                seen += 1
                if record.record_type != WarcRecordType.response:
                    continue
                record_id = (record.record_id or "").strip("<>").removeprefix("urn:uuid:")
                page_id = record_id or f"{path}@{record.stream_pos}"
                status = record.http_headers.status_code if record.http_headers else None
                if status is None:
                    yield SourceError(page_id, "response record without a readable HTTP "
                                               "status line (truncated record?)")
                    continue
                data = record.reader.read()
                headers = record.http_headers
                encoded = headers.get("Content-Encoding") or headers.get("Transfer-Encoding")
                if not encoded and len(data) < record.content_length:
                    yield SourceError(page_id, f"record holds {len(data):,} of its "
                                               f"{record.content_length:,} bytes (truncated?)")
                    continue
                media = (record.http_content_type or "").split(";")[0].strip().lower()
                if media not in HTML_MEDIA_TYPES or not 200 <= status < 300:
                    continue
                yield Page(id=page_id,
                           data=data,
                           url=record.headers.get("WARC-Target-URI"),
                           encoding=record.http_charset)
    except (OSError, ValueError) as exc:
        yield SourceError(str(path), f"cannot read WARC: {exc}")
        return
    if not seen and path.stat().st_size:
        yield SourceError(str(path), "no WARC record could be read (truncated or not a WARC?)")


def iter_pages(paths: Iterable[str]) -> Iterator[Page | SourceError]:
    """Pages from files, directories (recursive), JSON lines, WARC files and "-" (stdin)."""
    for name in paths:
        if name == "-":
            yield Page(id="-", data=sys.stdin.buffer.read())
            continue
        path = Path(name)
        if not path.exists():
            yield SourceError(name, "no such file or directory", usage=True)
            continue
        for file in _expand(path):
            if file.name.endswith(JSONL_SUFFIXES):
                yield from jsonl_pages(file)
            elif file.name.endswith(WARC_SUFFIXES):
                yield from warc_pages(file)
            else:
                try:
                    yield Page(id=str(file), data=_read(file))
                except (OSError, EOFError, gzip.BadGzipFile) as exc:
                    yield SourceError(str(file), f"cannot read: {exc}")
