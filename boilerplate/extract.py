"""Stage 6: apply a model to pages, one at a time or in batches, the pipeline in a few lines."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import re
import tempfile
import warnings
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from .blocks import segment
from .config import DEFAULT_CONFIG, Config
from .errors import BoilerplateError, BoilerplateWarning
from .features import featurize
from .model import Model
from .parse import parse
from .render import (
    ClassifiedBlock,
    PageResult,
    RenderOptions,
    content_sample,
    render,
    title_of,
)
from .sources import Page, SourceError
from .text import cjk_lang

CHUNK_PAGES = 8
"""Pages per task sent to a worker process: enough to amortise the hand-over."""
CHUNKS_IN_FLIGHT = 4
"""Tasks queued per worker: keeps workers busy without reading a whole crawl into memory."""
MAX_NAME_CHARS = 96
NAME_HASH_CHARS = 10
UNSAFE_NAME_RE = re.compile(r"[^\w.\-]+")
OUTPUT_MODE = 0o644


@dataclass
class Extractor:
    """A loaded model plus settings: load once, then classify or extract any number of pages."""

    model: Model
    config: Config = DEFAULT_CONFIG
    threshold: float | None = None
    """Decision threshold; None uses the one chosen when the model was trained."""

    @classmethod
    def load(cls, path: str | Path | None = None, *, config: Config = DEFAULT_CONFIG,
             threshold: float | None = None) -> Extractor:
        """Load a model directory, or the shipped default model when `path` is None."""
        return cls(Model.load(path), config, threshold)

    @property
    def cut(self) -> float:
        """The probability at or above which a block is content."""
        return self.model.threshold if self.threshold is None else self.threshold

    def run(self, html: str | bytes, *, page_id: str = "<input>", url: str | None = None,
            encoding: str | None = None, keep_features: bool = False) -> PageResult:
        """The whole pipeline for one page: parse, segment, featurize, predict, label."""
        doc = parse(html, encoding=encoding, url=url, config=self.config, where=page_id)
        blocks = segment(doc, self.config)
        features = featurize(blocks, self.config, doc.title)
        proba = self.model.predict_proba(features).tolist()
        cut = self.cut
        classified = tuple(map(ClassifiedBlock, blocks, [p >= cut for p in proba], proba))
        title = title_of(doc.og_title, doc.html_title, classified)
        lang = cjk_lang(content_sample(classified)) or doc.lang
        return PageResult(id=page_id, url=url, title=title, lang=lang, blocks=classified,
                          features=features if keep_features else None)

    def classify(self, html: str | bytes, *, encoding: str | None = None,
                 where: str = "<input>") -> list[ClassifiedBlock]:
        """Every block of the page with its label and probability."""
        return list(self.run(html, page_id=where, encoding=encoding).blocks)

    def extract(self, html: str | bytes, *, format: str = "text", links: bool = False,
                blocks: bool = False, features: bool = False, url: str | None = None,
                encoding: str | None = None, where: str = "<input>") -> str:
        """The page's main content in one of render.FORMATS."""
        options = RenderOptions(format, links=links, blocks=blocks, features=features)
        return self.render_page(Page(where, html, url, encoding), options)

    def render_page(self, page: Page, options: RenderOptions) -> str:
        """One source page rendered with `options` (features kept only when asked for)."""
        result = self.run(page.data, page_id=page.id, url=page.url, encoding=page.encoding,
                          keep_features=options.features)
        return render(result, options)


def extract(html: str | bytes, *, format: str = "text",
            model: Extractor | Model | str | Path | None = None) -> str:
    """Main content of one page. For many pages, build an Extractor once and reuse it."""
    if isinstance(model, Extractor):
        extractor = model
    elif isinstance(model, Model):
        extractor = Extractor(model)
    else:
        extractor = Extractor.load(model)
    return extractor.extract(html, format=format)


# ---- batches ------------------------------------------------------------------------------

class Outcome(NamedTuple):
    """What became of one page of a batch: its output, or why there is none."""

    id: str
    output: str | None
    error: str | None = None
    warnings: tuple[str, ...] = ()
    usage: bool = False
    """The error is the caller's (a path that does not exist, a missing extra)."""


def process(extractor: Extractor, item: Page | SourceError, options: RenderOptions) -> Outcome:
    """One page to an Outcome; every failure becomes a reason, never an exception."""
    if isinstance(item, SourceError):
        return Outcome(item.id, None, item.reason, usage=item.usage)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", BoilerplateWarning)
        try:
            output = extractor.render_page(item, options)
        except BoilerplateError as exc:
            return Outcome(item.id, None, str(exc).removeprefix(f"{item.id}: "))
        except Exception as exc:  # noqa: BLE001 - one page's unexpected failure must not end a batch
            return Outcome(item.id, None, f"internal error ({type(exc).__name__}: {exc}); "
                                          "please report it with the page")
    return Outcome(item.id, output, None, tuple(str(w.message) for w in caught))


def _chunks(items: Iterable[Page | SourceError], size: int) -> Iterator[list]:
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


_worker: tuple[Extractor, RenderOptions] | None = None
"""The extractor of a batch worker process, set once by _start_worker (never in the parent)."""


def _start_worker(extractor: Extractor, options: RenderOptions) -> None:
    global _worker
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)  # one process per core: no OpenMP threads fighting over them
    _worker = (extractor, options)


def _work_chunk(chunk: list[Page | SourceError]) -> list[Outcome]:
    assert _worker is not None, "worker used before _start_worker"
    extractor, options = _worker
    return [process(extractor, item, options) for item in chunk]


def extract_pages(extractor: Extractor, items: Iterable[Page | SourceError],
                  options: RenderOptions, *, jobs: int = 1) -> Iterator[Outcome]:
    """Outcomes of many pages, in input order whatever `jobs` is.

    With jobs > 1, pages go to worker processes in chunks, a bounded number at a time, so
    memory stays flat on inputs of any length; each worker holds its own copy of the model.
    """
    if jobs <= 1:
        for item in items:
            yield process(extractor, item, options)
        return
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker,
                             initargs=(extractor, options)) as pool:
        pending: deque[Future] = deque()
        for chunk in _chunks(items, CHUNK_PAGES):
            pending.append(pool.submit(_work_chunk, chunk))
            if len(pending) >= jobs * CHUNKS_IN_FLIGHT:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def output_name(page_id: str, suffix: str) -> str:
    """A safe, unique file name for a page's output: the id's last path part, made safe,
    plus a hash of the full id (so a/x.html and b/x.html never collide)."""
    last = page_id.rstrip("/").rsplit("/", 1)[-1]
    readable = UNSAFE_NAME_RE.sub("_", last).strip("._")[-MAX_NAME_CHARS:] or "page"
    digest = hashlib.sha256(page_id.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{readable}-{digest[:NAME_HASH_CHARS]}{suffix}"


def write_output(directory: Path, page_id: str, output: str, suffix: str) -> Path:
    """Write one page's output atomically (temporary file, then rename): never half a file."""
    path = directory / output_name(page_id, suffix)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=suffix)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(output)
            fh.write("\n")
        os.chmod(tmp, OUTPUT_MODE)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path
