"""Stage 4: a trained block classifier, persisted as a scikit-learn pickle plus JSON metadata.

Only the scikit-learn estimator is pickled; parsing and featurizing code stays outside, so
refactoring the package never breaks a saved model. The metadata records the feature
names, so a model refuses to run on features it was not trained on.

A model file is a pickle: loading one runs code from it. Load only models you trust; the
SHA-256 recorded in the metadata is checked before unpickling to catch swapped files.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import tempfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from . import __version__
from .blocks import Containers
from .config import CUT_GRID, Config
from .errors import ModelError
from .features import FeatureMatrix, Lexicon

ESTIMATOR_FILE = "model.joblib"
METADATA_FILE = "model.json"
DEFAULT_MODEL_NAME = "default"
DEFAULT_THRESHOLD = 0.5
CODE_COLUMN = "tag_pre"
"""The feature column that marks a code block (`Model.code_rows`, `code_pass`)."""
LINK_COLUMN = "link_density"
"""The feature column of a block's link density (`Model.link_rows`, `gap_pass`)."""
REPEAT_COLUMN = "repeats"
"""The feature column of how often a block's text recurs on its page, as log(count)
(`Model.repeat_rows`, `fill_pass`)."""
HEADING_COLUMN = "heading_level"
"""The feature column of a block's heading level, 0 for none (`Model.heading_rows`)."""
COMMENT_COLUMNS = ("own_comment", "anc_comment")
"""The feature columns that say a block's element or an ancestor is named "comment"
(`Model.comment_rows`)."""
SECTION_MIN_HEADING = 2
"""Sections start at <h2>: an <h1> heads the whole article (`section_regions`)."""
FILE_MODE = 0o644
"""Model files are data to share, not secrets (mkstemp would leave them owner-only)."""
CUT_STEP = 0.05
"""Spacing of the cuts a page may take between its floor and the model's threshold."""
REGION_MIN_DEPTH = 2
"""A main region must lie below <html> (depth 0) and <body> (1): the whole page is no region."""
SMOOTH_WINDOW = 3
"""Neighbours on each side whose first-pass probabilities feed the smoothing pass."""


def _versions() -> dict:
    import joblib
    import sklearn

    return {"boilerplate": __version__, "scikit-learn": sklearn.__version__,
            "numpy": np.__version__, "joblib": joblib.__version__,
            "python": platform.python_version()}


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


SMOOTHER_FEATURES: tuple[str, ...] = (
    "log_tokens", "link_density", "text_density", "sentence_ends_per_token", "rel_index",
    "tokens_over_max", "in_main_container", "depth_below_main", "parent_link_density",
    "parent_token_share", "is_title", "after_title", "repeats", "in_li", "in_a",
)
"""Own features the second pass sees beside the probabilities: few, so it fits in seconds."""


def smoothing_input(X: np.ndarray, proba: np.ndarray, page_starts: np.ndarray,
                    columns: np.ndarray) -> np.ndarray:
    """Second-pass input: a few own features, own first-pass probability, neighbours'."""
    return np.hstack([X[:, columns], proba[:, None], neighbour_columns(proba, page_starts)])


def neighbour_columns(proba: np.ndarray, page_starts: np.ndarray,
                      window: int = SMOOTH_WINDOW) -> np.ndarray:
    """First-pass probabilities of the `window` blocks before and after, within each page."""
    n = len(proba)
    out = np.full((n, 2 * window + 2), -1.0, dtype=np.float32)
    ends = np.append(page_starts[1:], n)
    for start, end in zip(page_starts, ends, strict=True):
        p = proba[start:end]
        m = end - start
        for k in range(1, window + 1):
            if k < m:
                out[start + k:end, window - k] = p[:-k]
                out[start:end - k, window + k - 1] = p[k:]
        out[start:end, 2 * window] = p.mean() if m else 0.0
        out[start:end, 2 * window + 1] = p.max() if m else 0.0
    return out


def page_cut(proba: np.ndarray, tokens: np.ndarray, threshold: float,
             floor: float | None) -> float:
    """The probability at or above which one page's blocks are content.

    It is the model's threshold, or lower where the page's token-weighted probabilities
    split best lower down (Otsu's criterion: the largest between-group variance), never
    below `floor`. A page unlike the training pages (a forum thread, a manual) gets low
    probabilities throughout; one global threshold would then drop all of its content.
    """
    if floor is None or floor >= threshold or len(proba) < 2:
        return threshold
    cuts = np.arange(floor, threshold + CUT_STEP / 2, CUT_STEP)
    cuts[-1] = min(cuts[-1], threshold)
    p = np.asarray(proba, dtype=np.float64)
    w = np.asarray(tokens, dtype=np.float64)
    above = p[None, :] >= cuts[:, None]
    w_hi = above @ w
    s_hi = above @ (p * w)
    w_lo, s_lo = w.sum() - w_hi, (p * w).sum() - s_hi
    valid = (w_hi > 0) & (w_lo > 0)
    if not valid.any():
        return threshold
    gap = s_hi / np.where(valid, w_hi, 1.0) - s_lo / np.where(valid, w_lo, 1.0)
    spread = np.where(valid, w_hi * w_lo * gap * gap, -1.0)
    # Cuts with no block between them split alike: take the highest, nearest the threshold.
    best = len(cuts) - 1 - int(np.argmax(spread[::-1]))
    return float(min(cuts[best], threshold))


