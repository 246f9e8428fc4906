"""Stage 3b: site templates, the block texts that recur on other pages of the same site.

A menu, a footer or a teaser of another article reads like prose on one page, but a batch
of a site's pages shows it again and again. `SiteIndex` records which pages of each site
hold each block text; `recurring` marks a page's blocks found on other pages of its site,
and `demote` makes the decision drop them. Pages with the same title or most of their text
in common (one article fetched twice) do not count as evidence of each other.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import urlsplit

import numpy as np
from lxml import etree

from .blocks import segment
from .config import DEFAULT_CONFIG, Config
from .errors import BoilerplateError, BoilerplateWarning
from .parse import parse
from .sources import Page, SourceError
from .workers import map_in_windows

_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")
KEY_BYTES = 8
"""Bytes of the BLAKE2b digest a block text is known by: a collision within one site is
about as likely as 1 in 2**64 per pair of texts."""
NO_KEY = 0
"""The key of a block too short to be evidence (`Config.template_min_chars`)."""
INDEX_WINDOW = 256
"""Pages read ahead by the index pass: bounds its memory on a crawl of any length."""
INDEX_CHUNK = 8
"""Pages per task sent to an index worker: enough to amortise the hand-over."""
COPY_HOLDERS = 2
"""A text held by exactly this many pages (the page and one sibling) is evidence that the
sibling is a copy (`SiteIndex.copies`)."""


def site_of_url(url: str | None) -> str | None:
    """The site a URL belongs to: its host without "www." (None without a host)."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:  # a malformed URL (bad port, bad IPv6 literal) names no site
        return None
    return host.removeprefix("www.") or None


def declared_url(root: etree._Element) -> str | None:
    """The URL a page gives for itself (<link rel="canonical">, else og:url): the site of a
    saved file that came without one."""
    head = root.find("head")
    if head is None:
        return None
    for link in head.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            return link.get("href").strip()
    for meta in head.iter("meta"):
        if meta.get("property") == "og:url" and meta.get("content"):
            return meta.get("content").strip()
    return None


def normalize(text: str) -> str:
    """Case, spacing and numbers folded, so "12 comments" and "13 Comments" match."""
    return _DIGITS.sub("0", _SPACES.sub(" ", text).strip().lower())


def block_keys(texts: Sequence[str], config: Config = DEFAULT_CONFIG
               ) -> tuple[np.ndarray, np.ndarray]:
    """Each block's text key (NO_KEY when shorter than `template_min_chars`) and the length
    of its normalized text; stable across processes, unlike `hash`."""
    return _keys_of([normalize(text) for text in texts], config)


def _keys_of(norms: Sequence[str], config: Config) -> tuple[np.ndarray, np.ndarray]:
    keys = np.zeros(len(norms), dtype=np.uint64)
    lengths = np.zeros(len(norms), dtype=np.int64)
    for i, norm in enumerate(norms):
        if len(norm) < config.template_min_chars:
            continue
        digest = hashlib.blake2b(norm.encode("utf-8"), digest_size=KEY_BYTES).digest()
        keys[i] = int.from_bytes(digest, "little") or 1
        lengths[i] = len(norm)
    return keys, lengths


def _site_code(site: str) -> np.uint64:
    """A site's 8-byte digest: block keys are XORed with it, so one table serves all sites."""
    digest = hashlib.blake2b(site.encode("utf-8"), digest_size=KEY_BYTES).digest()
    return np.uint64(int.from_bytes(digest, "little"))


