"""Stage 7: the page as the model saw it, for people: every block outlined and tinted by
its label, its probability on hover, the extracted text beside it; no page script runs."""

from __future__ import annotations

import html
from collections import defaultdict

from lxml import etree

from .render import PageResult

SHOW_CSS = """
[data-bp="content"] { outline: 2px solid #1f8f3a; background: rgba(31, 143, 58, .13); }
[data-bp="chrome"] { outline: 1px dashed #c0392b; background: rgba(192, 57, 43, .07); }
[data-bp="mixed"] { outline: 2px dotted #d68910; background: rgba(214, 137, 16, .10); }
"""
FRAME_CSS = """
body { margin: 0; display: flex; height: 100vh; font: 14px/1.45 system-ui, sans-serif; }
iframe { flex: 3; border: 0; border-right: 1px solid #ccc; height: 100%; }
aside { flex: 2; overflow: auto; padding: 0 1em; }
.key span { padding: 0 .4em; margin-right: .5em; }
.content { outline: 2px solid #1f8f3a; } .chrome { outline: 1px dashed #c0392b; }
.mixed { outline: 2px dotted #d68910; }
aside p { white-space: pre-wrap; }
"""
NO_SCRIPT_POLICY = "script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'"
"""Content-Security-Policy of both documents: even if markup slipped through, nothing runs."""
UNSAFE_URL_PREFIXES: tuple[str, ...] = ("javascript:", "vbscript:", "data:text/html")
URL_ATTRIBUTES: tuple[str, ...] = ("href", "src", "action", "formaction", "srcset", "poster")
REMOVED_TAGS: tuple[str, ...] = ("base", "meta", "frame", "frameset", "applet")
"""<meta> can refresh or redirect, <base> re-roots every link, frames load other pages;
<link> goes too unless it is a stylesheet."""


def _sanitize(root: etree._Element) -> None:
    """Drop what could run code or navigate: event handlers, script URLs, base/meta/link."""
    etree.strip_elements(root, *REMOVED_TAGS, with_tail=False)
    for link in list(root.iter("link")):
        if (link.get("rel") or "").strip().lower() != "stylesheet" and link.getparent() is not None:
            link.getparent().remove(link)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name in list(element.attrib):
            value = element.attrib[name].strip().lower()
            if name.lower().startswith("on") or (
                    name.lower() in URL_ATTRIBUTES and value.startswith(UNSAFE_URL_PREFIXES)):
                del element.attrib[name]


def _mark_blocks(result: PageResult) -> None:
    """Label each block's element: content, chrome, or mixed when it holds both."""
    by_element: dict[int, list] = defaultdict(list)
    elements = {}
    for classified in result.blocks:
        element = classified.block.element
        by_element[id(element)].append(classified)
        elements[id(element)] = element
    for key, members in by_element.items():
        labels = {c.content for c in members}
        label = "mixed" if len(labels) == 2 else ("content" if True in labels else "chrome")
        element = elements[key]
        element.set("data-bp", label)
        element.set("title", "; ".join(
            f"block {c.block.index}: {'content' if c.content else 'chrome'}, "
            f"p={c.probability:.2f}" for c in members))


def _own_cut(result: PageResult, threshold: float) -> str:
    """Header note when the per-page cut judged this page below the threshold."""
    if result.cut is None or result.cut >= threshold:
        return ""
    return f" (this page: {result.cut:.2f}, per-page cut)"


def show_page(result: PageResult, *, threshold: float, model_name: str = "default") -> str:
    """A standalone HTML report: the cleaned page (sandboxed, script-free) with every block
    outlined by its label, and the extracted text in a side panel."""
    if result.blocks:
        root = result.blocks[0].block.element.getroottree().getroot()
        _mark_blocks(result)
        _sanitize(root)
        head = root.find("head")
        if head is None:
            head = etree.Element("head")
            root.insert(0, head)
        policy = etree.SubElement(head, "meta")
        policy.set("http-equiv", "Content-Security-Policy")
        policy.set("content", NO_SCRIPT_POLICY)
        etree.SubElement(head, "style").text = SHOW_CSS
        page = etree.tostring(root, method="html", encoding="unicode")
    else:
        page = "<p>(no visible text on this page)</p>"
    content = result.content
    paragraphs = "\n".join(f"<p>{html.escape(c.block.text, quote=False)}</p>" for c in content)
    chrome = len(result.blocks) - len(content)
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{NO_SCRIPT_POLICY}">
<title>boilerplate show: {html.escape(result.title or result.id, quote=False)}</title>
<style>{FRAME_CSS}</style></head>
<body>
<iframe sandbox="" referrerpolicy="no-referrer" title="page with its blocks marked"
 srcdoc="{html.escape(page, quote=True)}"></iframe>
<aside>
<h1>{html.escape(result.title or "(no title)", quote=False)}</h1>
<p class="key"><span class="content">content</span><span class="chrome">chrome</span>
<span class="mixed">both</span> hover a block for its probability</p>
<p>{html.escape(result.id, quote=False)}<br>model: {html.escape(model_name, quote=False)},
threshold {threshold:.2f}{_own_cut(result, threshold)}: {len(content)} content blocks,
{chrome} chrome blocks</p>
<h2>Extracted text</h2>
{paragraphs or "<p>(nothing judged content)</p>"}
</aside>
</body></html>"""