CUT_QUANTILES: tuple[float, ...] = (0.5, 0.75, 0.9, 0.95)
"""Token-weighted quantiles of a page's probabilities that describe it to the cut model."""
CUT_SHARES: tuple[float, ...] = (0.1, 0.2, 0.3, 0.5, 0.7)
"""Probabilities at which the share of a page's tokens at or above describes it too."""
CUT_SUMMARY: tuple[str, ...] = (
    "max_p", "third_p", *(f"p_q{round(q * 100)}" for q in CUT_QUANTILES),
    *(f"share_p{round(x * 100)}" for x in CUT_SHARES), "log_blocks", "log_tokens", "cut",
)
"""Columns of the cut model's input: the page's summary, then the candidate cut."""


def page_summary(proba: np.ndarray, tokens: np.ndarray) -> np.ndarray:
    """How sure the model is about one page, as the cut model sees it (CUT_SUMMARY less
    the cut): a page sure of its article and one unsure throughout want different cuts."""
    p = np.asarray(proba, dtype=np.float64)
    if len(p) == 0:
        return np.zeros(len(CUT_SUMMARY) - 1)
    w = np.asarray(tokens, dtype=np.float64)
    total = w.sum()
    w = w / total if total > 0 else np.full(len(p), 1.0 / len(p))
    order = np.argsort(p, kind="stable")
    spent = np.cumsum(w[order])
    at = np.minimum(np.searchsorted(spent, CUT_QUANTILES), len(p) - 1)
    top = np.sort(p)[::-1]
    return np.array([top[0], top[min(2, len(p) - 1)], *p[order][at],
                     *(w @ (p[:, None] >= np.array(CUT_SHARES))),
                     np.log1p(len(p)), np.log1p(total)])


def learned_cuts(cut_model: object, proba: np.ndarray, tokens: np.ndarray,
                 bounds: np.ndarray, threshold: float, margin: float) -> np.ndarray:
    """Each page's cut: the one of CUT_GRID the cut model expects to score best, where it
    expects that to beat `threshold` by more than `margin`, else `threshold`.

    Pages are rows bounds[i]:bounds[i + 1]; one prediction call serves them all.
    """
    edges = np.asarray(bounds).tolist()
    n = len(edges) - 1
    if n <= 0:
        return np.zeros(0)
    cuts = np.array(sorted({*CUT_GRID, threshold}))
    summaries = np.array([page_summary(proba[a:b], tokens[a:b])
                          for a, b in zip(edges[:-1], edges[1:], strict=True)])
    rows = np.hstack([np.repeat(summaries, len(cuts), axis=0), np.tile(cuts, n)[:, None]])
    predict = cut_model.predict_proba if isinstance(cut_model, TreeSum) else cut_model.predict
    expected = np.asarray(predict(rows)).reshape(n, len(cuts))
    best = expected.argmax(axis=1)
    base = expected[:, int(np.flatnonzero(cuts == threshold)[0])]
    gain = expected[np.arange(n), best] - base
    return np.where(gain > margin, cuts[best], threshold)


def main_region(proba: np.ndarray, tokens: np.ndarray, keep: np.ndarray, tree: Containers,
                share: float, min_blocks: int = 1) -> np.ndarray | None:
    """Which blocks lie inside the page's main region: the deepest container holding `share`
    of the kept blocks' probability-weighted tokens, and at least `min_blocks` blocks; None
    where nothing is kept or that container is the whole page (<html> or <body>)."""
    mass = tokens * proba * keep
    if mass.sum() <= 0:
        return None
    held, depth = tree.sums(mass), tree.depths()
    wide = held >= share * mass.sum()
    if min_blocks > 1:
        wide &= tree.sums(np.ones(len(keep))) >= min_blocks
    main = int(np.argmax(np.where(wide, depth, -1.0)))
    if depth[main] < REGION_MIN_DEPTH:
        return None
    if tree.regions is not None:
        main = int(tree.regions[main])
    return np.bincount(tree.block_of_each()[tree.ids == main], minlength=len(keep)) > 0


def section_regions(tree: Containers, heads: np.ndarray, comments: np.ndarray,
                    min_sections: int) -> np.ndarray:
    """For each container id, the container that stands for it as a main region: its parent
    where it is led by a heading of level SECTION_MIN_HEADING or deeper and its parent holds
    at least `min_sections` children led by headings of that level, repeated up the tree
    while the parent lies below <body> and holds no more `comments` blocks than it.

    A manual's sections are siblings led by headings alike; a model taught on news is sure
    of the first and ever less sure of the later ones, so the deepest container holding the
    kept blocks is one section. A blog post and its comments are two such sections: the
    comment container stops the climb.
    """
    ids = tree.ids
    n = int(ids.max()) + 1 if len(ids) else 0
    regions = np.arange(n)
    if n == 0:
        return regions
    owner = tree.block_of_each()
    inner = np.flatnonzero(np.diff(owner, prepend=-1) == 0)  # entries below their block's root
    parent = np.full(n, -1)
    parent[ids[inner]] = ids[inner - 1]
    first = np.full(n, len(heads))
    np.minimum.at(first, ids, owner)
    level = np.zeros(n, dtype=np.int64)
    seen = first < len(heads)  # ids with no block of their own lead nothing
    level[seen] = np.asarray(heads, dtype=np.int64)[first[seen]]
    led = (level >= SECTION_MIN_HEADING) & (parent >= 0)
    pairs = parent * (level.max() + 1) + level
    _, where, count = np.unique(pairs[led], return_inverse=True, return_counts=True)
    siblings = np.zeros(n, dtype=np.int64)
    siblings[led] = count[where]
    held = tree.sums(np.asarray(comments, dtype=np.float64))
    depth = tree.depths()
    up = led & (siblings >= min_sections)
    up[up] &= (depth[parent[up]] >= REGION_MIN_DEPTH) & (held[parent[up]] <= held[up])
    step = np.where(up, parent, regions)
    while True:
        higher = step[regions]
        if (higher == regions).all():
            return regions
        regions = higher


