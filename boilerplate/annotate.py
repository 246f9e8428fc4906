"""Stage 7: correct the model by hand. A local web app walks through pages (most uncertain
first), pre-labels every block with the model's decision, lets the user flip blocks, and
saves the result as a dataset `train` reads."""

from __future__ import annotations

import gzip
import json
import os
import tempfile
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .errors import BoilerplateError
from .extract import Extractor
from .show import show_page
from .sources import Page
from .text import count_tokens

DATASET_FILE = "pages.jsonl.gz"
STATE_FILE = "state.json"
HOST = "127.0.0.1"
"""The app listens on this machine only: page HTML and labels never leave it."""
MAX_BODY_BYTES = 4 * 1024 * 1024


@dataclass
class AnnotatedPage:
    """One page under annotation: its blocks, the model's view, and the user's labels."""

    id: str
    url: str | None
    lang: str | None
    html: str
    texts: list[str]
    probabilities: list[float]
    labels: list[bool]
    report: str
    """The `show` view of the page, rendered in a sandboxed frame beside the blocks."""
    reviewed: bool = False

    @property
    def uncertainty(self) -> float:
        """Token-weighted closeness of the model's probabilities to a coin flip, 0 to 1."""
        weights = [max(count_tokens(t), 1) for t in self.texts]
        total = sum(weights) or 1
        return sum(w * (1 - abs(2 * p - 1))
                   for w, p in zip(weights, self.probabilities, strict=True)) / total


@dataclass
class Session:
    """Pages in the order they are shown, and where their labels are saved."""

    out_dir: Path
    pages: list[AnnotatedPage]
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """Pages that could not be read or parsed: (id, reason)."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, page: AnnotatedPage) -> dict:
        """A reviewed page in the shared dataset format; `text` is the content, a block
        per line, which is what `train` aligns blocks against."""
        text = "\n".join(t for t, keep in zip(page.texts, page.labels, strict=True) if keep)
        return {"id": page.id, "url": page.url, "lang": page.lang, "html": page.html,
                "text": text, "block_labels": [int(x) for x in page.labels],
                "source": "boilerplate annotate"}

    def save(self) -> None:
        """Rewrite the dataset and the state atomically: a crash never leaves half a file."""
        reviewed = [self.record(p) for p in self.pages if p.reviewed]
        data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in reviewed)
        _atomic_write(self.out_dir / DATASET_FILE, gzip.compress(data.encode("utf-8"), mtime=0))
        state = {p.id: {"labels": [int(x) for x in p.labels], "reviewed": p.reviewed}
                 for p in self.pages}
        _atomic_write(self.out_dir / STATE_FILE, json.dumps(state).encode("utf-8"))


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-annotate-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def open_session(pages: list[Page], out_dir: str | Path, extractor: Extractor) -> Session:
    """Run the model on every page, restore labels saved earlier, most uncertain first."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    state_path = out / STATE_FILE
    state = json.loads(state_path.read_text(encoding="utf-8")) if state_path.exists() else {}
    annotated, skipped = [], []
    for page in pages:
        try:
            result = extractor.run(page.data, page_id=page.id, url=page.url,
                                   encoding=page.encoding)
        except BoilerplateError as exc:
            skipped.append((page.id, str(exc)))
            continue
        html = page.data if isinstance(page.data, str) else page.data.decode(
            "utf-8", errors="replace")
        texts = [c.block.text for c in result.blocks]
        labels = [c.content for c in result.blocks]
        saved = state.get(page.id)
        reviewed = False
        if saved and len(saved["labels"]) == len(labels):
            labels, reviewed = [bool(x) for x in saved["labels"]], bool(saved["reviewed"])
        report = show_page(result, threshold=extractor.cut)
        annotated.append(AnnotatedPage(page.id, page.url, result.lang, html, texts,
                                       [c.probability for c in result.blocks], labels, report,
                                       reviewed))
    annotated.sort(key=lambda p: -p.uncertainty)
    return Session(out, annotated, skipped)