@dataclass
class SiteIndex:
    """Which pages of each site hold each block text, built over one batch of pages.

    Kept compact for large batches: each page's distinct keys are a sorted array (site
    folded in), and a key held by one page maps to its page number, not to a list."""

    config: Config = DEFAULT_CONFIG
    sites: list[str] = field(default_factory=list)
    """Site of each page, by page number (the order pages were added)."""
    keys: list[np.ndarray] = field(default_factory=list)
    """Each page's distinct block keys, XORed with its site's code, sorted."""
    lengths: list[np.ndarray] = field(default_factory=list)
    """The normalized text length of each of those keys."""
    postings: dict[int, int | list[int]] = field(default_factory=dict)
    """Site-folded key -> the page that holds it, or the list of pages once there are more."""
    numbers: dict[str, int] = field(default_factory=dict)
    """Page id -> page number, for pages added with an id."""
    titled: dict[tuple[str, str], list[int]] = field(default_factory=lambda: defaultdict(list))
    """(site, normalized title) -> the pages with that title."""
    titles: list[str] = field(default_factory=list)
    codes: dict[str, np.uint64] = field(default_factory=dict)
    """Site -> `_site_code`, computed once per site."""

    def add(self, site: str | None, texts: Sequence[str], page_id: str | None = None,
            title: str = "") -> int:
        """Record one page's blocks and title; returns its page number. A page with no site
        (no URL) is recorded but has no siblings."""
        keys, lengths = block_keys(texts, self.config)
        return self.add_keys(site, keys, lengths, page_id, title)

    def add_keys(self, site: str | None, keys: np.ndarray, lengths: np.ndarray,
                 page_id: str | None = None, title: str = "") -> int:
        """`add` for blocks already keyed (`block_keys`, in a worker process)."""
        number = len(self.sites)
        site = site if site else f"\0page-{number}"
        kept = keys != NO_KEY
        folded, first = np.unique(self._fold(site, keys[kept]), return_index=True)
        self.sites.append(site)
        self.keys.append(folded)
        self.lengths.append(lengths[kept][first].astype(np.int32))
        for key in folded.tolist():
            held = self.postings.get(key)
            if held is None:
                self.postings[key] = number
            elif isinstance(held, int):
                self.postings[key] = [held, number]
            else:
                held.append(number)
        title = normalize(title)
        self.titles.append(title)
        if title:  # an empty title names no page
            self.titled[(site, title)].append(number)
        if page_id is not None:
            self.numbers[page_id] = number
        return number

    def __len__(self) -> int:
        return len(self.sites)

    def _fold(self, site: str, keys: np.ndarray) -> np.ndarray:
        code = self.codes.get(site)
        if code is None:
            code = self.codes[site] = _site_code(site)
        return keys ^ code

    def holders(self, key: int) -> list[int]:
        """The pages holding a site-folded key."""
        held = self.postings.get(key)
        return [] if held is None else [held] if isinstance(held, int) else held

    def duplicates(self, number: int) -> set[int]:
        """Pages of the same site with this page's title, or holding at least
        `template_duplicate_share` of its text: the same page fetched again (a re-crawl whose
        sidebar changed, a second URL), not a sibling built on the same template."""
        titled = self.titled.get((self.sites[number], self.titles[number]), ())
        same = set(titled) if len(titled) <= self.config.template_title_copies else set()
        mine, lengths = self.keys[number], self.lengths[number]
        total = int(lengths.sum())
        # A page holding `share` of this text holds at least one of any set of its keys
        # longer than the rest: candidates come from the rarest keys only, so a menu on
        # every page of a large site is never walked page by page.
        held = [self.holders(key) for key in mine.tolist()]
        candidates: set[int] = set()
        covered = 0
        for i in sorted(range(len(held)), key=lambda i: len(held[i])):
            candidates.update(held[i])
            covered += int(lengths[i])
            if covered > (1 - self.config.template_duplicate_share) * total:
                break
        limit = self.config.template_duplicate_share * total
        for other in candidates:
            shared = np.isin(mine, self.keys[other], assume_unique=True)
            if int(lengths[shared].sum()) >= limit:
                same.add(other)
        return same

    def copies(self, number: int, folded: np.ndarray, lengths: np.ndarray,
               proba: np.ndarray) -> set[int]:
        """Siblings that alone share `template_copy_share` of the page's probable text: the
        same document in another version, whose shared prose is no template. Only texts held
        by this page and one other count: a banner on three pages is template evidence."""
        share = self.config.template_copy_share
        if share is None:
            return set()
        weight = lengths * np.where(proba >= self.config.template_copy_sure, proba, 0.0)
        total = float(weight.sum())
        held: dict[int, float] = defaultdict(float)
        for i in np.flatnonzero(weight > 0).tolist():
            pages = self.holders(int(folded[i]))
            if len(pages) == COPY_HOLDERS and number in pages:
                held[pages[0] if pages[1] == number else pages[1]] += float(weight[i])
        return {page for page, mass in held.items() if mass >= share * total}

    def recurring(self, number: int, texts: Sequence[str],
                  proba: np.ndarray | None = None) -> np.ndarray:
        """Which of page `number`'s blocks (`texts`, as added) recur on at least
        `template_min_pages` other pages of its site that are not its duplicates, nor (given
        the blocks' probabilities) its copies. The page's own headline (a block its title
        contains) never does: sibling pages link to it."""
        if proba is not None and len(proba) != len(texts):
            raise ValueError(f"{len(proba)} probabilities given for {len(texts)} blocks")
        norms = [normalize(text) for text in texts]
        keys, lengths = _keys_of(norms, self.config)
        folded_keys = self._fold(self.sites[number], keys)
        folded = folded_keys.tolist()
        title = self.titles[number]
        same = self.duplicates(number)
        same.add(number)
        if proba is not None:
            same |= self.copies(number, folded_keys, lengths, proba)
        out = np.zeros(len(texts), dtype=bool)
        counts: dict[int, bool] = {}
        for i, key in enumerate(folded):
            if keys[i] == NO_KEY or (title and norms[i] in title):
                continue
            if key not in counts:
                others = len(self.holders(key)) - sum(
                    1 for page in same if _holds(self.keys[page], key))
                counts[key] = others >= self.config.template_min_pages
            out[i] = counts[key]
        return out


