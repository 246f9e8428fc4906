"""Stage 3: one numeric row per block, with named columns that travel with any trained model."""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .blocks import FLAG_BITS, Block, Containers, containers
from .config import (
    CHROME_WORDS,
    CONTENT_WORDS,
    CONTEXT_TAGS,
    DEFAULT_CONFIG,
    EXACT_ONLY_WORDS,
    TAG_COLUMNS,
    Config,
)
from .text import count_cjk, count_tokens, display_width
from .text import tokens as tokens_of

PUNCTUATION = (
    ".,;:!?\"'()[]{}-/|\u2013\u2014\u2026\u00b7\u2022\u00ab\u00bb\u201c\u201d\u2018\u2019"
    "\u3002\uff01\uff1f\uff0c\u3001\uff1b\uff1a\uff08\uff09\u3010\u3011\u300a\u300b\u300c\u300d"
)
SENTENCE_ENDS = ".!?\u2026\u3002\uff01\uff1f"
COMMAS = ",;\uff0c\u3001\uff1b"
DIGITS = "0123456789"


def _ascii_deletions(chars: str) -> bytes:
    return "".join(c for c in chars if c.isascii()).encode("ascii")


def _char_class(chars: str) -> re.Pattern[str]:
    return re.compile("[" + re.escape(chars) + "]")


# ASCII text is counted with bytes.translate (pure C); other text with one regex per class.
ASCII_PUNCT, ASCII_ENDS, ASCII_COMMAS = (
    _ascii_deletions(PUNCTUATION), _ascii_deletions(SENTENCE_ENDS), _ascii_deletions(COMMAS),
)
ASCII_UPPER = bytes(range(65, 91))
# Maps every ASCII byte that is not \\w to a space: \\w+ runs of ASCII text are then its split().
ASCII_WORDS_ONLY = bytes(c if chr(c).isalnum() or c == 95 else 32 for c in range(128)) + bytes(
    range(128, 256)
)
PUNCT_RE, ENDS_RE, COMMAS_RE, DIGITS_RE = (
    _char_class(PUNCTUATION), _char_class(SENTENCE_ENDS), _char_class(COMMAS), _char_class(DIGITS)
)
UPPER_RE = re.compile("[A-Z\u00c0-\u00de\u0391-\u03a9\u0410-\u042f]")
ALL_LINK_DENSITY = 0.95
"""Link density at or above which a block counts as entirely a link (menus, tag clouds)."""

TEXT_COLUMNS: tuple[str, ...] = (
    "n_tokens", "log_tokens", "log_chars", "cjk_share", "text_density", "mean_token_len",
    "punct_ratio", "sentence_ends", "sentence_ends_per_token", "commas_per_token",
    "digit_ratio", "upper_ratio", "link_density", "all_link", "heading_level", "depth",
)
WORD_KEYWORDS: tuple[str, ...] = CONTENT_WORDS + CHROME_WORDS
TREE_LEVELS: tuple[str, ...] = ("own", "parent", "grandparent")
TREE_STATS: tuple[str, ...] = ("log_tokens", "link_density", "log_blocks", "token_share")
TITLE_COLUMNS: tuple[str, ...] = (
    "title_overlap", "title_coverage", "is_title", "after_title", "title_distance", "repeats",
)
TITLE_MATCH = 0.5
"""Overlap x coverage above which a block is taken as the page's headline."""
MAIN_COLUMNS: tuple[str, ...] = (
    "in_main_container", "main_token_share", "main_log_blocks", "depth_below_main",
    "main_is_root",
)
MAIN_MAX_LINK_DENSITY = 0.33
"""Blocks with fewer links than this count as prose when scoring containers."""
CONTEXT_SOURCE: tuple[str, ...] = (
    "log_tokens", "link_density", "text_density", "sentence_ends_per_token",
)
LEXICON_COLUMNS: tuple[str, ...] = ("function_word_rate", "chrome_word_rate")
LEXICON_LONG_BLOCK = 15
"""Blocks of at least this many tokens are the page's prose, which says its language."""
LEXICON_KNOWN_RATE = 0.1
"""Share of function words in a page's long blocks below which the page is in a language the
lexicon does not know (prose in a known language runs 0.3-0.5): its lexicon columns are then
missing, not zero, so an unseen language does not read as chrome."""
LEXICON_MISSING = -1.0
"""Value of a missing lexicon column: a constant the trees can split off (scikit-learn's
binning fails on a column that is NaN throughout, as it is where a lexicon has no words)."""