def make_handler(session: Session) -> type[BaseHTTPRequestHandler]:
    """Request handler bound to one session: serves the app and a small JSON API, no files."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # quiet: no request log
            return

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def _json(self, value: object, status: int = HTTPStatus.OK) -> None:
            self._send(status, json.dumps(value, ensure_ascii=False).encode("utf-8"),
                       "application/json; charset=utf-8")

        def _page(self, parts: list[str]) -> AnnotatedPage | None:
            if len(parts) >= 3 and parts[2].isdigit() and int(parts[2]) < len(session.pages):
                return session.pages[int(parts[2])]
            self._json({"error": "no such page"}, HTTPStatus.NOT_FOUND)
            return None

        def do_GET(self) -> None:  # noqa: N802 - the name http.server dispatches to
            parts = self.path.split("?", 1)[0].strip("/").split("/")
            if parts == [""]:
                self._send(HTTPStatus.OK, APP_HTML.encode("utf-8"), "text/html; charset=utf-8")
            elif parts == ["api", "pages"]:
                self._json([{"index": i, "id": p.id, "reviewed": p.reviewed,
                             "uncertainty": round(p.uncertainty, 3)}
                            for i, p in enumerate(session.pages)])
            elif parts[:2] == ["api", "page"] and len(parts) == 3:
                page = self._page(parts)
                if page is not None:
                    self._json({"id": page.id, "url": page.url, "reviewed": page.reviewed,
                                "blocks": [{"text": t, "probability": round(p, 3),
                                            "content": c} for t, p, c in
                                           zip(page.texts, page.probabilities, page.labels,
                                               strict=True)]})
            elif parts[:2] == ["api", "page"] and parts[3:] == ["view"]:
                page = self._page(parts)
                if page is not None:
                    self._send(HTTPStatus.OK, page.report.encode("utf-8"),
                               "text/html; charset=utf-8")
            else:
                self._json({"error": "not found"}, HTTPStatus.NOT_FOUND)

        def do_POST(self) -> None:  # noqa: N802
            parts = self.path.strip("/").split("/")
            if parts[:2] != ["api", "page"] or len(parts) != 3:
                self._json({"error": "not found"}, HTTPStatus.NOT_FOUND)
                return
            page = self._page(parts)
            if page is None:
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY_BYTES:
                self._json({"error": "request too large"}, HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
                return
            try:
                labels = json.loads(self.rfile.read(length))["labels"]
                valid = isinstance(labels, list) and len(labels) == len(page.labels)
            except (ValueError, KeyError, TypeError):
                valid = False
            if not valid:
                self._json({"error": "expected {\"labels\": [one 0/1 per block]}"},
                           HTTPStatus.BAD_REQUEST)
                return
            with session.lock:
                page.labels = [bool(x) for x in labels]
                page.reviewed = True
                session.save()
            self._json({"saved": True})

    return Handler


def serve(session: Session, port: int = 0) -> ThreadingHTTPServer:
    """A server for the session on 127.0.0.1 (port 0: any free port); call serve_forever."""
    return ThreadingHTTPServer((HOST, port), make_handler(session))


APP_HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>boilerplate annotate</title>
<style>
body { margin: 0; display: flex; height: 100vh; font: 14px/1.4 system-ui, sans-serif; }
#side { flex: 2; overflow: auto; padding: .5em 1em; border-right: 1px solid #ccc; }
iframe { flex: 3; border: 0; height: 100%; }
.block { padding: .25em .5em; margin: 2px 0; cursor: pointer; border-left: 4px solid #c0392b;
         background: #fbeeee; white-space: pre-wrap; }
.block.content { border-left-color: #1f8f3a; background: #e3f4e7; }
.block.focus { outline: 2px solid #2c6fbb; }
.p { color: #777; font-size: 11px; float: right; }
#status { color: #555; }
</style></head>
<body>
<div id="side">
<p><b id="title"></b><br><span id="status"></span></p>
<p>click: flip a block; shift+click: set a range; j/k: move; space: flip;
n/p: next/previous page. Every change is saved at once.</p>
<div id="blocks"></div>
</div>
<iframe id="view" sandbox="" title="the page with the model's labels"></iframe>
<script>
let pages = [], current = 0, blocks = [], focus = 0, anchor = null;
async function loadPages() {
  pages = await (await fetch('/api/pages')).json();
  const wanted = parseInt(location.hash.slice(1));
  await show(Number.isInteger(wanted) ? wanted : 0);
}
async function show(i) {
  if (i < 0 || i >= pages.length) return;
  current = i; location.hash = String(i);
  const page = await (await fetch('/api/page/' + i)).json();
  blocks = page.blocks; focus = 0; anchor = null;
  document.getElementById('title').textContent = page.id;
  document.getElementById('view').src = '/api/page/' + i + '/view';
  render(page.reviewed ? 'reviewed' : 'model labels, not reviewed yet');
}
function render(status) {
  const box = document.getElementById('blocks');
  box.replaceChildren(...blocks.map((b, k) => {
    const div = document.createElement('div');
    div.className = 'block' + (b.content ? ' content' : '') + (k === focus ? ' focus' : '');
    div.dataset.index = k;
    const p = document.createElement('span');
    p.className = 'p'; p.textContent = 'p=' + b.probability.toFixed(2);
    div.append(p, document.createTextNode(b.text));
    div.onclick = (e) => clickBlock(k, e.shiftKey);
    return div;
  }));
  document.getElementById('status').textContent =
    'page ' + (current + 1) + ' of ' + pages.length + ' - ' + status;
}
async function save() {
  const r = await fetch('/api/page/' + current, {method: 'POST',
    headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({labels: blocks.map(b => b.content ? 1 : 0)})});
  render(r.ok ? 'saved' : 'NOT saved: ' + r.status);
}
function clickBlock(k, range) {
  if (range && anchor !== null) {
    const value = !blocks[k].content;
    for (let j = Math.min(anchor, k); j <= Math.max(anchor, k); j++) blocks[j].content = value;
  } else {
    blocks[k].content = !blocks[k].content;
  }
  anchor = k; focus = k; save();
}
document.addEventListener('keydown', (e) => {
  if (e.key === 'j') { focus = Math.min(focus + 1, blocks.length - 1); render('') }
  else if (e.key === 'k') { focus = Math.max(focus - 1, 0); render('') }
  else if (e.key === ' ') { e.preventDefault(); clickBlock(focus, false) }
  else if (e.key === 'n') show(current + 1);
  else if (e.key === 'p') show(current - 1);
});
loadPages();
</script>
</body></html>
"""
