"""Stage 0: where pages come from (files, folders, stdin), each read without stopping a batch."""

from __future__ import annotations

import gzip
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

PAGE_SUFFIXES: tuple[str, ...] = (".html", ".htm", ".html.gz", ".htm.gz", ".xhtml")


@dataclass(frozen=True)
class Page:
    """Raw bytes of one page and what is known about it before parsing."""

    id: str
    data: bytes
    url: str | None = None
    encoding: str | None = None


@dataclass(frozen=True)
class SourceError:
    """A path that could not be read: reported, counted, and the batch goes on."""

    id: str
    reason: str
    usage: bool = False
    """True when the user named something that does not exist (a usage error, exit 2)."""


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    return data


def _expand(path: Path) -> Iterator[Path]:
    if path.is_dir():
        found = (p for p in path.rglob("*") if p.is_file() and p.name.endswith(PAGE_SUFFIXES))
        yield from sorted(found)
    else:
        yield path


def iter_pages(paths: Iterable[str]) -> Iterator[Page | SourceError]:
    """Pages from files, directories (recursive *.html, *.htm, *.html.gz) and "-" (stdin)."""
    for name in paths:
        if name == "-":
            yield Page(id="-", data=sys.stdin.buffer.read())
            continue
        path = Path(name)
        if not path.exists():
            yield SourceError(name, "no such file or directory", usage=True)
            continue
        for file in _expand(path):
            try:
                yield Page(id=str(file), data=_read(file))
            except (OSError, EOFError, gzip.BadGzipFile) as exc:
                yield SourceError(str(file), f"cannot read: {exc}")
