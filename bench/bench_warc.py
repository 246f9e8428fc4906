"""WARC reading speed: FastWARC against warcio on the same archive, to pick the reader.

Usage: python bench/bench_warc.py [--shared ../shared] [--pages 2000]

Writes the first N pages of ../shared/datasets/daniel as HTTP response records into a
temporary .warc.gz (one gzip member per record, as crawlers write them) and a plain .warc,
then reads every payload back with each library, best of three runs. Prints MB/s and
records/s per library and file kind. A library that is not installed is skipped.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNS = 3


def record(number: int, url: str, body: bytes) -> bytes:
    http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body)
    head = (f"WARC/1.0\r\nWARC-Type: response\r\n"
            f"WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-{number:012d}>\r\n"
            f"WARC-Date: 2025-01-01T00:00:00Z\r\nWARC-Target-URI: {url}\r\n"
            "Content-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(http)}\r\n\r\n").encode()
    return head + http + b"\r\n\r\n"


def read_fastwarc(path: Path) -> int:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    total = 0
    with path.open("rb") as fh:
        for rec in ArchiveIterator(fh, record_types=WarcRecordType.response, parse_http=True):
            total += len(rec.reader.read())
    return total


def read_warcio(path: Path) -> int:
    from warcio.archiveiterator import ArchiveIterator

    total = 0
    with path.open("rb") as fh:
        for rec in ArchiveIterator(fh):
            if rec.rec_type == "response":
                total += len(rec.content_stream().read())
    return total


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    ap.add_argument("--pages", type=int, default=2000)
    args = ap.parse_args(argv)
    source = args.shared / "datasets" / "daniel" / "pages.jsonl.gz"
    if not source.exists():
        print(f"{source} not found; pass --shared", file=sys.stderr)
        return 2
    records = []
    with gzip.open(source, "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i >= args.pages:
                break
            page = json.loads(line)
            url = (page.get("url") or f"https://page{i}.example/").replace(" ", "%20")
            records.append(record(i, url,
                                  page["html"].encode("utf-8")))
    readers = {"fastwarc": read_fastwarc, "warcio": read_warcio}
    with tempfile.TemporaryDirectory() as tmp:
        files = {"warc.gz": Path(tmp) / "crawl.warc.gz", "warc": Path(tmp) / "crawl.warc"}
        files["warc.gz"].write_bytes(b"".join(gzip.compress(r) for r in records))
        files["warc"].write_bytes(b"".join(records))
        print(f"{len(records)} records; .warc {files['warc'].stat().st_size / 1e6:.1f} MB, "
              f".warc.gz {files['warc.gz'].stat().st_size / 1e6:.1f} MB\n")
        print("| reader | file | best of 3 s | records/s | payload MB/s |\n|---|---|---|---|---|")
        for name, read in readers.items():
            for kind, path in files.items():
                try:
                    best, payload = float("inf"), 0
                    for _ in range(RUNS):
                        start = time.perf_counter()
                        payload = read(path)
                        best = min(best, time.perf_counter() - start)
                except ImportError:
                    print(f"| {name} | {kind} | not installed | | |")
                    break
                print(f"| {name} | {kind} | {best:.3f} | {len(records) / best:.0f} | "
                      f"{payload / 1e6 / best:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
