"""Stage 6b: many pages through an Extractor, in input order, with workers that may die,
outputs written atomically, and finished pages skipped when resuming."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import re
import signal
import sys
import tempfile
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import NamedTuple

from .errors import BoilerplateError, BoilerplateWarning
from .extract import Extractor
from .render import RenderOptions
from .sources import Page, SourceError

CHUNK_PAGES = 8
"""Pages per task sent to a worker process: enough to amortise the hand-over."""
CHUNKS_IN_FLIGHT = 4
"""Tasks queued per worker: keeps workers busy without reading a whole crawl into memory."""
START_METHOD = "fork" if sys.platform.startswith("linux") else "spawn"
"""Forked workers inherit the loaded model and start in milliseconds (spawned ones import
scikit-learn and unpickle the model first, ~2 s each). Forking is safe here: the parent has
not run the model's OpenMP code and workers run it single-threaded."""
WORKER_EXIT_SECONDS = 5
"""How long a finished batch waits for each worker to exit before killing it."""
MAX_NAME_CHARS = 96
NAME_HASH_CHARS = 10
UNSAFE_NAME_RE = re.compile(r"[^\w.\-]+")
OUTPUT_MODE = 0o644
TEMP_PREFIX = ".tmp-boilerplate-"
"""Name start of a page's output while it is being written (renamed when complete)."""


class Outcome(NamedTuple):
    """What became of one page of a batch: its output, or why there is none."""

    id: str
    output: str | None
    error: str | None = None
    warnings: tuple[str, ...] = ()
    usage: bool = False
    """The error is the caller's (a path that does not exist, a missing extra)."""
    skipped: bool = False
    """Not processed because its output already exists (resuming a batch)."""


WORKER_DIED = ("the worker process died on this page (killed, e.g. for memory, or crashed); "
               "skipped")


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


def _work_chunk(extractor: Extractor, options: RenderOptions,
                chunk: list[Page | SourceError | Outcome]) -> list[Outcome]:
    return [item if isinstance(item, Outcome) else process(extractor, item, options)
            for item in chunk]


def _worker_main(conn: Connection, inherited: list[Connection], extractor: Extractor,
                 options: RenderOptions) -> None:
    """A batch worker: receive chunks of pages, send back their outcomes, until told to stop
    or until the parent is gone."""
    from threadpoolctl import threadpool_limits

    for other in inherited:  # the parent's pipe ends, copied by fork: without closing them
        other.close()        # a killed parent would never look gone to its workers

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    threadpool_limits(1)  # one process per core: no OpenMP threads fighting over them
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):  # the parent is gone (killed): nothing left to do
            return
        if task is None:
            return
        key, chunk = task
        try:
            conn.send((key, _work_chunk(extractor, options, chunk)))
        except (BrokenPipeError, OSError):  # the parent is gone
            return


class _Task(NamedTuple):
    seq: int
    """Position of the chunk in the input: outcomes are released in this order."""
    offset: int
    """Where these pages start within the chunk (a chunk is split to find a killer page)."""
    items: list


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    task: _Task | None = None


class _WorkerPool:
    """Worker processes fed through pipes, each loading the model once; a worker that dies
    (killed for memory, crashed in C code) is replaced and its pages are retried one by one,
    so only the page that killed it is lost. (concurrent.futures on Python 3.11 can hang
    after a worker dies, and loses every queued task with it.)"""

    def __init__(self, jobs: int, extractor: Extractor, options: RenderOptions) -> None:
        self.context = multiprocessing.get_context(START_METHOD)
        self.args = (extractor, options)
        self.workers = [self._spawn() for _ in range(jobs)]

    def _spawn(self) -> _Worker:
        ours, theirs = self.context.Pipe()
        inherited = [ours, *(w.conn for w in getattr(self, "workers", ()))]
        if START_METHOD != "fork":
            inherited = []  # spawned workers inherit nothing
        process = self.context.Process(target=_worker_main,
                                       args=(theirs, inherited, *self.args), daemon=True)
        process.start()
        theirs.close()
        return _Worker(process, ours)

    def idle(self) -> list[_Worker]:
        return [w for w in self.workers if w.task is None]

    def busy(self) -> bool:
        return any(w.task is not None for w in self.workers)

    def send(self, worker: _Worker, task: _Task) -> None:
        worker.task = task
        worker.conn.send(((task.seq, task.offset), task.items))

    def wait(self) -> Iterator[tuple[_Task, list[Outcome] | None]]:
        """Tasks that finished (with outcomes) or whose worker died (None) since last call."""
        busy = [w for w in self.workers if w.task is not None]
        ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy])
        for index, worker in enumerate(self.workers):
            task = worker.task
            if task is None or (worker.conn not in ready
                                and worker.process.sentinel not in ready):
                continue
            try:
                _, outcomes = worker.conn.recv()
            except (EOFError, OSError):
                worker.process.join()
                worker.conn.close()
                self.workers[index] = self._spawn()
                yield task, None
                continue
            worker.task = None
            yield task, outcomes

    def close(self, *, graceful: bool) -> None:
        for worker in self.workers:
            if graceful and worker.process.is_alive():
                try:
                    worker.conn.send(None)
                except OSError:
                    pass
        for worker in self.workers:
            worker.process.join(WORKER_EXIT_SECONDS if graceful else 0)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()


