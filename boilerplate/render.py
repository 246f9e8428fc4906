"""Stage 5: a classified page as text, Markdown, clean HTML or JSON, with a clean title."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import urljoin

from lxml import etree

from .blocks import Block
from .config import BLOCK_TAGS, HEADING_TAGS
from .features import FeatureMatrix
from .text import count_tokens

FORMATS: tuple[str, ...] = ("text", "markdown", "html", "json", "jsonl")
FILE_SUFFIXES: dict[str, str] = {
    "text": ".txt", "markdown": ".md", "html": ".html", "json": ".json", "jsonl": ".jsonl",
}
TITLE_SEPARATORS_RE = re.compile(r"\s+[|\-–—·•»«/]\s+|\s*[_｜]\s*|\s+::\s+")
"""Where a <title> joins the article's name to the site's ("Story | Site", "标题_网站")."""
MARKDOWN_SPECIAL_RE = re.compile(r"([\\`*_\[\]])")
MARKDOWN_LINE_START_RE = re.compile(r"^(#|>|[-+] |\d+[.)] )")
UNSAFE_LINK_SCHEMES: tuple[str, ...] = ("javascript:", "data:", "vbscript:")
PROBABILITY_DIGITS = 4
LANG_SAMPLE_CHARS = 2000
"""Characters of content text read to tell Chinese, Japanese and Korean pages apart."""
FEATURE_DIGITS = 6


@dataclass(frozen=True)
class RenderOptions:
    """What to write for each page; shared by the API, the CLI and batch workers."""

    format: str = "text"
    links: bool = False
    """Markdown and HTML: keep the content's links (resolved against the page URL)."""
    blocks: bool = False
    """JSON: list every block with its label, probability and XPath."""
    features: bool = False
    """JSON: add each block's feature values (implies blocks)."""

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"unknown format {self.format!r}; choose one of "
                             f"{', '.join(FORMATS)}")

    @property
    def suffix(self) -> str:
        """File name suffix of one page's output in this format."""
        return FILE_SUFFIXES[self.format]


class ClassifiedBlock(NamedTuple):
    """A block with the model's decision and the probability behind it."""

    block: Block
    content: bool
    probability: float


@dataclass(frozen=True)
class PageResult:
    """Everything known about one extracted page, ready to render in any format."""

    id: str
    url: str | None
    title: str
    lang: str | None
    blocks: tuple[ClassifiedBlock, ...]
    features: FeatureMatrix | None = None
    """Kept only when asked for (JSON with --features): it is the bulk of the memory."""
    cut: float | None = None
    """The probability this page's blocks were judged by (below the threshold when the
    per-page cut lowered it)."""

    @property
    def content(self) -> list[ClassifiedBlock]:
        """The blocks labelled content, in page order."""
        return [c for c in self.blocks if c.content]

    @property
    def text(self) -> str:
        """Main content, one block per line: the plain-text format and the metric's input."""
        return "\n".join(c.block.text for c in self.blocks if c.content)


def content_sample(blocks: Sequence[ClassifiedBlock], chars: int = LANG_SAMPLE_CHARS) -> str:
    """The start of the content text: enough to tell its script, cheap on long pages."""
    parts, size = [], 0
    for classified in blocks:
        if classified.content:
            parts.append(classified.block.text)
            size += len(classified.block.text)
            if size >= chars:
                break
    return " ".join(parts)[:chars]


def strip_site_name(title: str) -> str:
    """The longest part of a title joined with separators: "Story - Site" gives "Story"."""
    parts = [p.strip() for p in TITLE_SEPARATORS_RE.split(title) if p.strip()]
    if len(parts) < 2:
        return title.strip()
    return max(parts, key=count_tokens)


def clean_title(og_title: str, html_title: str, headings: Sequence[str]) -> str:
    """The article's title: a heading the <title> contains, else og:title or <title> without
    the site name, else the first heading."""
    folded = html_title.casefold()
    for heading in headings:
        if heading and folded and heading.casefold() in folded:
            return heading
    for candidate in (og_title, html_title):
        if candidate:
            return strip_site_name(candidate)
    return headings[0] if headings else ""


def title_of(og_title: str, html_title: str, blocks: Sequence[ClassifiedBlock]) -> str:
    """clean_title with the page's h1 headings, the ones judged content first."""
    h1 = [c for c in blocks if c.block.tag == "h1"]
    h1.sort(key=lambda c: not c.content)
    return clean_title(og_title, html_title, [c.block.text for c in h1])


# ---- inline links -------------------------------------------------------------------------

def _own_anchors(element: etree._Element) -> Iterator[etree._Element]:
    """<a href> elements of this block's element that no nested block-level element holds."""
    for anchor in element.iter("a"):
        if not anchor.get("href"):
            continue
        parent = anchor.getparent()
        while parent is not None and parent is not element and parent.tag not in BLOCK_TAGS:
            parent = parent.getparent()
        if parent is element:
            yield anchor