def region_pass(proba: np.ndarray, tokens: np.ndarray, keep: np.ndarray, tree: Containers,
                floor: float, share: float, sure: float, trim: float | None,
                majority: float = 0.0, article_sure: float = 1.0,
                article_tokens: float | None = None) -> np.ndarray:
    """`keep` plus the blocks at or above `floor` that sit inside the page's main region and
    share their tag path with a block kept at `sure` or above, where the kept blocks already
    hold `majority` of that tag path's tokens in the region; minus the kept blocks below
    `trim` that sit outside it.

    The main region is `main_region`'s. A forum thread or a manual spreads its text over many
    posts or sections built alike; the model is sure of some and unsure of the rest. A
    region can be wide (a layout column beside the article); the tag path keeps its menus,
    share buttons and teaser lists out, and the majority keeps a long comment thread the
    model mostly rejected from being taken whole because a few comments looked sure.
    Outside the region, the blocks the model barely kept are mostly comments, teasers and
    boxes beside the article. A region that is the whole page (<html> or <body>) changes
    nothing.

    With `article_tokens`, a page whose kept blocks at `article_sure` or above hold that many
    tokens also loses the kept blocks below `trim` that come before those sure blocks and lie
    outside their own region (`article_lead_in`): a news feed set ahead of the story can
    outweigh it, and the main region then holds both.
    """
    inside = main_region(proba, tokens, keep, tree, share)
    if inside is None:
        return keep
    alike = np.isin(tree.paths, tree.paths[keep & (proba >= sure)])
    add = inside & alike & (proba >= floor) & ~keep
    if majority > 0 and add.any():
        in_region = tokens * inside
        on_path = np.bincount(tree.paths, weights=in_region)
        kept_on_path = np.bincount(tree.paths, weights=in_region * keep, minlength=len(on_path))
        add &= (kept_on_path >= majority * on_path)[tree.paths]
    out = keep | add
    if trim is not None:
        out &= inside | (proba >= trim)
        if article_tokens is not None:
            out &= ~article_lead_in(proba, tokens, keep, tree, share, article_sure,
                                    article_tokens) | (proba >= trim)
    return out


def article_region(article: np.ndarray, proba: np.ndarray, tokens: np.ndarray,
                   tree: Containers, share: float, min_tokens: float) -> np.ndarray | None:
    """Where the page's sure article sits: the deepest container holding `share` of the
    `article` blocks' weight (`main_region`); None where they hold fewer than `min_tokens`
    tokens (no article the model is sure of) or that container is the whole page."""
    if tokens[article].sum() < min_tokens:
        return None
    return main_region(proba, tokens, article, tree, share)


def article_lead_in(proba: np.ndarray, tokens: np.ndarray, keep: np.ndarray, tree: Containers,
                    share: float, sure: float, min_tokens: float) -> np.ndarray:
    """The blocks before the page's sure article and outside its region (`article_region`
    of the kept blocks at `sure` or above); none without such an article."""
    article = keep & (proba >= sure)
    region = article_region(article, proba, tokens, tree, share, min_tokens)
    if region is None:
        return np.zeros(len(keep), dtype=bool)
    return ~region & (np.arange(len(keep)) < np.argmax(article))


def code_pass(keep: np.ndarray, proba: np.ndarray, code: np.ndarray, floor: float
              ) -> np.ndarray:
    """Keep a code block (`<pre>`) next to a kept block down to `floor`: a manual's examples
    sit between the prose that explains them, and a model that learned mostly from news
    rates them low."""
    before = np.r_[False, keep[:-1]]
    after = np.r_[keep[1:], False]
    return keep | (code & (before | after) & (proba >= floor))


def gap_pass(keep: np.ndarray, proba: np.ndarray, tokens: np.ndarray, tree: Containers,
             links: np.ndarray, floor: float, max_links: float, share: float) -> np.ndarray:
    """`keep` plus every run of blocks between two kept blocks that lies wholly inside the
    main region (`main_region`) with each block at or above `floor`; of such a run, the
    blocks with link density below `max_links`.

    A manual's entries, a listing's items and a service page's sections sit between the
    passages the model is sure of and score low on their own; a run enclosed by content in
    the main region is content too, as jusText keeps short blocks between good ones. The
    links that sit there are "read also" teasers set into an article.
    """
    if keep.sum() < 2:
        return keep
    inside = main_region(proba, tokens, keep, tree, share)
    if inside is None:
        return keep
    run = np.cumsum(keep)  # a block after the k-th kept block (and before the next) is in run k
    between = ~keep & (run > 0) & (run < run[-1])
    misfits = np.bincount(run[between & ~(inside & (proba >= floor))], minlength=run[-1] + 1)
    return keep | (between & (misfits[run] == 0) & (links < max_links))


