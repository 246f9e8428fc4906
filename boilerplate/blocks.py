"""Stage 2: the DOM as text blocks in reading order, each with the structure around it."""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from itertools import chain
from typing import NamedTuple

import numpy as np
from lxml import etree

from .config import (
    BLOCK_TAGS,
    CMP_WORDS,
    CONSENT_WORDS,
    CONTEXT_TAGS,
    COOKIE_NOTICE_WORDS,
    COOKIE_WORDS,
    DEFAULT_CONFIG,
    HEADING_TAGS,
    SKIPPED_TAGS,
    Config,
)
from .errors import BoilerplateWarning
from .parse import TEXT_LENGTH, Document

# Bit of each context tag in Block.flags; headings share the "h" bit.
FLAG_BITS: dict[str, int] = {tag: 1 << i for i, tag in enumerate(CONTEXT_TAGS)}
TAG_FLAG: dict[str, int] = {
    **{tag: bit for tag, bit in FLAG_BITS.items() if tag != "h"},
    **{tag: FLAG_BITS["h"] for tag in HEADING_TAGS},
}
CLASS_SPLIT_RE = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])")
CLASS_SEPARATORS = bytes(c if chr(c).isalnum() and c < 128 else 32 for c in range(256))
"""Byte table turning every ASCII byte that is not a letter or digit into a space."""
MAX_CLASS_TOKENS = 24
MAX_CLASS_CHARS = 400
SOFT_HYPHEN = "\u00ad"
"""Shown only where a browser breaks the line there; a block's text leaves it out, as a reader
sees the word whole (German pages hyphenate long words with it)."""
BR_RUN_SPLIT = 2
"""This many <br> in a row (with only whitespace between) end a block, as a blank line does."""
CONSENT_MAJORITY = 0.95
"""A consent dialog holding more than this share of the page's text wraps the page (a
"cookie-consent-wrapper" around everything) and is read like any other element, as is
<body>, whose classes often flag a consent state ("gdpr gdpr-nonconsent")."""
NEVER_CONSENT_TAGS: frozenset[str] = frozenset({"body"})
"""Elements read even when their class/id words name a consent dialog (CONSENT_MAJORITY)."""


class ClassChain(NamedTuple):
    """Class/id tokens of an element, linked to its nearest ancestor that has any.

    Blocks under the same element share one chain object, so later stages can compute
    per-element values once (keyed by identity) instead of once per block.
    """

    parent: ClassChain | None
    tokens: tuple[str, ...]

    def all_tokens(self) -> tuple[str, ...]:
        """Every token from the outermost ancestor down to this element."""
        parts: list[tuple[str, ...]] = []
        node: ClassChain | None = self
        while node is not None:
            parts.append(node.tokens)
            node = node.parent
        return tuple(t for part in reversed(parts) for t in part)


class Block(NamedTuple):
    """One run of text between block-level boundaries (a NamedTuple: cheap to build per page)."""

    index: int
    text: str
    anchor_chars: int
    """Non-space characters of the text that sit inside links."""
    element: etree._Element
    tag: str
    tag_path: str
    depth: int
    flags: int
    own_tokens: tuple[str, ...]
    classes: ClassChain | None
    nodes: tuple[int, ...]
    """Page-unique ids of the block-level elements around the block, the root (0) first and
    the block's own element last: blocks sharing an id share that container."""

    @property
    def ancestor_tokens(self) -> tuple[str, ...]:
        """Class/id tokens of the block's element and all its ancestors, outermost first."""
        return self.classes.all_tokens() if self.classes is not None else ()

    def inside(self, tag: str) -> bool:
        """Whether the block's element is (or lies inside) a `tag`; "h" means any heading."""
        return bool(self.flags & FLAG_BITS[tag])