def link_segments(block: Block, base_url: str | None) -> list[tuple[str, str | None]]:
    """The block's text cut into (text, href) runs, href None outside links."""
    text = block.text
    segments: list[tuple[str, str | None]] = []
    cursor = 0
    for anchor in _own_anchors(block.element):
        label = " ".join("".join(anchor.itertext()).split())
        href = anchor.get("href", "").strip()
        if not label or href.lower().startswith(UNSAFE_LINK_SCHEMES):
            continue
        at = text.find(label, cursor)
        if at < 0:
            continue
        if at > cursor:
            segments.append((text[cursor:at], None))
        segments.append((label, urljoin(base_url, href) if base_url else href))
        cursor = at + len(label)
    if cursor < len(text):
        segments.append((text[cursor:], None))
    return segments


# ---- block structure ----------------------------------------------------------------------

class Kind(NamedTuple):
    """How a block renders: heading (level), item (ordered, nesting), quote, code, cell, para."""

    name: str
    level: int = 0
    ordered: bool = False


def kind_of(block: Block) -> Kind:
    """The block's role in the article's structure, from its element and its ancestors."""
    if block.tag in HEADING_TAGS:
        return Kind("heading", int(block.tag[1]))
    if block.inside("pre"):
        return Kind("code")
    if block.tag in ("td", "th"):
        return Kind("cell")
    if block.inside("li"):
        lists = [a.tag for a in block.element.iterancestors("ul", "ol")]
        if block.element.tag in ("ul", "ol"):
            lists.insert(0, block.element.tag)
        return Kind("item", max(len(lists), 1), bool(lists) and lists[0] == "ol")
    if block.inside("blockquote"):
        return Kind("quote")
    return Kind("para")


GROUP_CONTAINERS: dict[str, tuple[str, ...]] = {
    "item": ("ul", "ol"), "cell": ("table",), "quote": ("blockquote",), "code": ("pre",),
}
"""Blocks of these kinds render as one unit (a list, a table ...) while they share the
outermost such element."""


def _container(block: Block, kind: Kind) -> etree._Element | None:
    """The outermost list, table, quote or pre holding the block; None for other kinds."""
    tags = GROUP_CONTAINERS.get(kind.name)
    if tags is None:
        return None
    element = block.element
    found = element if element.tag in tags else None
    for ancestor in element.iterancestors(*tags):
        found = ancestor
    return found


def _pre_text(block: Block) -> str:
    """The text of the <pre> holding a code block, line breaks kept."""
    pre = _container(block, Kind("code"))
    pre = block.element if pre is None else pre
    return "".join(pre.itertext()).strip("\n")


def _row_key(block: Block) -> tuple[int, ...]:
    return block.nodes[:-1]


def _groups(blocks: Sequence[ClassifiedBlock]) -> Iterator[tuple[Kind, list[Block]]]:
    """Content blocks grouped into runs that render together (a table, a list, a code box)."""
    run: list[Block] = []
    run_key: tuple[str, etree._Element | None] | None = None
    run_kind = Kind("para")
    for classified in blocks:
        if not classified.content:
            continue
        block = classified.block
        kind = kind_of(block)
        container = _container(block, kind)
        key = (kind.name, container)
        if run and (container is None or key != run_key):
            yield run_kind, run
            run = []
        if not run:
            run_kind, run_key = kind, key
        run.append(block)
    if run:
        yield run_kind, run


def _table_rows(cells: list[Block]) -> list[list[Block]]:
    rows: list[list[Block]] = []
    for cell in cells:
        if rows and _row_key(rows[-1][-1]) == _row_key(cell):
            rows[-1].append(cell)
        else:
            rows.append([cell])
    return rows


# ---- formats ------------------------------------------------------------------------------

def _md_escape(text: str) -> str:
    text = MARKDOWN_SPECIAL_RE.sub(r"\\\1", text)
    return MARKDOWN_LINE_START_RE.sub(r"\\\1", text)


def _md_inline(block: Block, links: bool, base_url: str | None) -> str:
    if not links:
        return _md_escape(block.text)
    return "".join(_md_escape(t) if href is None else f"[{_md_escape(t)}](<{href}>)"
                   for t, href in link_segments(block, base_url))


def _title_missing(result: PageResult) -> bool:
    """The page has a title that no content block already states."""
    folded = result.title.casefold()
    return bool(folded) and not any(c.block.text.casefold() == folded for c in result.content)


