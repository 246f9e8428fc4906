"""The labeling app: API and storage here; clicks in a real browser when chromium is there."""

import gzip
import json
import os
import threading
import urllib.error
import urllib.request

import pytest

from boilerplate.annotate import DATASET_FILE, open_session, serve
from boilerplate.extract import Extractor
from boilerplate.sources import Page

from .test_show import BROWSER_FLAGS, CHROMIUM


@pytest.fixture(scope="module")
def extractor():
    return Extractor.load()


@pytest.fixture
def app(extractor, fixtures, tmp_path):
    """A running app on two fixture pages; yields (base URL, session, labels folder)."""
    pages = [Page(name, (fixtures / name).read_bytes())
             for name in ("en_news.html", "zh_portal_gbk.html")]
    out = tmp_path / "labels"
    session = open_session(pages, out, extractor)
    server = serve(session)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    yield f"http://{host}:{port}", session, out
    server.shutdown()
    server.server_close()


def _get(url: str):
    with urllib.request.urlopen(url) as response:
        return json.loads(response.read())


def _post(url: str, body: object) -> int:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_listens_on_localhost_and_orders_by_uncertainty(app):
    base, session, _ = app
    assert base.startswith("http://127.0.0.1:")
    listed = _get(f"{base}/api/pages")
    assert [p["id"] for p in listed] == [p.id for p in session.pages]
    assert listed[0]["uncertainty"] >= listed[1]["uncertainty"]


def test_flips_are_saved_as_a_dataset_train_reads(app, tmp_path):
    base, session, out = app
    page = _get(f"{base}/api/page/0")
    labels = [int(b["content"]) for b in page["blocks"]]
    labels[0], labels[1] = 1 - labels[0], 1 - labels[1]
    assert _post(f"{base}/api/page/0", {"labels": labels}) == 200
    assert [int(b["content"]) for b in _get(f"{base}/api/page/0")["blocks"]] == labels
    (record,) = [json.loads(line) for line in gzip.open(out / DATASET_FILE, "rt")]
    assert record["id"] == page["id"] and record["block_labels"] == labels
    kept = [b["text"] for b, keep in zip(page["blocks"], labels, strict=True) if keep]
    assert record["text"] == "\n".join(kept)
    assert not [p for p in out.iterdir() if p.name.startswith(".tmp")]


def test_bad_requests_are_refused(app):
    base, _, _ = app
    assert _post(f"{base}/api/page/0", {"labels": [1]}) == 400  # wrong length
    assert _post(f"{base}/api/page/9", {"labels": []}) == 404
    for path in ("/../../etc/passwd", "/api/page/0/../../x", "/static/x"):
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(base + path)
        assert info.value.code == 404


def test_labels_survive_a_restart(extractor, fixtures, tmp_path):
    pages = [Page("en_news.html", (fixtures / "en_news.html").read_bytes())]
    first = open_session(pages, tmp_path, extractor)
    first.pages[0].labels = [not x for x in first.pages[0].labels]
    first.pages[0].reviewed = True
    first.save()
    again = open_session(pages, tmp_path, extractor)
    assert again.pages[0].labels == first.pages[0].labels and again.pages[0].reviewed


def test_browser_flips_two_blocks_reload_keeps_them_and_train_runs(app, tmp_path):
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} not found (Debian's chromium; .ci/run installs it)")
    playwright = pytest.importorskip("playwright.sync_api",
                                     reason="playwright comes with the .[test] extra")
    base, session, out = app
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_FLAGS)
        page = browser.new_page()
        page.goto(base + "/")
        blocks = page.locator(".block")
        blocks.first.wait_for()
        before = [("content" in (blocks.nth(k).get_attribute("class") or "")) for k in (0, 2)]
        for k in (0, 2):
            blocks.nth(k).click()
            page.wait_for_function("document.getElementById('status').textContent"
                                   ".includes('saved')")
        page.reload()
        page.locator(".block").first.wait_for()
        after = [("content" in (page.locator(".block").nth(k).get_attribute("class") or ""))
                 for k in (0, 2)]
        page.keyboard.press("n")  # the second page, then label it as the model did
        page.wait_for_function("document.getElementById('status').textContent"
                               ".startsWith('page 2')")
        for _ in range(2):  # flip the first block and back: saved both times
            page.keyboard.press("j")
            page.keyboard.press("k")  # moving clears the status line
            page.keyboard.press(" ")
            page.wait_for_function("document.getElementById('status').textContent"
                                   ".includes('saved')")
        browser.close()
    assert after == [not b for b in before]
    records = [json.loads(line) for line in gzip.open(out / DATASET_FILE, "rt")]
    assert len(records) == 2
    second = next(r for r in records if r["id"] == session.pages[1].id)
    assert second["block_labels"] == [int(x) for x in session.pages[1].labels]
    first = next(r for r in records if r["id"] == session.pages[0].id)
    assert [first["block_labels"][k] for k in (0, 2)] == [int(a) for a in after]

    from boilerplate.cli import main

    model = tmp_path / "model"
    assert main(["train", str(out), "--out", str(model), "--max-iter", "5", "--quiet"]) == 0
    assert (model / "model.json").exists()