def record_groups(tree: Containers, min_records: int
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every container's records, as three aligned arrays (container, record, block): a
    block is in a record of a container when it sits in a child of the container (the
    record) and its tag path recurs in at least `min_records` children of that container.

    A listing's items, a thread's posts and a menu's entries are such children: siblings
    built alike. Containers count their records' blocks with a bincount over the first array.
    """
    ids, starts = tree.ids, tree.starts
    owner = tree.block_of_each()
    inner = np.ones(len(ids), dtype=bool)
    inner[starts[1:] - 1] = False  # a block's own element has no child on its chain
    group, child, block = ids[inner], ids[np.flatnonzero(inner) + 1], owner[inner]
    if not len(group):
        return group, child, block
    path = tree.paths[block].astype(np.int64)
    n_ids, n_paths = int(ids.max()) + 1, int(path.max()) + 1
    slot = group.astype(np.int64) * n_paths + path  # (container, tag path) pairs
    seen = np.unique(slot * n_ids + child)  # each child counted once per pair
    children = np.bincount(seen // n_ids, minlength=int(slot.max()) + 1)
    alike = children[slot] >= min_records
    return group[alike], child[alike], block[alike]


def listing_pass(keep: np.ndarray, proba: np.ndarray, tokens: np.ndarray, tree: Containers,
                 links: np.ndarray, floor: float, config: Config) -> np.ndarray:
    """`keep` plus the records of the page's likeliest record group, down to `floor`, on a
    page where little else is kept.

    A listing (job offers, exhibitions, search results, a catalogue) is a run of records
    built alike, mostly links, that a model taught on articles rates low: on an article
    page such records are the teasers beside it. So the pass runs only where the page holds
    no article: no kept block with `config.listing_prose_tokens` or more tokens at
    `config.listing_prose_sure` or above, and at most `config.listing_max_kept` of the
    records' tokens kept outside them. The group is the container whose records
    (`record_groups`) carry the most probability-weighted tokens, holding
    `config.listing_min_share` of the page's tokens or more, with
    `config.listing_min_record_tokens` tokens a record on average (an archive's month links
    and a blogroll's names are shorter), `config.listing_min_link_density` of its tokens in
    links (a comment thread is prose; a listing links to its items) and at most
    `config.listing_max_nested` of them in record groups nested in its records (a sidebar
    whose widgets are link lists).
    """
    prose = keep & (proba >= config.listing_prose_sure) & (tokens >= config.listing_prose_tokens)
    if not len(tree.ids) or prose.any():
        return keep
    group, record, block = record_groups(tree, config.listing_min_records)
    if not len(group):
        return keep
    held, depth = tree.sums(tokens), tree.depths()
    size = len(held)
    mass = np.bincount(group, weights=(tokens * proba)[block], minlength=size)
    record_tokens = np.bincount(group, weights=tokens[block], minlength=size)
    link_tokens = np.bincount(group, weights=(tokens * links)[block], minlength=size)
    records = np.bincount(np.unique(group.astype(np.int64) * size + record) // size,
                          minlength=size)
    deepest = np.zeros(len(keep))
    np.maximum.at(deepest, block, depth[group])
    nested = np.bincount(group, weights=tokens[block] * (depth[group] < deepest[block]),
                         minlength=size)
    eligible = ((record_tokens >= config.listing_min_record_tokens * np.maximum(records, 1))
                & (nested <= config.listing_max_nested * record_tokens)
                & (held >= config.listing_min_share * tokens.sum())
                & (link_tokens >= config.listing_min_link_density * record_tokens))
    if not eligible.any():
        return keep
    best = int(np.argmax(np.where(eligible, mass, -1.0)))
    rows = np.zeros(len(keep), dtype=bool)
    rows[block[group == best]] = True
    if tokens[keep & ~rows].sum() > config.listing_max_kept * record_tokens[best]:
        return keep
    return keep | (rows & (proba >= floor))


def fill_pass(keep: np.ndarray, proba: np.ndarray, tokens: np.ndarray, tree: Containers,
              links: np.ndarray, floor: float, config: Config,
              repeated: np.ndarray | None = None) -> np.ndarray:
    """`keep` plus every block of the main region (`main_region`, holding at least
    `config.fill_min_blocks` blocks) down to `floor` with link density below
    `config.fill_max_link_density`, and not `repeated` on the page, on a page the model is
    unsure of throughout: its blocks at `config.fill_sure` or above hold at most
    `config.fill_max_sure_share` of the kept tokens.

    A manual's entries, a forum's replies and a service page's sections are rated low by a
    model taught mostly on news, however they are built, so neither a shared tag path (the
    region pass) nor an enclosing pair of kept blocks (the gap pass) finds them all; but
    the region where the model's best guesses sit holds them. A page whose article the
    model is sure of keeps its captions, bylines and boxes out. Text the page repeats (a
    thread's first post shown again above it, a poll's answers, a signature) is not the
    region's content.
    """
    kept = tokens[keep].sum()
    if kept <= 0 or tokens[keep & (proba >= config.fill_sure)].sum() > (
            config.fill_max_sure_share * kept):
        return keep
    inside = main_region(proba, tokens, keep, tree, config.region_share, config.fill_min_blocks)
    if inside is None:
        return keep
    add = inside & (proba >= floor) & (links < config.fill_max_link_density)
    if repeated is not None:
        add &= ~repeated
    return keep | add


def feed_pass(keep: np.ndarray, proba: np.ndarray, tokens: np.ndarray, tree: Containers,
              links: np.ndarray, config: Config) -> np.ndarray:
    """`keep` less, on a page with a sure article, the kept prose blocks below
    `config.region_article_sure` that lie outside the article's own region in an element
    whose tokens are at least `config.feed_link_density` in links (a block is a link, not
    prose, from link density `config.feed_max_block_link_density`).

    A news feed beside or after the story pairs each headline link with a summary that reads
    like a paragraph, and a column of thirty of them outweighs the story: the main region
    then holds both, so the region pass keeps them. The article's own region is where its
    sure paragraphs are (links among them, a listing's summaries, do not count). A summary's
    element also holds its headline link, where a manual's next section, an article's
    caption or a reader's post with links inside its sentences holds none. Kept links stay:
    one beside the story is a headline, maybe the story's own. Off without
    `config.region_article_tokens`.
    """
    sure, min_tokens = config.region_article_sure, config.region_article_tokens
    if min_tokens is None or config.feed_link_density is None:
        return keep
    prose = links < config.feed_max_block_link_density
    article = keep & (proba >= sure) & prose
    region = article_region(article, proba, tokens, tree, config.region_share, min_tokens)
    if region is None:
        return keep
    outside = keep & ~region & (proba < sure) & prose
    if not outside.any():
        return keep
    ends = tree.starts[1:] - 1
    parent = tree.ids[np.maximum(ends - 1, tree.starts[:-1])]
    density = tree.sums(tokens * ~prose)[parent] / np.maximum(tree.sums(tokens)[parent], 1.0)
    return keep & ~(outside & (density >= config.feed_link_density))


def comment_pass(keep: np.ndarray, proba: np.ndarray, tokens: np.ndarray, tree: Containers,
                 links: np.ndarray, comments: np.ndarray, config: Config) -> np.ndarray:
    """`keep` less, on a page whose kept prose outside comment containers holds a sure
    article (`config.region_article_tokens` at `config.region_article_sure` or above), the
    kept `comments` blocks (in an element named "comment") outside that article's region.

    Under a blog post the comments read like prose, and a thread of them can outweigh the
    post; the region, trim and feed passes then keep them. A forum thread whose posts are its
    content sits in such containers as a whole, first post included, so no sure article
    stands outside them and the pass leaves it alone. On with `config.comment_trim` and
    `config.region_article_tokens`.
    """
    sure, min_tokens = config.region_article_sure, config.region_article_tokens
    if not config.comment_trim or min_tokens is None or not (keep & comments).any():
        return keep
    article = (keep & ~comments & (proba >= sure)
               & (links < config.feed_max_block_link_density))
    if tokens[article].sum() < min_tokens:
        return keep
    region = main_region(proba, tokens, article, tree, config.region_share)
    drop = keep & comments
    if region is not None:
        drop &= ~region
    return keep & ~drop


def decide_page(proba: np.ndarray, tokens: np.ndarray, tree: Containers | None,
                threshold: float, config: Config, code: np.ndarray | None = None,
                links: np.ndarray | None = None, repeated: np.ndarray | None = None,
                heads: np.ndarray | None = None, comments: np.ndarray | None = None
                ) -> tuple[np.ndarray, float]:
    """One page's content decision and the cut it used: the threshold, or the page's own
    lower cut (`config.page_cut_floor`), plus the main region (`config.region_floor`), then
    code blocks beside kept ones (`config.code_floor`, where `code` marks them), then the
    runs between kept blocks (`config.gap_floor`, where `links` gives link densities), then
    a listing's records on a page with little else kept (`config.listing_floor`, with
    `links`), then the main region of a page the model is unsure of throughout
    (`config.fill_floor`, with `links`; blocks marked `repeated` on the page stay out), and
    last drops a feed of teasers beside a sure article (`config.feed_link_density`, with
    `links`), and then the comments beside a sure article (`config.comment_trim`, with
    `links` and `comments`). With `heads` (heading levels) and `comments` (blocks in
    comment containers), a main region that is one of a manual's sections widens to them
    all (`config.region_sections`)."""
    cut = page_cut(proba, tokens, threshold, config.page_cut_floor)
    keep = proba >= cut
    if (config.region_sections is not None and tree is not None and heads is not None
            and comments is not None):
        tree = tree._replace(regions=section_regions(tree, heads, comments,
                                                     config.region_sections))
    if config.region_floor is not None and config.region_floor < cut:
        if tree is None or tree.paths is None:
            raise ModelError("the main-region pass needs the blocks' containers and tag paths "
                             "(blocks.containers); pass them, or set Config.region_floor=None")
        keep = region_pass(proba, tokens, keep, tree, config.region_floor,
                           config.region_share, config.region_sure, config.region_trim,
                           config.region_majority, config.region_article_sure,
                           config.region_article_tokens)
    if code is not None and config.code_floor is not None:
        keep = code_pass(keep, proba, code, config.code_floor)
    if links is not None and config.gap_floor is not None:
        if tree is None:
            raise ModelError("the gap pass needs the blocks' containers (blocks.containers); "
                             "pass them, or set Config.gap_floor=None")
        keep = gap_pass(keep, proba, tokens, tree, links, config.gap_floor,
                        config.gap_max_link_density, config.region_share)
    if links is not None and config.listing_floor is not None:
        if tree is None or tree.paths is None:
            raise ModelError("the listing pass needs the blocks' containers and tag paths "
                             "(blocks.containers); pass them, or set "
                             "Config.listing_floor=None")
        keep = listing_pass(keep, proba, tokens, tree, links, config.listing_floor, config)
    if links is not None and config.fill_floor is not None:
        if tree is None:
            raise ModelError("the fill pass needs the blocks' containers (blocks.containers); "
                             "pass them, or set Config.fill_floor=None")
        keep = fill_pass(keep, proba, tokens, tree, links, config.fill_floor, config,
                         repeated)
    if links is not None and config.feed_link_density is not None:
        if tree is None:
            raise ModelError("the feed pass needs the blocks' containers (blocks.containers); "
                             "pass them, or set Config.feed_link_density=None")
        keep = feed_pass(keep, proba, tokens, tree, links, config)
    if links is not None and comments is not None and config.comment_trim:
        if tree is None:
            raise ModelError("the comment pass needs the blocks' containers "
                             "(blocks.containers); pass them, or set Config.comment_trim=False")
        keep = comment_pass(keep, proba, tokens, tree, links, comments, config)
    return keep, cut


def kept_rows(proba: np.ndarray, tokens: np.ndarray, bounds: np.ndarray,
              threshold: float | np.ndarray, config: Config,
              trees: list[Containers] | None = None,
              code: np.ndarray | None = None, links: np.ndarray | None = None,
              repeated: np.ndarray | None = None, heads: np.ndarray | None = None,
              comments: np.ndarray | None = None) -> np.ndarray:
    """Content decision for many pages' blocks, each page deciding for itself.

    Page i is rows bounds[i]:bounds[i + 1] (PageSet.page_starts, which ends with the total),
    its containers are trees[i] and its threshold threshold[i] (or one for all); `code`
    marks code blocks for the code pass, `links` gives link densities for the gap, listing
    and fill passes (none of them runs without it), `repeated` marks the blocks whose
    text recurs on their page, which the fill pass leaves out, and `heads` and `comments`
    (heading levels, blocks in comment containers) let a manual's section widen its region
    and the comment pass find the comments.
    """
    keep = np.zeros(len(proba), dtype=bool)
    edges = np.asarray(bounds).tolist()
    thresholds = np.broadcast_to(np.asarray(threshold, dtype=np.float64), (len(edges) - 1,))
    for i, (start, end) in enumerate(zip(edges[:-1], edges[1:], strict=True)):
        tree = trees[i] if trees else None
        keep[start:end], _ = decide_page(proba[start:end], tokens[start:end], tree,
                                         float(thresholds[i]), config,
                                         None if code is None else code[start:end],
                                         None if links is None else links[start:end],
                                         None if repeated is None else repeated[start:end],
                                         None if heads is None else heads[start:end],
                                         None if comments is None else comments[start:end])
    return keep


class TreeSum:
    """HistGradientBoosting's binary decision function, one compiled call per tree.

    scikit-learn's own predict wraps every tree call in Python (partials, validation,
    thread setup) that costs more than the tree walk on one page's hundred blocks; calling
    each fitted tree directly halves prediction time. It uses fitted internals of the
    pinned scikit-learn minor version, so `for_estimator` returns None (and the public
    predict_proba is used) whenever the estimator is not the plain binary, non-categorical
    HistGradientBoostingClassifier it expects; tests check both give the same numbers.
    """

    logistic = True
    """Whether the sum goes through the logistic function (a classifier's probability); a
    class default too, so a TreeSum pickled inside a bench's cached model still loads."""

    def __init__(self, trees: list, baseline: float, bitsets: tuple,
                 logistic: bool = True) -> None:
        self.trees = trees
        self.baseline = baseline
        self.bitsets = bitsets
        self.logistic = logistic

    @classmethod
    def for_estimator(cls, estimator: object) -> TreeSum | None:
        """The fast path for this estimator (a binary classifier's probability, or a
        regressor's prediction), or None where it does not apply."""
        try:
            from sklearn.ensemble import (
                HistGradientBoostingClassifier,
                HistGradientBoostingRegressor,
            )

            kind = type(estimator)
            if (kind not in (HistGradientBoostingClassifier, HistGradientBoostingRegressor)
                    or estimator.n_trees_per_iteration_ != 1
                    or getattr(estimator, "_preprocessor", None) is not None
                    or estimator.is_categorical_ is not None):
                return None
            trees = [iteration[0] for iteration in estimator._predictors]
            baseline = float(np.ravel(estimator._baseline_prediction)[0])
            bitsets = estimator._bin_mapper.make_known_categories_bitsets()
        except (AttributeError, IndexError, TypeError, ValueError):
            return None
        return cls(trees, baseline, bitsets, logistic=kind is HistGradientBoostingClassifier)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Probability of the positive class for each row of X (a regressor: its prediction)."""
        X = np.ascontiguousarray(X, dtype=np.float64)
        raw = np.full(len(X), self.baseline)
        known, index_map = self.bitsets
        for tree in self.trees:
            raw += tree.predict(X, known, index_map, 1)
        return 1.0 / (1.0 + np.exp(-raw)) if self.logistic else raw


@dataclass
class Model:
    """A fitted classifier with the metadata needed to use it safely."""

    estimator: object
    feature_names: tuple[str, ...]
    threshold: float = DEFAULT_THRESHOLD
    smoother: object | None = None
    """Optional second pass: sees the first pass's probabilities of neighbouring blocks."""
    cut_model: object | None = None
    """Optional regressor of a page's F1 at each cut from its `page_summary` (CUT_SUMMARY),
    fitted on held-out sites; `page_thresholds` uses it to move a page off `threshold`."""
    lexicon: Lexicon | None = None
    """Words learned from the training pages, which the featurizer needs for the lexicon
    columns (`features.lexicon_columns`); saved as word lists in the JSON metadata."""
    metadata: dict = field(default_factory=dict)
    fast: TreeSum | None = field(default=None, init=False, repr=False, compare=False)
    """Direct per-tree prediction (same numbers as the estimator's, in half the time)."""
    fast_cut: TreeSum | None = field(default=None, init=False, repr=False, compare=False)
    """The same for the cut model, called once per page where its own predict costs more
    than the page's whole block prediction."""

    def __post_init__(self) -> None:
        self.fast = TreeSum.for_estimator(self.estimator)
        self.fast_cut = TreeSum.for_estimator(self.cut_model)

    @property
    def smoother_columns(self) -> np.ndarray:
        """Indices of SMOOTHER_FEATURES in this model's feature list."""
        return np.array([self.feature_names.index(n) for n in SMOOTHER_FEATURES], dtype=np.int64)

    def check_features(self, features: FeatureMatrix) -> None:
        """Refuse features whose columns differ from the ones the model was trained on."""
        if tuple(features.names) != tuple(self.feature_names):
            missing = [n for n in self.feature_names if n not in features.names]
            extra = [n for n in features.names if n not in self.feature_names]
            raise ModelError(
                "the model was trained on a different feature list "
                f"(missing: {missing[:5]}, new: {extra[:5]}); retrain it with "
                "`boilerplate train DATA... --out DIR` using this version of boilerplate"
            )

    def block_tokens(self, X: np.ndarray) -> np.ndarray:
        """Tokens per row (the weights of `page_cut`), or ones if the model has no such column."""
        if "n_tokens" in self.feature_names:
            return X[:, self.feature_names.index("n_tokens")]
        return np.ones(len(X))

    def code_rows(self, X: np.ndarray) -> np.ndarray | None:
        """Which rows are code blocks (`<pre>`), for the code pass; None if the model has no
        such column."""
        if CODE_COLUMN not in self.feature_names:
            return None
        return X[:, self.feature_names.index(CODE_COLUMN)] == 1

    def link_rows(self, X: np.ndarray) -> np.ndarray | None:
        """Each row's link density, for the gap pass; None if the model has no such column."""
        if LINK_COLUMN not in self.feature_names:
            return None
        return X[:, self.feature_names.index(LINK_COLUMN)]

    def repeat_rows(self, X: np.ndarray) -> np.ndarray | None:
        """Which rows' text recurs on their page, for the fill pass; None if the model has no
        such column."""
        if REPEAT_COLUMN not in self.feature_names:
            return None
        return X[:, self.feature_names.index(REPEAT_COLUMN)] > 0

    def heading_rows(self, X: np.ndarray) -> np.ndarray | None:
        """Each row's heading level (0: none), for `section_regions`; None if the model has
        no such column."""
        if HEADING_COLUMN not in self.feature_names:
            return None
        return X[:, self.feature_names.index(HEADING_COLUMN)]

    def comment_rows(self, X: np.ndarray) -> np.ndarray | None:
        """Which rows sit in an element named "comment", for `section_regions` and
        `comment_pass`; None if the model has no such columns."""
        if not all(c in self.feature_names for c in COMMENT_COLUMNS):
            return None
        return (X[:, [self.feature_names.index(c) for c in COMMENT_COLUMNS]] > 0).any(axis=1)

    def predict_proba(self, features: FeatureMatrix) -> np.ndarray:
        """Probability that each block is content, for one page's features."""
        self.check_features(features)
        if len(features.values) == 0:
            return np.zeros(0, dtype=np.float32)
        return self.predict_rows(features.values, np.array([0]))

    def predict_rows(self, X: np.ndarray, page_starts: np.ndarray) -> np.ndarray:
        """Probabilities for many pages' blocks at once (rows back to back, pages starting at
        `page_starts`); one estimator call instead of one per page."""
        if len(X) == 0:
            return np.zeros(0, dtype=np.float32)
        if self.fast is not None:
            proba = self.fast.predict_proba(X)
        else:
            proba = self.estimator.predict_proba(X)[:, 1]
        if self.smoother is not None:
            second = smoothing_input(X, proba, page_starts, self.smoother_columns)
            proba = self.smoother.predict_proba(second)[:, 1]
        return proba

    def page_thresholds(self, proba: np.ndarray, X: np.ndarray, bounds: np.ndarray,
                        config: Config, threshold: float | None = None) -> np.ndarray:
        """Each page's threshold: `threshold` (the model's by default), or the cut the
        model's cut model expects to score better (`Config.cut_margin`)."""
        base = self.threshold if threshold is None else threshold
        if self.cut_model is None or config.cut_margin is None:
            return np.full(max(len(bounds) - 1, 0), base)
        return learned_cuts(self.fast_cut or self.cut_model, proba, self.block_tokens(X),
                            bounds, base, config.cut_margin)

    def page_threshold(self, proba: np.ndarray, X: np.ndarray, config: Config,
                       threshold: float | None = None) -> float:
        """One page's threshold (`page_thresholds` for a single page)."""
        bounds = np.array([0, len(proba)])
        return float(self.page_thresholds(proba, X, bounds, config, threshold)[0])

    def save(self, directory: str | Path, extra_metadata: dict | None = None) -> Path:
        """Write estimator and metadata atomically; returns the directory."""
        import joblib

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        target = directory / ESTIMATOR_FILE
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".model-", suffix=".tmp")
        os.close(fd)
        try:
            joblib.dump({"estimator": self.estimator, "smoother": self.smoother,
                         "cut_model": self.cut_model}, tmp, compress=3)
            digest = hashlib.sha256(Path(tmp).read_bytes()).hexdigest()
            os.chmod(tmp, FILE_MODE)
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        metadata = {
            **self.metadata, **(extra_metadata or {}),
            "versions": _versions(), "feature_names": list(self.feature_names),
            "threshold": self.threshold, "smoothing": self.smoother is not None,
            "smoother_features": list(SMOOTHER_FEATURES) if self.smoother is not None else [],
            "cut_summary": list(CUT_SUMMARY) if self.cut_model is not None else [],
            "cut_grid": list(CUT_GRID) if self.cut_model is not None else [],
            "lexicon": None if self.lexicon is None else {
                "function_words": sorted(self.lexicon.function_words),
                "chrome_words": sorted(self.lexicon.chrome_words)},
            "estimator_file": ESTIMATOR_FILE, "sha256": digest,
        }
        _atomic_write_text(directory / METADATA_FILE,
                           json.dumps(metadata, indent=2, ensure_ascii=False) + "\n")
        self.metadata = metadata
        return directory

    @classmethod
    def load(cls, path: str | Path | None = None) -> Model:
        """Load a model directory (the shipped default when `path` is None), checking it first."""
        directory = default_model_path() if path is None else Path(path)
        if directory.is_file():
            directory = directory.parent
        meta_path = directory / METADATA_FILE
        est_path = directory / ESTIMATOR_FILE
        if not meta_path.exists() or not est_path.exists():
            raise ModelError(f"{directory}: not a model directory (needs {METADATA_FILE} and "
                             f"{ESTIMATOR_FILE}; create one with `boilerplate train`)")
        try:
            metadata = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(f"{meta_path}: unreadable model metadata: {exc}") from exc
        _check_compatible(metadata, directory)
        data = est_path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest != metadata.get("sha256"):
            raise ModelError(f"{est_path}: SHA-256 {digest[:12]}… does not match the metadata "
                             f"({str(metadata.get('sha256'))[:12]}…); refusing to unpickle a "
                             "file that is not the one trained with this metadata")
        import joblib

        try:
            payload = joblib.load(est_path)
        except Exception as exc:  # noqa: BLE001 - any unpickling failure means a bad file
            raise ModelError(f"{est_path}: cannot load model: {exc}") from exc
        cut_model = payload.get("cut_model")
        if cut_model is not None and tuple(metadata.get("cut_summary", ())) != CUT_SUMMARY:
            raise ModelError(f"{directory}: the model's learned page cut describes pages "
                             "differently from this version of boilerplate; retrain it with "
                             "`boilerplate train DATA... --out DIR`")
        return cls(estimator=payload["estimator"], smoother=payload.get("smoother"),
                   cut_model=cut_model, feature_names=tuple(metadata["feature_names"]),
                   threshold=float(metadata.get("threshold", DEFAULT_THRESHOLD)),
                   lexicon=_lexicon_of(metadata, meta_path), metadata=metadata)


def _lexicon_of(metadata: dict, meta_path: Path) -> Lexicon | None:
    """The Lexicon saved in a model's metadata, refusing word lists that are not lists of
    strings (a hand-edited file) rather than featurizing with them."""
    saved = metadata.get("lexicon")
    if saved is None:
        return None
    lists = {}
    for key in ("function_words", "chrome_words"):
        words = saved.get(key) if isinstance(saved, dict) else None
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise ModelError(f"{meta_path}: 'lexicon.{key}' must be a list of words")
        lists[key] = frozenset(words)
    return Lexicon(**lists)


def _check_compatible(metadata: dict, directory: Path) -> None:
    """Fail early, with what differs and how to fix it, on a model from another sklearn."""
    import sklearn

    trained = metadata.get("versions", {}).get("scikit-learn", "?")
    if _minor(trained) != _minor(sklearn.__version__):
        raise ModelError(
            f"{directory}: model trained with scikit-learn {trained}, but {sklearn.__version__} "
            f"is installed; install scikit-learn=={trained} or retrain with "
            "`boilerplate train DATA... --out DIR`"
        )


def _atomic_write_text(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def default_model_path() -> Path:
    """The model shipped with the package (the repository's models/default).

    Installed, models/ lives inside the package as boilerplate._models; imported from a
    source checkout, it is the models/ folder beside the package.
    """
    try:
        base = Path(str(resources.files("boilerplate._models")))
    except ModuleNotFoundError:
        base = Path(__file__).resolve().parent.parent / "models"
    return base / DEFAULT_MODEL_NAME
