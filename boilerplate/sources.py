"""Stage 0: where pages come from (files, folders, stdin, JSON lines, WARC), each read
without stopping a batch."""

from __future__ import annotations

import gzip
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
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
class Range:
    """A run of records inside one file: the unit of work a cluster hands to a worker."""

    path: str
    offset: int = 0
    """Byte offset to start reading at (WARC records, lines of plain JSON lines)."""
    skip: int = 0
    """Records to skip after the offset (gzipped JSON lines cannot seek)."""
    count: int | None = None
    """Records to read; None reads to the end."""
    first: int = 1
    """Line number of the first line read (JSON lines ids fall back to FILE:LINE)."""


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


def jsonl_pages(path: Path, part: Range | None = None) -> Iterator[Page | SourceError]:
    """Pages from JSON lines, one {"id", "url", "html"} object per line (gzip allowed); with
    `part`, only that range of lines."""
    opener = gzip.open if path.name.endswith(".gz") else open
    first, count = (part.first, part.count) if part else (1, None)
    try:
        with opener(path, "rb") as fh:
            if part and part.offset:
                fh.seek(part.offset)
            lines = enumerate(fh, first)
            if part and part.skip:
                lines = islice(lines, part.skip, None)
            for number, raw in islice(lines, count):
                line = raw.decode("utf-8", errors="replace")
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


def warc_pages(path: Path, part: Range | None = None) -> Iterator[Page | SourceError]:
    """HTML response records of a WARC file, with the record's URL and HTTP charset; with
    `part`, only the `count` records starting at byte `offset`."""
    try:
        from fastwarc.warc import ArchiveIterator, WarcRecordType
    except ImportError:
        yield SourceError(str(path), f"reading WARC files needs FastWARC: {WARC_EXTRA}",
                          usage=True)
        return
    seen = 0
    try:
        with path.open("rb") as fh:
            if part:
                fh.seek(part.offset)
            for record in ArchiveIterator(fh, parse_http=True, auto_decode="all"):
                if part and part.count is not None and seen >= part.count:
                    break
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


def _record_offsets(path: Path) -> list[int]:
    """Byte offset of every record (WARC) or line (plain JSON lines) in a file."""
    if path.name.endswith(WARC_SUFFIXES):
        from fastwarc.warc import ArchiveIterator

        with path.open("rb") as fh:
            return [record.stream_pos for record in ArchiveIterator(fh, parse_http=False)]
    offsets, position = [], 0
    with path.open("rb") as fh:
        for line in fh:
            offsets.append(position)
            position += len(line)
    return offsets


def plan_ranges(paths: Iterable[str], records: int) -> list[Range | SourceError]:
    """Cut the inputs into ranges of about `records` records, in input order: large WARC
    and JSON lines files are split by record, HTML files go one file per range."""
    ranges: list[Range | SourceError] = []
    for name in paths:
        path = Path(name)
        if not path.exists():
            ranges.append(SourceError(name, "no such file or directory", usage=True))
            continue
        for file in _expand(path):
            if file.name.endswith(WARC_SUFFIXES) or file.name.endswith(JSONL_SUFFIXES):
                try:
                    ranges.extend(_file_ranges(file, records))
                except (OSError, ValueError, EOFError, ImportError):
                    ranges.append(Range(str(file)))  # read whole: its reader reports why
            else:
                ranges.append(Range(str(file)))
    return ranges


def _file_ranges(file: Path, records: int) -> list[Range]:
    if file.name.endswith(".jsonl.gz") or file.name.endswith(".ndjson.gz"):
        with gzip.open(file, "rb") as fh:
            total = sum(1 for _ in fh)
        return [Range(str(file), skip=start, count=records, first=1)
                for start in range(0, max(total, 1), records)]
    offsets = _record_offsets(file)
    if not offsets:
        return [Range(str(file))]
    return [Range(str(file), offset=offsets[start], count=records, first=start + 1)
            for start in range(0, len(offsets), records)]


def read_range(part: Range) -> Iterator[Page | SourceError]:
    """The pages of one range, as iter_pages would give them."""
    path = Path(part.path)
    if path.name.endswith(JSONL_SUFFIXES):
        yield from jsonl_pages(path, part)
    elif path.name.endswith(WARC_SUFFIXES):
        yield from warc_pages(path, part)
    else:
        yield from iter_pages([part.path])