@dataclass(frozen=True)
class Lexicon:
    """Words learned from labeled pages (`train.learn_lexicon`): each training language's
    function words, and words found on far more pages in chrome than in content."""

    function_words: frozenset[str] = frozenset()
    chrome_words: frozenset[str] = frozenset()


def lexicon_columns(texts: Sequence[str], lexicon: Lexicon | None) -> np.ndarray:
    """LEXICON_COLUMNS of one page's blocks: the share of each block's tokens that are
    function words and chrome words (prose is dense in function words in any language, a
    menu is not). All LEXICON_MISSING for a language the lexicon does not know."""
    out = np.full((len(texts), len(LEXICON_COLUMNS)), LEXICON_MISSING, dtype=np.float32)
    if lexicon is None or not lexicon.function_words or not texts:
        return out
    is_function, is_chrome = lexicon.function_words.__contains__, lexicon.chrome_words.__contains__
    counts = np.zeros((len(texts), 3))
    for i, text in enumerate(texts):
        words = tokens_of(text.lower())
        counts[i] = (len(words), sum(map(is_function, words)), sum(map(is_chrome, words)))
    n = counts[:, 0]
    rates = counts[:, 1:] / np.maximum(n, 1.0)[:, None]
    long = n >= LEXICON_LONG_BLOCK
    weight = n * long if long.any() else n
    if weight.sum() == 0 or weight @ rates[:, 0] < LEXICON_KNOWN_RATE * weight.sum():
        return out
    return rates.astype(np.float32)


def _context_names(window: int) -> list[str]:
    """Names of neighbour columns: prev2_log_tokens ... next2_sentence_ends_per_token."""
    offsets = [-k for k in range(window, 0, -1)] + list(range(1, window + 1))
    return [f"{'prev' if o < 0 else 'next'}{abs(o)}_{name}"
            for o in offsets for name in CONTEXT_SOURCE]


def feature_names(config: Config = DEFAULT_CONFIG, lexicon: bool = False) -> tuple[str, ...]:
    """Column names in order; a model stores them and refuses a featurizer that differs.
    LEXICON_COLUMNS come last, and only for a model with a Lexicon (`lexicon=True`)."""
    return (
        *TEXT_COLUMNS,
        "rel_index", "rel_offset", "tokens_over_max", "token_share", "page_log_blocks",
        "page_log_tokens", "page_link_density",
        *(f"{level}_{stat}" for level in TREE_LEVELS for stat in TREE_STATS),
        *MAIN_COLUMNS, *TITLE_COLUMNS,
        *(f"tag_{t}" for t in TAG_COLUMNS), "tag_other",
        *(f"in_{t}" for t in CONTEXT_TAGS),
        *(f"own_{w}" for w in WORD_KEYWORDS),
        *(f"anc_{w}" for w in WORD_KEYWORDS),
        *(f"class_hash_{i:02d}" for i in range(config.class_hash_buckets)),
        *_context_names(config.context_window),
        *(LEXICON_COLUMNS if lexicon else ()),
    )


@dataclass(frozen=True)
class FeatureMatrix:
    """Features of one page (or many stacked): rows are blocks, columns are `names`."""

    names: tuple[str, ...]
    values: np.ndarray

    def column(self, name: str) -> np.ndarray:
        """One feature for every block, by name."""
        return self.values[:, self.names.index(name)]


def _keyword_tables() -> tuple[dict[str, int], dict[str, int], tuple[int, ...]]:
    """Lookup tables for _word_hits: exact words, prefix words, and the prefix lengths."""
    exact: dict[str, int] = {}
    prefix: dict[str, int] = {}
    for i, word in enumerate(WORD_KEYWORDS):
        exact[word] = exact.get(word, 0) | 1 << i
        if word not in EXACT_ONLY_WORDS:
            prefix[word] = prefix.get(word, 0) | 1 << i
    return exact, prefix, tuple(sorted({len(w) for w in prefix}))


def _word_hits(token: str, tables: tuple[dict[str, int], dict[str, int], tuple[int, ...]]) -> int:
    """Bitmask of the keywords a class/id token matches (exactly, or as a prefix)."""
    exact, prefix, lengths = tables
    mask = exact.get(token, 0)
    for length in lengths:
        if length >= len(token):
            break
        mask |= prefix.get(token[:length], 0)
    return mask