class Containers(NamedTuple):
    """Every block's enclosing block-level elements as flat arrays (numpy, no tuples per block).

    Block i's container ids, the root (0) first, are ids[starts[i]:starts[i + 1]]; paths[i]
    numbers its tag path, so blocks with equal numbers share one (a page's posts, its
    paragraphs). paths is None when not asked for (the featurizer has no use for it).
    regions[c], where given, is the container that stands for container c as a page's main
    region (`model.section_regions`); None: each container stands for itself.
    """

    ids: np.ndarray
    starts: np.ndarray
    paths: np.ndarray | None
    regions: np.ndarray | None = None

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.starts)

    def block_of_each(self) -> np.ndarray:
        """For each entry of `ids`, the block it belongs to."""
        return np.repeat(np.arange(len(self.starts) - 1), self.lengths)

    def depth_of_each(self) -> np.ndarray:
        """For each entry of `ids`, its depth below the root (the root is 0)."""
        return np.arange(len(self.ids)) - np.repeat(self.starts[:-1], self.lengths)

    def sums(self, values: np.ndarray) -> np.ndarray:
        """For each container id, the sum of `values` (one per block) over the blocks in it:
        the one bincount behind every per-container total the decision passes need."""
        return np.bincount(self.ids, weights=values[self.block_of_each()])

    def depths(self) -> np.ndarray:
        """Each container id's depth below the root, aligned with `sums`."""
        depth = np.zeros(int(self.ids.max()) + 1 if len(self.ids) else 0)
        depth[self.ids] = self.depth_of_each()
        return depth


def containers(blocks: Sequence[Block], paths: bool = True) -> Containers:
    """The container ids of every block, flattened once for bincount-style tree statistics,
    and (if `paths`) their tag paths numbered."""
    lengths = np.fromiter((len(b.nodes) for b in blocks), dtype=np.int64, count=len(blocks))
    ids = np.fromiter(chain.from_iterable(b.nodes for b in blocks), dtype=np.int32,
                      count=int(lengths.sum()))
    starts = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    if not paths:
        return Containers(ids, starts, None)
    codes: dict[str, int] = {}
    numbers = np.fromiter((codes.setdefault(b.tag_path, len(codes)) for b in blocks),
                          dtype=np.int32, count=len(blocks))
    return Containers(ids, starts, numbers)


def _count_spaces(text: str) -> int:
    return len(text) - len("".join(text.split()))


def split_class(raw: str) -> tuple[str, ...]:
    """Lower-case words of class/id values ("mainContent nav-bar" -> main, content, nav, bar).

    Only the first MAX_CLASS_TOKENS are kept: utility-class frameworks put hundreds of
    styling words on one element, and they say nothing the first few do not.
    """
    raw = raw[:MAX_CLASS_CHARS]
    if raw.isascii() and raw == raw.lower():  # the common case: no camelCase to split
        return tuple(raw.encode("ascii").translate(CLASS_SEPARATORS).decode("ascii").split()
                     [:MAX_CLASS_TOKENS])
    words = [t.lower() for t in CLASS_SPLIT_RE.split(raw) if t]
    return tuple(words[:MAX_CLASS_TOKENS])


def is_consent(words: tuple[str, ...]) -> bool:
    """Whether class/id words name a cookie or privacy consent dialog (config CONSENT_WORDS)."""
    found = set(words)
    return bool(found & CONSENT_WORDS
                or (found & COOKIE_WORDS and found & COOKIE_NOTICE_WORDS)
                or ("cmp" in found and found & CMP_WORDS))


def _start_root(doc: Document | etree._Element) -> etree._Element:
    return doc.root if isinstance(doc, Document) else doc