def extract_pages(extractor: Extractor, items: Iterable[Page | SourceError],
                  options: RenderOptions, *, jobs: int = 1,
                  done: Callable[[str], bool] | None = None) -> Iterator[Outcome]:
    """Outcomes of many pages, in input order whatever `jobs` is.

    With jobs > 1, pages go to worker processes in chunks, a bounded number at a time, so
    memory stays flat on inputs of any length. A page that kills its worker is reported as
    failed and the batch goes on. Pages for which `done(id)` is true are yielded as
    skipped without being processed.
    """
    if done is not None:
        items = (Outcome(item.id, None, skipped=True) if done(item.id) else item
                 for item in items)
    if jobs <= 1:
        for item in items:
            yield item if isinstance(item, Outcome) else process(extractor, item, options)
        return
    pool = _WorkerPool(jobs, extractor, options)
    graceful = False
    try:
        yield from _schedule(pool, _chunks(items, CHUNK_PAGES), jobs * CHUNKS_IN_FLIGHT)
        graceful = True
    finally:
        pool.close(graceful=graceful)


def _schedule(pool: _WorkerPool, chunks: Iterator[list], window: int) -> Iterator[Outcome]:
    """Feed chunks to idle workers and release outcomes in input order."""
    retry: deque[_Task] = deque()
    partial: dict[int, list[Outcome | None]] = {}
    missing: dict[int, int] = {}
    next_seq = submitted = 0
    exhausted = False
    while True:
        for worker in pool.idle():
            if retry:
                pool.send(worker, retry.popleft())
            elif not exhausted and submitted - next_seq < window:
                chunk = next(chunks, None)
                if chunk is None:
                    exhausted = True
                    break
                partial[submitted], missing[submitted] = [None] * len(chunk), len(chunk)
                pool.send(worker, _Task(submitted, 0, chunk))
                submitted += 1
        if not pool.busy():
            break
        for task, outcomes in pool.wait():
            if outcomes is None and len(task.items) > 1:
                retry.extend(_Task(task.seq, task.offset + i, [item])
                             for i, item in enumerate(task.items))
                continue
            if outcomes is None:
                outcomes = [Outcome(task.items[0].id, None, WORKER_DIED)]
            partial[task.seq][task.offset:task.offset + len(outcomes)] = outcomes
            missing[task.seq] -= len(outcomes)
        while next_seq in missing and missing[next_seq] == 0:
            del missing[next_seq]
            yield from partial.pop(next_seq)
            next_seq += 1


def output_name(page_id: str, suffix: str) -> str:
    """A safe, unique file name for a page's output: the id's last path part, made safe,
    plus a hash of the full id (so a/x.html and b/x.html never collide)."""
    last = page_id.rstrip("/").rsplit("/", 1)[-1]
    readable = UNSAFE_NAME_RE.sub("_", last).strip("._")[-MAX_NAME_CHARS:] or "page"
    digest = hashlib.sha256(page_id.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{readable}-{digest[:NAME_HASH_CHARS]}{suffix}"


def remove_stale_temporaries(directory: Path) -> int:
    """Delete temporary files a killed run left in an output folder; returns how many.

    Only this package's own temporary names are touched, so run one batch per folder."""
    removed = 0
    for path in directory.glob(f"{TEMP_PREFIX}*"):
        path.unlink(missing_ok=True)
        removed += 1
    return removed


def write_output(directory: Path, page_id: str, output: str, suffix: str) -> Path:
    """Write one page's output atomically (temporary file, then rename): never half a file."""
    path = directory / output_name(page_id, suffix)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=TEMP_PREFIX, suffix=suffix)
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