def to_markdown(result: PageResult, *, links: bool = False) -> str:
    """Markdown: the title, headings, lists, tables, block quotes and fenced code; links on
    request."""
    parts: list[str] = [f"# {_md_escape(result.title)}"] if _title_missing(result) else []
    for kind, run in _groups(result.blocks):
        inline = [_md_inline(b, links, result.url) for b in run]
        if kind.name == "heading":
            parts.append(f"{'#' * kind.level} {inline[0]}")
        elif kind.name == "code":
            code = _pre_text(run[0])
            fence = "````" if "```" in code else "```"
            parts.append(f"{fence}\n{code}\n{fence}")
        elif kind.name == "item":
            lines = []
            for block, text in zip(run, inline, strict=True):
                item = kind_of(block)
                marker = "1." if item.ordered else "-"
                lines.append(f"{'  ' * (item.level - 1)}{marker} {text}")
            parts.append("\n".join(lines))
        elif kind.name == "quote":
            parts.append("\n>\n".join(f"> {text}" for text in inline))
        elif kind.name == "cell":
            parts.append(_md_table(run, dict(zip(map(id, run), inline, strict=True))))
        else:
            parts.append(inline[0])
    return "\n\n".join(parts)


def _md_table(cells: list[Block], inline: dict[int, str]) -> str:
    rows = [[inline[id(c)].replace("|", "\\|") for c in row] for row in _table_rows(cells)]
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(lines)


def _html_inline(block: Block, links: bool, base_url: str | None) -> str:
    if not links:
        return html.escape(block.text, quote=False)
    return "".join(html.escape(t, quote=False) if href is None
                   else f'<a href="{html.escape(href)}">{html.escape(t, quote=False)}</a>'
                   for t, href in link_segments(block, base_url))


def to_html(result: PageResult, *, links: bool = False) -> str:
    """The content blocks as a small, clean HTML document (no scripts, styles or classes)."""
    body: list[str] = []
    if _title_missing(result):
        body.append(f"<h1>{html.escape(result.title, quote=False)}</h1>")
    for kind, run in _groups(result.blocks):
        inline = [_html_inline(b, links, result.url) for b in run]
        if kind.name == "heading":
            body.append(f"<h{kind.level}>{inline[0]}</h{kind.level}>")
        elif kind.name == "code":
            body.append(f"<pre><code>{html.escape(_pre_text(run[0]), quote=False)}"
                        "</code></pre>")
        elif kind.name == "item":
            tag = "ol" if kind.ordered else "ul"
            items = "".join(f"<li>{text}</li>" for text in inline)
            body.append(f"<{tag}>{items}</{tag}>")
        elif kind.name == "quote":
            body.append("<blockquote>" + "".join(f"<p>{t}</p>" for t in inline)
                        + "</blockquote>")
        elif kind.name == "cell":
            by_id = dict(zip(map(id, run), inline, strict=True))
            rows = "".join("<tr>" + "".join(f"<{c.tag}>{by_id[id(c)]}</{c.tag}>" for c in row)
                           + "</tr>" for row in _table_rows(run))
            body.append(f"<table>{rows}</table>")
        else:
            body.append(f"<p>{inline[0]}</p>")
    lang = f' lang="{html.escape(result.lang)}"' if result.lang else ""
    head = f'<meta charset="utf-8"><title>{html.escape(result.title, quote=False)}</title>'
    if result.url:
        head += f'<link rel="canonical" href="{html.escape(result.url)}">'
    return (f"<!DOCTYPE html>\n<html{lang}><head>{head}</head><body><article>\n"
            + "\n".join(body) + "\n</article></body></html>")


def to_record(result: PageResult, *, blocks: bool = False, features: bool = False) -> dict:
    """The page as a JSON-ready dict; with `blocks` every block's label, probability and
    XPath, with `features` its feature values too."""
    record: dict = {"id": result.id, "url": result.url, "title": result.title,
                    "lang": result.lang, "text": result.text}
    if blocks or features:
        if result.cut is not None:
            record["cut"] = round(result.cut, PROBABILITY_DIGITS)
        rows = []
        tree = result.blocks[0].block.element.getroottree() if result.blocks else None
        names = result.features.names if result.features is not None else ()
        for i, classified in enumerate(result.blocks):
            block = classified.block
            row = {"index": block.index, "label": "content" if classified.content else "chrome",
                   "probability": round(classified.probability, PROBABILITY_DIGITS),
                   "xpath": tree.getpath(block.element) if tree is not None else "",
                   "tag": block.tag, "text": block.text}
            if features and result.features is not None:
                values = result.features.values[i].tolist()
                row["features"] = {n: round(v, FEATURE_DIGITS)
                                   for n, v in zip(names, values, strict=True)}
            rows.append(row)
        record["blocks"] = rows
    return record


def render(result: PageResult, options: RenderOptions = RenderOptions()) -> str:
    """One page in the options' format; every format is a pure function of the PageResult."""
    if options.format == "text":
        return result.text
    if options.format == "markdown":
        return to_markdown(result, links=options.links)
    if options.format == "html":
        return to_html(result, links=options.links)
    record = to_record(result, blocks=options.blocks or options.features,
                       features=options.features)
    return json.dumps(record, ensure_ascii=False, indent=2 if options.format == "json" else None)