def _class_columns(blocks: Sequence[Block], buckets: int) -> tuple[np.ndarray, ...]:
    """Keyword masks (own element, all ancestors) and hashed token counts per block.

    Works per element of the class chain, memoised by identity, so a deep page costs the
    number of distinct elements with a class, not blocks times ancestors.
    """
    tables = _keyword_tables()
    memo: dict[tuple[str, ...], tuple[int, list[int]]] = {}
    token_memo: dict[str, tuple[int, int]] = {}

    def info(tokens: tuple[str, ...]) -> tuple[int, list[int]]:
        found = memo.get(tokens)
        if found is None:
            mask, hashes = 0, []
            for token in tokens:
                hit = token_memo.get(token)
                if hit is None:
                    hit = token_memo[token] = (
                        _word_hits(token, tables), zlib.crc32(token.encode("utf-8")) % buckets
                    )
                mask |= hit[0]
                hashes.append(hit[1])
            found = memo[tokens] = (mask, hashes)
        return found

    # Row 0 stands for "no class anywhere above"; every chain node gets a row after its parent.
    row_of: dict[int, int] = {}
    masks, parents, depths = [0], [0], [0]
    cell_rows: list[int] = []
    cell_cols: list[int] = []
    own_masks: dict[tuple[str, ...], int] = {(): 0}
    block_rows, block_own = [], []
    for block in blocks:
        chain = block.classes
        if chain is not None and id(chain) not in row_of:
            path = []
            node = chain
            while node is not None and id(node) not in row_of:
                path.append(node)
                node = node.parent
            base = row_of[id(node)] if node is not None else 0
            for node in reversed(path):
                mask, hashes = info(node.tokens)
                row = len(masks)
                masks.append(masks[base] | mask)
                parents.append(base)
                depths.append(depths[base] + 1)
                cell_rows.extend([row] * len(hashes))
                cell_cols.extend(hashes)
                base = row_of[id(node)] = row
        block_rows.append(row_of[id(chain)] if chain is not None else 0)
        own = own_masks.get(block.own_tokens)
        if own is None:
            own = own_masks[block.own_tokens] = info(block.own_tokens)[0]
        block_own.append(own)
    counts = np.zeros((len(masks), buckets), dtype=np.float32)
    if cell_rows:
        rows, cols = np.array(cell_rows), np.array(cell_cols)
        counts += np.bincount(rows * buckets + cols, minlength=counts.size).reshape(counts.shape)
    depth = np.array(depths)
    parent = np.array(parents)
    for level in range(2, int(depth.max()) + 1):  # each level adds its parents' sums
        rows = np.flatnonzero(depth == level)
        counts[rows] += counts[parent[rows]]
    bits = np.array([1 << i for i in range(len(WORD_KEYWORDS))], dtype=np.int64)
    anc_mask = np.array(masks, dtype=np.int64)[block_rows]
    own_mask = np.array(block_own, dtype=np.int64)
    return (
        ((own_mask[:, None] & bits) != 0).astype(np.float32),
        ((anc_mask[:, None] & bits) != 0).astype(np.float32),
        counts[block_rows],
    )


def _tree_columns(blocks: Sequence[Block], tokens: np.ndarray, link_density: np.ndarray,
                  tree: Containers | None = None) -> np.ndarray:
    """Statistics of the containers around each block, and the page's main container.

    Every block-level element gets its subtree's tokens, link share and block count (one
    bincount over all block-to-ancestor pairs). The main container is the element whose
    subtree has the most prose tokens minus everything else, the deepest one on ties: a
    whole-page wrapper loses to the article because it also holds the menus.
    """
    n = len(blocks)
    tree = containers(blocks, paths=False) if tree is None else tree
    lengths, flat = tree.lengths, tree.ids
    rows = tree.block_of_each()
    ends = tree.starts[1:]
    position = tree.depth_of_each()
    size = int(flat.max()) + 1
    tok = np.bincount(flat, weights=tokens[rows], minlength=size)
    link = np.bincount(flat, weights=(tokens * link_density)[rows], minlength=size)
    count = np.bincount(flat, minlength=size).astype(np.float64)
    prose = tokens * (link_density < MAIN_MAX_LINK_DENSITY)
    good = np.bincount(flat, weights=prose[rows], minlength=size)
    depth = np.zeros(size)
    depth[flat] = position
    score = 2 * good - tok
    main = int(np.lexsort((depth, score))[-1])
    total = max(float(tok[0]), 1.0)

    out = np.empty((n, len(TREE_LEVELS) * len(TREE_STATS) + len(MAIN_COLUMNS)),
                   dtype=np.float32)
    for k in range(len(TREE_LEVELS)):
        node = np.where(lengths > k, flat[ends - 1 - np.minimum(k, lengths - 1)], 0)
        col = k * len(TREE_STATS)
        out[:, col] = np.log1p(tok[node])
        out[:, col + 1] = link[node] / np.maximum(tok[node], 1.0)
        out[:, col + 2] = np.log1p(count[node])
        out[:, col + 3] = tok[node] / total
    hit = flat == main
    in_main = np.bincount(rows, weights=hit, minlength=n) > 0
    below = np.full(n, -1.0)
    below[rows[hit]] = (lengths[rows[hit]] - 1 - position[hit])
    col = len(TREE_LEVELS) * len(TREE_STATS)
    out[:, col] = in_main
    out[:, col + 1] = tok[main] / total
    out[:, col + 2] = np.log1p(count[main])
    out[:, col + 3] = below
    out[:, col + 4] = float(main == 0)
    return out


