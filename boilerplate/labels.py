"""Block labels for training: align a page's tokens with gold text (or annotated HTML) in order.

Alignment is by shingles chained in document order (a longest increasing subsequence of
matching 4-gram positions), not by a bag of words: "Share" or "the" in a menu never counts
as content because the article also contains it, and a teaser that repeats the lede is
not aligned when the article itself is.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from lxml import etree

from .blocks import Block
from .parse import parse
from .text import occurrences, snippet_tokens, token_index, tokens

ALIGN_SHINGLE = 4
"""Tokens per shingle: long enough that chrome rarely matches gold by accident."""
CONTENT_THRESHOLD = 0.5
"""A block is content when at least this share of its tokens align with gold. At 0.5 a
block adds at least as many matching as non-matching tokens to the output, which is the
break-even point of the token metric."""
MAX_OCCURRENCES = 64
"""A shingle that recurs more often than this in the gold text is ignored as an anchor."""

UNLABELED = -1
"""Label of a block the gold says nothing about (snippet gold): training leaves it out."""
SNIPPET_MIN_TOKENS = 3
"""A must-have snippet shorter than this ("Home", "Fotos") is too ambiguous to place."""
WITHOUT_BLOCK_SHARE = 0.5
"""A must-not snippet marks a block chrome only when it makes up at least this share of the
block's tokens: "Share" inside a paragraph says nothing about the paragraph."""

BOILERNET_ATTRIBUTE = "__boilernet_label"
L3S_CLASS_PREFIX = "x-nc-sel"
L3S_CONTENT_CLASSES = frozenset({"1", "2", "3"})  # headline, full text, supplemental


@dataclass(frozen=True)
class BlockLabels:
    """Labels of one page's blocks and how well they reproduce the gold."""

    labels: np.ndarray
    """1 = content, 0 = chrome, UNLABELED where the gold does not say, per block."""
    aligned_share: np.ndarray
    """Share of each block's tokens aligned with gold content."""
    gold_tokens: int
    content_tokens: int
    content_in_gold: int
    """Tokens of content-labelled blocks that align with gold."""

    @property
    def gold_covered(self) -> int:
        """Gold tokens that fall in content-labelled blocks: alignment pairs tokens one to
        one, so this is the same count as content_in_gold."""
        return self.content_in_gold


def _keys(toks: Sequence[str], n: int) -> list[tuple[str, ...]]:
    return [tuple(toks[i:i + n]) for i in range(len(toks) - n + 1)]


def chain(page: Sequence[str], gold: Sequence[str], n: int = ALIGN_SHINGLE
          ) -> tuple[list[tuple[int, int]], int]:
    """Longest chain of matching n-gram positions (i in page, j in gold), both increasing.

    Returns the chain in order and the n-gram size used (shorter for tiny texts).
    """
    if not page or not gold:
        return [], n
    n = min(n, len(gold), len(page))
    where: dict[tuple[str, ...], list[int]] = {}
    for j, key in enumerate(_keys(gold, n)):
        where.setdefault(key, []).append(j)
    tails_j: list[int] = []
    tails_id: list[int] = []
    pair_i: list[int] = []
    pair_j: list[int] = []
    prev: list[int] = []
    for i, key in enumerate(_keys(page, n)):
        js = where.get(key)
        if not js or len(js) > MAX_OCCURRENCES:
            continue
        for j in reversed(js):  # descending, so one page position never chains with itself
            k = bisect_left(tails_j, j)
            pid = len(pair_i)
            pair_i.append(i)
            pair_j.append(j)
            prev.append(tails_id[k - 1] if k else -1)
            if k == len(tails_j):
                tails_j.append(j)
                tails_id.append(pid)
            else:
                tails_j[k] = j
                tails_id[k] = pid
    pairs = []
    pid = tails_id[-1] if tails_id else -1
    while pid >= 0:
        pairs.append((pair_i[pid], pair_j[pid]))
        pid = prev[pid]
    pairs.reverse()
    return pairs, n


def align(page: Sequence[str], gold: Sequence[str], n: int = ALIGN_SHINGLE
          ) -> tuple[np.ndarray, np.ndarray]:
    """Order-preserving alignment: which page tokens and which gold tokens match each other."""
    page_hit = np.zeros(len(page), dtype=bool)
    gold_hit = np.zeros(len(gold), dtype=bool)
    pairs, n = chain(page, gold, n)
    for i, j in pairs:
        page_hit[i:i + n] = True
        gold_hit[j:j + n] = True
    return page_hit, gold_hit


def _page_tokens(blocks: Sequence[Block]) -> tuple[list[str], np.ndarray]:
    """All block tokens in order, and the block index of each token."""
    toks: list[str] = []
    owner: list[int] = []
    for b, block in enumerate(blocks):
        block_toks = tokens(block.text)
        toks.extend(block_toks)
        owner.extend([b] * len(block_toks))
    return toks, np.array(owner, dtype=np.int64)


def _decide(blocks: Sequence[Block], owner: np.ndarray, content_hit: np.ndarray,
            gold_total: int) -> BlockLabels:
    n = len(blocks)
    per_block = np.bincount(owner, minlength=n).astype(np.float64)
    hits = np.bincount(owner, weights=content_hit.astype(np.float64), minlength=n)
    share = np.divide(hits, per_block, out=np.zeros(n), where=per_block > 0)
    labels = (share >= CONTENT_THRESHOLD).astype(np.int8)
    content_tokens = int(per_block[labels == 1].sum())
    content_in_gold = int(hits[labels == 1].sum())
    return BlockLabels(labels, share, gold_total, content_tokens, content_in_gold)


