"""Labeled pages for training and evaluation: dataset JSON lines and folders of HTML+TXT pairs."""

from __future__ import annotations

import gzip
import hashlib
import json
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BoilerplateWarning, DataError
from .metrics import PageScore, score_gold

DATASET_FILE = "pages.jsonl.gz"
GOLD_SUFFIX = ".txt"
HTML_SUFFIXES = (".html", ".htm")


@dataclass(frozen=True)
class LabeledPage:
    """One page with its gold main text and, where annotators gave them, block labels."""

    id: str
    dataset: str
    html: str | bytes
    text: str | None
    lang: str | None = None
    url: str | None = None
    labeled_html: str | None = None
    meta: dict = field(default_factory=dict)
    """Extra per-dataset fields worth grouping by (page_type, site, split ...)."""
    must_have: tuple[str, ...] = ()
    """Snippet gold: text that must be in the main content (`with` in the record)."""
    must_not_have: tuple[str, ...] = ()
    """Snippet gold: text that must not be extracted (`without` in the record)."""

    def score(self, text: str) -> PageScore:
        """Extracted text against this page's gold text, or its snippets if it has only those."""
        return score_gold(self.text, text, self.must_have, self.must_not_have)


META_FIELDS = ("page_type", "site", "split", "boilernet_split", "gold_kind")


@dataclass(frozen=True)
class DatasetInfo:
    """What a data source held: its name, page count and a hash of its content."""

    name: str
    path: str
    pages: int
    skipped: int
    sha256: str


def dataset_name(path: Path) -> str:
    """A dataset is named after its folder (../shared/datasets/wcxb -> wcxb)."""
    path = Path(path)
    return path.parent.name if path.name == DATASET_FILE else path.name


def _snippets(record: dict, key: str) -> tuple[str, ...]:
    value = record.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{key!r} is not a list of strings")
    return tuple(value)


def _from_record(record: dict, name: str) -> LabeledPage:
    html = record.get("html")
    if not isinstance(html, str) or not html.strip():
        raise ValueError("no html")
    text = record.get("text")
    if text is not None and not isinstance(text, str):
        raise ValueError("text is not a string")
    return LabeledPage(
        id=str(record.get("id") or ""), dataset=name, html=html, text=text,
        lang=record.get("lang"), url=record.get("url"),
        labeled_html=record.get("labeled_html") or None,
        meta={k: record[k] for k in META_FIELDS if record.get(k) is not None},
        must_have=_snippets(record, "with"), must_not_have=_snippets(record, "without"),
    )


def _read_jsonl(path: Path, name: str, digest) -> Iterator[LabeledPage | str]:
    try:
        opener = gzip.open if path.name.endswith(".gz") else open
        with opener(path, "rb") as fh:
            for number, line in enumerate(fh, 1):
                digest.update(line)
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                    page = _from_record(record, name)
                except (ValueError, AttributeError) as exc:
                    yield f"{path}:{number}: skipped record: {exc}"
                    continue
                if not page.id:
                    page = LabeledPage(**{**page.__dict__, "id": f"{name}-{number}"})
                yield page
    except (OSError, EOFError) as exc:
        raise DataError(f"{path}: cannot read dataset: {exc}") from exc


def _read_folder(path: Path, name: str, digest) -> Iterator[LabeledPage | str]:
    pages = sorted(p for p in path.rglob("*") if p.suffix.lower() in HTML_SUFFIXES)
    for html_path in pages:
        gold_path = html_path.with_suffix(GOLD_SUFFIX)
        if not gold_path.exists():
            yield f"{html_path}: skipped: no gold text file {gold_path.name}"
            continue
        try:
            data = html_path.read_bytes()
            gold = gold_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            yield f"{html_path}: skipped: {exc}"
            continue
        digest.update(data)
        digest.update(gold.encode("utf-8"))
        yield LabeledPage(id=str(html_path.relative_to(path).with_suffix("")), dataset=name,
                          html=data, text=gold)


class Dataset:
    """An iterable of LabeledPage from one source; skipped records are counted and warned."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if self.path.is_dir() and (self.path / DATASET_FILE).exists():
            self.path = self.path / DATASET_FILE
        if not self.path.exists():
            raise DataError(f"{path}: no such dataset (a {DATASET_FILE} file, a folder holding "
                            "one, or a folder of PAGE.html + PAGE.txt pairs)")
        self.name = dataset_name(self.path)
        self.skipped = 0
        self.pages = 0
        self.sha256 = ""

    def __iter__(self) -> Iterator[LabeledPage]:
        digest = hashlib.sha256()
        self.skipped = self.pages = 0
        reader = _read_folder if self.path.is_dir() else _read_jsonl
        for item in reader(self.path, self.name, digest):
            if isinstance(item, str):
                self.skipped += 1
                warnings.warn(item, BoilerplateWarning, stacklevel=2)
                continue
            self.pages += 1
            yield item
        self.sha256 = digest.hexdigest()

    def info(self) -> DatasetInfo:
        """Counts and content hash; valid after one full iteration."""
        return DatasetInfo(self.name, str(self.path), self.pages, self.skipped, self.sha256)