def _token_set(text: str) -> set[str]:
    """Distinct tokens; ASCII text through a byte table (same tokens as the regex, faster)."""
    if text.isascii():
        return set(text.encode("ascii").translate(ASCII_WORDS_ONLY).decode("ascii").split())
    return set(tokens_of(text))


def _title_columns(blocks: Sequence[Block], title: str) -> np.ndarray:
    """Where the headline is, and text repeated across the page (menus, teasers, footers)."""
    n = len(blocks)
    out = np.zeros((n, len(TITLE_COLUMNS)), dtype=np.float32)
    lowered = [b.text.lower() for b in blocks]
    seen: dict[str, int] = {}
    for text in lowered:
        seen[text] = seen.get(text, 0) + 1
    out[:, 5] = np.log([seen[t] for t in lowered])
    title_tokens = _token_set(title.lower())
    if not title_tokens:
        return out
    for i, text in enumerate(lowered):
        if len(text) > 4 * len(title) + 20:  # far longer than a headline: skip tokenizing
            continue
        toks = _token_set(text)
        if toks:
            shared = len(toks & title_tokens)
            out[i, 0] = shared / len(toks)
            out[i, 1] = shared / len(title_tokens)
    match = out[:, 0] * out[:, 1]
    best = int(np.argmax(match))
    if match[best] >= TITLE_MATCH:
        out[best, 2] = 1.0
        out[best + 1:, 3] = 1.0
        out[:, 4] = (np.arange(n) - best) / max(n - 1, 1)
    return out


def _text_counts(block: Block) -> tuple[int, ...]:
    """Raw character-class counts of one block, with a handful of C-level calls."""
    text = block.text
    n_chars = len(text)
    if text.isascii():
        raw = text.encode("ascii")
        n_tokens = len(raw.translate(ASCII_WORDS_ONLY).split())
        cjk = 0
        width = n_chars
        punct = n_chars - len(raw.translate(None, ASCII_PUNCT))
        ends = n_chars - len(raw.translate(None, ASCII_ENDS))
        commas = n_chars - len(raw.translate(None, ASCII_COMMAS))
        digits = n_chars - len(raw.translate(None, b"0123456789"))
        upper = n_chars - len(raw.translate(None, ASCII_UPPER))
    else:
        n_tokens = count_tokens(text)
        cjk = count_cjk(text)
        width = display_width(text)
        punct = len(PUNCT_RE.findall(text))
        ends = len(ENDS_RE.findall(text))
        commas = len(COMMAS_RE.findall(text))
        digits = len(DIGITS_RE.findall(text))
        upper = len(UPPER_RE.findall(text)) if cjk < n_chars // 2 else 0
    tag = block.tag
    heading = int(tag[1]) if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit() else 0
    visible = n_chars - text.count(" ")
    return (n_tokens, n_chars, cjk, width, punct, ends, commas, digits, upper,
            block.anchor_chars / visible, heading, block.depth)


def _text_columns(counts: np.ndarray, line_width: int) -> np.ndarray:
    """TEXT_COLUMNS from the raw counts, vectorised over the page."""
    (n_tokens, n_chars, cjk, width, punct, ends, commas, digits, upper, link_density, heading,
     depth) = counts.T
    per_token = 1.0 / np.maximum(n_tokens, 1.0)
    lines = np.ceil(width / line_width)
    non_cjk_tokens = n_tokens - cjk
    mean_len = np.where(non_cjk_tokens > 0, (n_chars - cjk) / np.maximum(non_cjk_tokens, 1), 1.0)
    return np.stack([
        n_tokens, np.log1p(n_tokens), np.log1p(n_chars), cjk / n_chars, n_tokens / lines,
        mean_len, punct / n_chars, ends, ends * per_token, commas * per_token,
        digits / n_chars, upper / n_chars, link_density,
        (link_density >= ALL_LINK_DENSITY).astype(np.float32), heading, depth,
    ], axis=1)