def labels_from_text(blocks: Sequence[Block], gold_text: str | None) -> BlockLabels:
    """Label blocks by aligning their tokens, in order, with the gold main text."""
    page, owner = _page_tokens(blocks)
    gold = tokens(gold_text or "")
    page_hit, _ = align(page, gold)
    return _decide(blocks, owner, page_hit, len(gold))


def _annotation(element: etree._Element) -> int | None:
    """The label an annotator put on this element, if any (BoilerNet or L3S markup)."""
    value = element.get(BOILERNET_ATTRIBUTE)
    if value is not None:
        return 1 if value.strip() == "1" else 0
    for cls in (element.get("class") or "").split():
        if cls.startswith(L3S_CLASS_PREFIX):
            return 1 if cls[len(L3S_CLASS_PREFIX):] in L3S_CONTENT_CLASSES else 0
    return None


def annotated_tokens(labeled_html: str) -> tuple[list[str], np.ndarray]:
    """Tokens of an annotated page in order, each with the label of its innermost annotation."""
    root = parse(labeled_html).root
    toks: list[str] = []
    labels: list[int] = []
    memo: dict[etree._Element, int] = {}

    def label_of(element: etree._Element | None) -> int:
        chain = []
        while element is not None and element not in memo:
            chain.append(element)
            element = element.getparent()
        value = memo.get(element, 0) if element is not None else 0
        for node in reversed(chain):
            own = _annotation(node)
            value = own if own is not None else value
            memo[node] = value
        return value

    body = root.find("body")
    for element in (body if body is not None else root).iter():
        if not isinstance(element.tag, str):
            continue
        if element.text:
            found = tokens(element.text)
            toks.extend(found)
            labels.extend([label_of(element)] * len(found))
        if element.tail:
            found = tokens(element.tail)
            toks.extend(found)
            labels.extend([label_of(element.getparent())] * len(found))
    return toks, np.array(labels, dtype=np.int8)


def labels_from_annotation(blocks: Sequence[Block], labeled_html: str) -> BlockLabels:
    """Label blocks by carrying annotators' labels over from the annotated copy of the page.

    The annotated copy is serialised differently, so tokens are aligned in order and each
    page token takes the label of the annotated token it aligns with.
    """
    page, owner = _page_tokens(blocks)
    annotated, annotated_labels = annotated_tokens(labeled_html)
    page_idx, ann_idx = _aligned_pairs(page, annotated)
    content_hit = np.zeros(len(page), dtype=bool)
    content_hit[page_idx] = annotated_labels[ann_idx] == 1
    return _decide(blocks, owner, content_hit, int(annotated_labels.sum()))


def _aligned_pairs(page: Sequence[str], other: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Token index pairs (page, other) of the in-order alignment, one to one."""
    pairs, n = chain(page, other)
    mapping: dict[int, int] = {}
    for i, j in pairs:
        for t in range(n):
            mapping.setdefault(i + t, j + t)
    page_idx = np.fromiter(mapping.keys(), dtype=np.int64, count=len(mapping))
    other_idx = np.fromiter(mapping.values(), dtype=np.int64, count=len(mapping))
    return page_idx, other_idx


def labels_from_snippets(blocks: Sequence[Block], must_have: Sequence[str],
                         must_not_have: Sequence[str]) -> BlockLabels:
    """Label only the blocks that snippet gold speaks about; the rest stay UNLABELED.

    A must-have snippet found exactly once marks the blocks it spans content (found twice,
    it may be a teaser repeating the lede, so it marks nothing). A must-not snippet marks
    chrome every block it makes up most of. A block marked both ways stays unlabeled.
    """
    page, owner = _page_tokens(blocks)
    n = len(blocks)
    starts = token_index(page)
    per_block = np.bincount(owner, minlength=n)
    content_hit = np.zeros(len(page), dtype=bool)
    chrome = np.zeros(n, dtype=bool)
    gold_tokens = 0
    for snippet in must_have:
        toks = snippet_tokens(snippet)
        gold_tokens += len(toks)
        if len(toks) < SNIPPET_MIN_TOKENS:
            continue
        found = occurrences(page, starts, toks)
        if len(found) == 1:
            content_hit[found[0]:found[0] + len(toks)] = True
    for snippet in must_not_have:
        toks = snippet_tokens(snippet)
        for start in occurrences(page, starts, toks):
            spanned = np.bincount(owner[start:start + len(toks)], minlength=n)
            chrome |= spanned >= WITHOUT_BLOCK_SHARE * np.maximum(per_block, 1)
    hits = np.bincount(owner, weights=content_hit.astype(np.float64), minlength=n)
    content = hits > 0
    labels = np.full(n, UNLABELED, dtype=np.int8)
    labels[content & ~chrome] = 1
    labels[chrome & ~content] = 0
    share = np.divide(hits, per_block, out=np.zeros(n), where=per_block > 0)
    return BlockLabels(labels, share, gold_tokens, int(per_block[labels == 1].sum()),
                       int(hits[labels == 1].sum()))