def segment(doc: Document | etree._Element, config: Config = DEFAULT_CONFIG) -> list[Block]:
    """Walk the tree once and cut its text into blocks where a browser starts a new line.

    Inline tags (a, span, b, font ...) never split; block-level tags and runs of <br> do.
    Each block belongs to the innermost block-level element around it.
    """
    root = _start_root(doc)
    blocks: list[Block] = []
    buf: list[str] = []
    anchor = 0
    a_open = 0
    br_run = 0
    truncated = False
    split_memo: dict[tuple[str | None, str | None], tuple[str, ...]] = {(None, None): ()}
    consent_keys: set[tuple[str | None, str | None]] = set()
    page_chars: float | None = None
    n_nodes = 1

    # Per open element: (cumulative flags, class chain, owner); the owner is the innermost
    # block-level element: (element, tag, path, depth, own tokens, node ids).
    root_own = split_class(f"{root.get('class') or ''} {root.get('id') or ''}")
    root_chain = ClassChain(None, root_own) if root_own else None
    stack: list[tuple[int, ClassChain | None, tuple]] = [
        (0, root_chain, (root, root.tag, root.tag, 0, root_own, (0,)))
    ]

    def flush() -> None:
        nonlocal anchor, truncated
        if buf:
            joined = "".join(buf)
            if SOFT_HYPHEN in joined:
                joined = joined.replace(SOFT_HYPHEN, "")
            text = " ".join(joined.split())
            buf.clear()
            if text:
                if len(blocks) >= config.max_blocks:
                    truncated = True
                else:
                    flags, chain, owner = stack[-1]
                    visible = len(text) - text.count(" ")
                    blocks.append(Block(
                        len(blocks), text, min(anchor, visible), owner[0], owner[1],
                        owner[2], owner[3], flags, owner[4], chain, owner[5],
                    ))
        anchor = 0

    walker = etree.iterwalk(root, events=("start", "end"))
    next(walker)  # the root itself is already on the stack
    if root.text:
        buf.append(root.text)
    for event, el in walker:
        if truncated:  # max_blocks reached: the rest of the page is not needed
            break
        tag = el.tag
        if event == "start":
            if tag in SKIPPED_TAGS or not isinstance(tag, str):
                walker.skip_subtree()  # its end event still comes, for the tail
                stack.append(stack[-1])
                continue
            flags, chain, owner = stack[-1]
            key = (el.get("class"), el.get("id"))
            own = split_memo.get(key)
            if own is None:
                own = split_memo[key] = split_class(f"{key[0] or ''} {key[1] or ''}")
                if own and is_consent(own):
                    consent_keys.add(key)
            if own and key in consent_keys and tag not in NEVER_CONSENT_TAGS:
                if page_chars is None:
                    page_chars = TEXT_LENGTH(root)
                if TEXT_LENGTH(el) <= CONSENT_MAJORITY * page_chars:
                    walker.skip_subtree()  # a reader dismisses it unread; its tail still counts
                    stack.append(stack[-1])
                    continue
            if own:
                chain = ClassChain(chain, own)
            flags |= TAG_FLAG.get(tag, 0)
            if tag in BLOCK_TAGS:
                if buf:
                    flush()
                br_run = 0
                owner = (el, tag, f"{owner[2]}/{tag}", owner[3] + 1, own, (*owner[5], n_nodes))
                n_nodes += 1
            elif tag == "br":
                br_run += 1
                if br_run >= BR_RUN_SPLIT:
                    flush()
                else:
                    buf.append(" ")
            elif tag == "a":
                a_open += 1
            stack.append((flags, chain, owner))
            text = el.text
            if text and (buf or not text.isspace()):
                buf.append(text)
                if a_open or br_run:
                    visible = len(text) - _count_spaces(text)
                    if visible:
                        br_run = 0
                        anchor += visible if a_open else 0
        else:
            if tag in BLOCK_TAGS:
                if buf:
                    flush()
            elif tag == "a" and a_open:
                a_open -= 1
            if len(stack) > 1:
                stack.pop()
            tail = el.tail
            if tail and (buf or not tail.isspace()):
                buf.append(tail)
                if a_open or br_run:
                    visible = len(tail) - _count_spaces(tail)
                    if visible:
                        br_run = 0
                        anchor += visible if a_open else 0
    flush()
    if truncated:
        warnings.warn(
            f"page has more than {config.max_blocks:,} blocks; the rest were dropped "
            "(raise max_blocks / --max-blocks to keep them)", BoilerplateWarning, stacklevel=2,
        )
    return blocks