def featurize(blocks: Sequence[Block], config: Config = DEFAULT_CONFIG, title: str = "",
              tree: Containers | None = None, lexicon: Lexicon | None = None) -> FeatureMatrix:
    """Compute every feature of a page's blocks in one pass plus a few array operations.

    `title` is the page's declared title (`Document.title`), used to find the headline;
    `tree` is `blocks.containers(blocks)` when the caller built it already (the region pass
    needs it too), so it is not built twice; `lexicon` is the model's (`Model.lexicon`),
    which adds the LEXICON_COLUMNS.
    """
    names = feature_names(config, lexicon is not None)
    n = len(blocks)
    if n == 0:
        return FeatureMatrix(names, np.zeros((0, len(names)), dtype=np.float32))
    counts = np.array([_text_counts(b) for b in blocks], dtype=np.float32)
    text = _text_columns(counts, config.line_width)
    tokens, chars = counts[:, 0], counts[:, 1]
    total_tokens = float(tokens.sum())

    page = np.empty((n, 7), dtype=np.float32)
    page[:, 0] = np.arange(n) / max(n - 1, 1)
    page[:, 1] = (np.cumsum(tokens) - tokens) / max(total_tokens, 1.0)
    page[:, 2] = tokens / max(float(tokens.max()), 1.0)
    page[:, 3] = tokens / max(total_tokens, 1.0)
    page[:, 4] = np.log1p(n)
    page[:, 5] = np.log1p(total_tokens)
    page[:, 6] = float((counts[:, 9] * chars).sum()) / max(float(chars.sum()), 1.0)

    tag_index = {t: i for i, t in enumerate(TAG_COLUMNS)}
    tag_ids = [
        tag_index["h"] if b.tag[:1] == "h" and b.tag[1:].isdigit()
        else tag_index.get(b.tag, len(TAG_COLUMNS)) for b in blocks
    ]
    tags = np.zeros((n, len(TAG_COLUMNS) + 1), dtype=np.float32)
    tags[np.arange(n), tag_ids] = 1.0

    bits = np.array([FLAG_BITS[t] for t in CONTEXT_TAGS], dtype=np.int64)
    flags = np.array([b.flags for b in blocks], dtype=np.int64)
    in_tags = ((flags[:, None] & bits[None, :]) != 0).astype(np.float32)

    own, anc, hashed = _class_columns(blocks, config.class_hash_buckets)
    around = _tree_columns(blocks, tokens.astype(np.float64), counts[:, 9].astype(np.float64),
                           tree)
    titles = _title_columns(blocks, title)

    source = text[:, [TEXT_COLUMNS.index(c) for c in CONTEXT_SOURCE]]
    window = config.context_window
    padded = np.zeros((n + 2 * window, source.shape[1]), dtype=np.float32)
    padded[window:window + n] = source
    offsets = [-k for k in range(window, 0, -1)] + list(range(1, window + 1))
    context = np.concatenate([padded[window + o:window + o + n] for o in offsets], axis=1)

    parts = [text, page, around, titles, tags, in_tags, own, anc, hashed, context]
    if lexicon is not None:
        parts.append(lexicon_columns([b.text for b in blocks], lexicon))
    values = np.concatenate(parts, axis=1)
    return FeatureMatrix(names, values.astype(np.float32, copy=False))


def block_table(blocks: Sequence[Block], features: FeatureMatrix) -> list[dict]:
    """Per-block rows for people: text, where it sits, and the features a model leans on most."""
    rows = []
    for block, values in zip(blocks, features.values, strict=True):
        named = dict(zip(features.names, values.tolist(), strict=True))
        rows.append({
            "index": block.index,
            "tag": block.tag,
            "text": block.text,
            "n_tokens": int(named["n_tokens"]),
            "link_density": round(named["link_density"], 3),
            "text_density": round(named["text_density"], 3),
            "context": ",".join(t for t in CONTEXT_TAGS if block.inside(t)) or "-",
            "tag_path": block.tag_path,
            "classes": " ".join(block.ancestor_tokens[-8:]),
            "features": {k: round(v, 4) for k, v in named.items() if v},
        })
    return rows