def _holds(sorted_keys: np.ndarray, key: int) -> bool:
    at = int(np.searchsorted(sorted_keys, np.uint64(key)))
    return at < len(sorted_keys) and int(sorted_keys[at]) == key


def build_index(pages: Iterable[tuple[str | None, Sequence[str], str]],
                config: Config = DEFAULT_CONFIG) -> SiteIndex:
    """An index of many pages, each given as (site, block texts, title)."""
    index = SiteIndex(config)
    for site, texts, title in pages:
        index.add(site, texts, title=title)
    return index


class _Entry(NamedTuple):
    """What the index keeps of one page, computed where the page is parsed."""

    id: str
    site: str | None
    title: str
    keys: np.ndarray
    lengths: np.ndarray


def _entry(item: Page | SourceError, config: Config) -> _Entry | None:
    """One page parsed and segmented for the index; None where it cannot be read."""
    if isinstance(item, SourceError):
        return None
    try:
        with warnings.catch_warnings():  # the extraction pass warns about the page
            warnings.simplefilter("ignore", BoilerplateWarning)
            doc = parse(item.data, encoding=item.encoding, url=item.url, config=config,
                        where=item.id)
            texts = [block.text for block in segment(doc, config)]
    except BoilerplateError:
        return None
    site = site_of_url(item.url) or site_of_url(declared_url(doc.root))
    return _Entry(item.id, site, doc.html_title or doc.og_title, *block_keys(texts, config))


def index_pages(items: Iterable[Page | SourceError], config: Config = DEFAULT_CONFIG,
                jobs: int = 1) -> SiteIndex:
    """The first pass of `extract --site-templates`: every readable page's blocks, by site
    (from its URL, else the URL the page declares) and id, parsed in `jobs` processes. Pages
    that fail here are left out; the extraction pass reports them."""
    index = SiteIndex(config)
    tasks = ((item, config) for item in items)
    for _, entries in map_in_windows(_entry_of, tasks, jobs, INDEX_WINDOW, INDEX_CHUNK):
        for entry in entries:
            if entry is not None:
                index.add_keys(entry.site, entry.keys, entry.lengths, entry.id, entry.title)
    return index


def _entry_of(task: tuple[Page | SourceError, Config]) -> _Entry | None:
    return _entry(*task)


def recurring_rows(sites: Sequence[str | None], texts: Sequence[Sequence[str]],
                   titles: Sequence[str] | None = None, config: Config = DEFAULT_CONFIG,
                   proba: np.ndarray | None = None) -> np.ndarray:
    """`recurring` for a whole batch whose pages' blocks lie back to back (a PageSet), with
    their probabilities in `proba` where copies are to be told apart."""
    titles = titles if titles else [""] * len(texts)
    ends = np.cumsum([len(page) for page in texts])
    blocks = int(ends[-1]) if len(ends) else 0
    if proba is not None and len(proba) != blocks:
        raise ValueError(f"{len(proba)} probabilities given for {blocks} blocks")
    index = build_index(zip(sites, texts, titles, strict=True), config)
    masks = [index.recurring(i, page, None if proba is None else proba[end - len(page):end])
             for i, (page, end) in enumerate(zip(texts, ends, strict=True))]
    return np.concatenate(masks) if masks else np.zeros(0, dtype=bool)


def demote(proba: np.ndarray, recurring: np.ndarray) -> np.ndarray:
    """Probabilities for the decision: a recurring block is chrome however prose-like it
    reads (it still shows its own probability where blocks are listed)."""
    return np.where(recurring, 0.0, proba).astype(proba.dtype)
