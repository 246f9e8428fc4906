"""Batches: order, skipping finished pages, and surviving a worker process that dies."""

import os

import pytest

from boilerplate.batch import WORKER_DIED, Outcome, extract_pages
from boilerplate.extract import Extractor
from boilerplate.render import RenderOptions
from boilerplate.sources import Page, SourceError

from .helpers import TOPICS, page_html


class DyingExtractor(Extractor):
    """Kills its own worker process on the page called "poison", as the OOM killer would."""

    def render_page(self, page, options):
        if page.id == "poison":
            os._exit(9)
        return super().render_page(page, options)


def _pages(n: int) -> list:
    items = [Page(f"p{i}", page_html(*TOPICS[i % len(TOPICS)])) for i in range(n)]
    items.insert(5, SourceError("unreadable", "cannot read: test"))
    return items


@pytest.fixture(scope="module")
def model():
    return Extractor.load().model


def test_serial_and_parallel_give_the_same_outcomes_in_order(model):
    items = _pages(40)
    options = RenderOptions("jsonl")
    serial = list(extract_pages(Extractor(model), items, options))
    parallel = list(extract_pages(Extractor(model), items, options, jobs=2))
    assert serial == parallel
    assert [o.id for o in serial] == [i.id for i in items]
    assert serial[5].error == "cannot read: test"


def test_done_pages_are_skipped_in_order(model):
    items = _pages(20)
    finished = {"p0", "p7", "p8", "p19"}
    for jobs in (1, 2):
        outcomes = list(extract_pages(Extractor(model), items, RenderOptions(), jobs=jobs,
                                      done=finished.__contains__))
        assert [o.id for o in outcomes] == [i.id for i in items]
        assert {o.id for o in outcomes if o.skipped} == finished
        assert all(o.output for o in outcomes if not o.skipped and o.error is None)


def test_a_dying_worker_is_reported_and_the_batch_goes_on(model):
    items = _pages(30)
    items.insert(12, Page("poison", "<p>this page kills its worker</p>"))
    items.insert(25, Page("poison", "<p>and a second time</p>"))
    outcomes = list(extract_pages(DyingExtractor(model), items, RenderOptions(), jobs=2))
    assert [o.id for o in outcomes] == [i.id for i in items]  # nothing lost or duplicated
    died = [o for o in outcomes if o.error == WORKER_DIED]
    assert [o.id for o in died] == ["poison", "poison"]
    good = [o for o in outcomes if o.error is None]
    assert len(good) == 30 and all(isinstance(o, Outcome) and o.output for o in good)


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="needs Linux /proc")
def test_workers_exit_when_the_parent_is_killed(tmp_path):
    import json
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    src = tmp_path / "pages.jsonl"
    src.write_text("\n".join(json.dumps({"id": f"p{i}", "html": page_html(*TOPICS[i % 8])})
                             for i in range(3000)) + "\n")
    parent = subprocess.Popen([sys.executable, "-m", "boilerplate", "extract", "--jobs", "2",
                               str(src)], stdout=subprocess.DEVNULL)
    children: list[str] = []
    deadline = time.monotonic() + 30
    while len(children) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
        children = Path(f"/proc/{parent.pid}/task/{parent.pid}/children").read_text().split()
    assert len(children) == 2
    parent.send_signal(signal.SIGKILL)
    parent.wait()

    def running(pid: str) -> bool:
        try:
            return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
        except OSError:
            return False

    deadline = time.monotonic() + 30
    while any(running(c) for c in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(running(c) for c in children)  # no orphan keeps working or waiting
