"""Training: labeled pages to feature matrices with block labels, then a fitted Model."""

from __future__ import annotations

import time
import unicodedata
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from .blocks import Containers, containers, segment
from .config import CUT_GRID, DEFAULT_CONFIG, Config
from .datasets import Dataset, LabeledPage
from .errors import BoilerplateError, BoilerplateWarning
from .features import LEXICON_COLUMNS, Lexicon, feature_names, featurize, lexicon_columns
from .labels import UNLABELED, labels_from_annotation, labels_from_snippets, labels_from_text
from .metrics import PageScore, score_gold, summarize
from .model import SMOOTHER_FEATURES, Model, kept_rows, page_summary, smoothing_input
from .parse import parse
from .templates import site_of_url
from .text import tokens as tokens_of
from .workers import map_in_windows

SEED = 0
MAX_TOKEN_WEIGHT = 500.0
"""Block weight is its token count, capped so one giant block cannot dominate a page."""
THRESHOLD_GRID = tuple(round(x, 2) for x in np.arange(0.2, 0.81, 0.05))
HOLDOUT_SHARE = 0.2
"""Share of training sites held out to choose the decision threshold and the smoothing."""
PAGE_WEIGHT_FLOOR = 100.0
"""A page lighter than this many tokens is weighted as if it had this many."""
CHUNK_PAGES = 8
WINDOW_PAGES = 256
LEXICON_PAGE_TOKENS = 30
"""A page speaks for its language's function words once its content has this many tokens."""
LEXICON_LANG_PAGES = 20
"""A language (the page's `lang`, else its main script) needs this many such pages."""
FUNCTION_WORD_PAGE_SHARE = 0.3
FUNCTION_WORDS_PER_LANG = 100
"""A language's function words: its tokens found in the content of at least this share of
its pages, at most this many (a Chinese page's common characters qualify in hundreds)."""
CHROME_WORD_PAGE_SHARE = 0.03
CHROME_WORD_RATIO = 4.0
"""Chrome words: in the chrome of at least this share of pages, and of this many times more
pages than have them in their content ("login", "newsletter", "copyright")."""
LEXICON_MASK_SHARE = 0.15
"""Share of training pages whose lexicon columns are left missing, so the model learns to
decide without them, as it must on a language its lexicon does not know."""


@dataclass(frozen=True)
class HyperParams:
    """Gradient-boosting settings; the defaults fit the default model in minutes on 2 cores."""

    max_iter: int = 250
    """Trees. Cutting to 100 costs little on average on unseen sets (bench/tree_budget.py:
    mean F1 0.8592 vs 0.8601) and halves prediction time, but a 100-tree default model fell
    below the quality gate's floors (daniel 0.834 < 0.847, cleaneval 0.906 < 0.918)."""
    learning_rate: float = 0.1
    max_leaf_nodes: int = 31
    min_samples_leaf: int = 40
    l2_regularization: float = 1.0
    max_bins: int = 255
    max_features: float = 1.0
    """Share of the columns each tree split may choose from (drawn anew at every node). 0.5
    gained on two cross-dataset screens but lost on the first three refitted
    leave-one-dataset-out folds (with the main-region pass: wcxb 0.825 -> 0.821, dragnet
    0.918 -> 0.914, cleaneval level; README, "Column sampling"), so every column is offered."""
    smoothing: bool = False
    """Try a second pass over neighbours' probabilities; kept only if held-out F1 improves.
    Off by default: it raised held-out F1 on the training sets' own sites (0.8665 -> 0.8699)
    but lowered it on unseen datasets (daniel 0.859 -> 0.846, dragnet 0.851 -> 0.835)."""
    refit: bool = True
    """Refit on all pages after choosing the threshold (False: keep the model fitted on the
    training share; half the time, for benches that fit many models)."""
    page_weight_power: float = 0.5
    """Each block's weight is divided by its page's total weight to this power (0: blocks
    weigh their tokens, so long pages dominate; 1: every page weighs the same, as in the
    per-page token metric). At 0.5 six of the eight leave-one-dataset-out folds gained and
    the mean lead over the best peer rose by 0.005 (README, "Page weighting")."""
    lexicon: bool = True
    """Learn a Lexicon (function and chrome words) from the training pages' labeled blocks
    for the lexicon columns; False leaves them missing (`train --no-lexicon`)."""
    learned_cut: bool = False
    """Also fit the cut model (`Model.cut_model`): what a page's F1 gains at each cut of
    CUT_GRID from how sure the first pass is about the page, learned on the held-out sites.
    Opt-in: it gained on the leave-one-dataset-out folds that want a lower cut but, trained
    the default model's way, lost on unseen news sets (README, "Learned page cut")."""
    small_block_tokens: int = 4
    small_block_keep: float = 0.3
    """Blocks under `small_block_tokens` tokens (menus, buttons) are numerous but weigh little;
    this share of them is kept, weighted up to compensate, to cut fitting time."""


@dataclass
class PageSet:
    """Featurized, labeled pages of one dataset: one row per block, pages back to back."""

    name: str
    X: np.ndarray
    y: np.ndarray
    weights: np.ndarray
    page_starts: np.ndarray
    """Row where each page starts, plus a final entry = number of rows."""
    page_ids: list[str]
    groups: list[str]
    """Site of each page, for splits that never put one site on both sides."""
    gold: list[str | None]
    block_texts: list[list[str]]
    langs: list[str | None]
    meta: list[dict]
    label_stats: dict = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    trees: list[Containers] = field(default_factory=list)
    """Each page's block containers (for the main-region pass); empty in sets built without."""
    titles: list[str] = field(default_factory=list)
    """Each page's <title> (else og:title): a site's page fetched twice has the same one
    (`templates.SiteIndex`); empty in sets built without."""
    lexicon: Lexicon | None = None
    """The Lexicon the lexicon columns of X were computed with (`with_lexicon`)."""

    @property
    def n_pages(self) -> int:
        return len(self.page_ids)

    def rows(self, page: int) -> slice:
        return slice(int(self.page_starts[page]), int(self.page_starts[page + 1]))

    def score(self, page: int, text: str) -> PageScore:
        """A page's extracted text against its gold text, or its snippets if it has only those."""
        meta = self.meta[page]
        return score_gold(self.gold[page], text, meta.get("must_have", ()),
                          meta.get("must_not_have", ()))


def site_of(page: LabeledPage) -> str:
    """The site a page comes from: URL host without www., else a dataset-given site, else id."""
    return site_of_url(page.url) or str(page.meta.get("site") or f"{page.dataset}:{page.id}")


def page_meta(page: LabeledPage) -> dict:
    """A page's extra fields, with its snippet gold when it has some (PageSet.score reads it)."""
    if not (page.must_have or page.must_not_have):
        return page.meta
    return {**page.meta, "must_have": list(page.must_have),
            "must_not_have": list(page.must_not_have)}


def _page_rows(args: tuple[LabeledPage, Config]) -> tuple | str:
    """Features, labels and weights of one page, or a reason it was skipped."""
    page, config = args
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", BoilerplateWarning)
            doc = parse(page.html, where=page.id, config=config)
            blocks = segment(doc, config)
    except BoilerplateError as exc:
        return f"{page.dataset}/{page.id}: {exc}"
    except Exception as exc:  # noqa: BLE001 - one bad page must not end a training run
        return f"{page.dataset}/{page.id}: internal error ({type(exc).__name__}: {exc})"
    tree = containers(blocks)
    features = featurize(blocks, config, doc.title, tree)
    if page.labeled_html:
        labels = labels_from_annotation(blocks, page.labeled_html)
    elif has_full_gold(page):
        labels = labels_from_text(blocks, page.text)
    else:
        labels = labels_from_snippets(blocks, page.must_have, page.must_not_have)
    weights = np.minimum(features.column("n_tokens"), MAX_TOKEN_WEIGHT)
    stats = (labels.gold_tokens, labels.gold_covered, labels.content_tokens,
             labels.content_in_gold)
    return (features.values, labels.labels, weights, [b.text for b in blocks], stats, tree,
            doc.html_title or doc.og_title)


def featurize_pages(pages: Iterable[LabeledPage], name: str, config: Config = DEFAULT_CONFIG,
                    jobs: int = 1, progress: Callable[[str], None] | None = None) -> PageSet:
    """Turn labeled pages into a PageSet, in `jobs` processes; bad pages are skipped, listed."""
    xs, ys, ws, starts = [], [], [], [0]
    ids, groups, gold, texts, langs, meta, skipped, trees = [], [], [], [], [], [], [], []
    titles: list[str] = []
    totals = np.zeros(4, dtype=np.int64)

    def collect(page: LabeledPage, result: tuple | str) -> None:
        if isinstance(result, str):
            skipped.append(result)
            return
        values, labels, weights, block_texts, stats, tree, title = result
        xs.append(values)
        ys.append(labels)
        ws.append(weights)
        starts.append(starts[-1] + len(labels))
        ids.append(page.id)
        groups.append(site_of(page))
        gold.append(page.text)
        texts.append(block_texts)
        langs.append(page.lang)
        meta.append(page_meta(page))
        trees.append(tree)
        titles.append(title)
        totals[:] += stats

    started = time.monotonic()
    done = 0
    tasks = ((page, config) for page in pages)
    for window, results in map_in_windows(_page_rows, tasks, jobs, WINDOW_PAGES, CHUNK_PAGES):
        for (page, _), result in zip(window, results, strict=True):
            collect(page, result)
        done += len(window)
        if progress:
            progress(f"{name}: featurized {done} pages ({time.monotonic() - started:.0f}s)")
    n_features = len(feature_names(config))
    gold_tokens, covered, content_tokens, in_gold = (int(v) for v in totals)
    label_stats = {
        "gold_token_coverage": round(covered / gold_tokens, 4) if gold_tokens else None,
        "content_token_precision": round(in_gold / content_tokens, 4) if content_tokens else None,
    }
    return PageSet(
        name=name,
        X=np.vstack(xs) if xs else np.zeros((0, n_features), dtype=np.float32),
        y=np.concatenate(ys) if ys else np.zeros(0, dtype=np.int8),
        weights=np.concatenate(ws) if ws else np.zeros(0, dtype=np.float32),
        page_starts=np.array(starts, dtype=np.int64), page_ids=ids, groups=groups, gold=gold,
        block_texts=texts, langs=langs, meta=meta, label_stats=label_stats, skipped=skipped,
        trees=trees, titles=titles,
    )


SNIPPET_GOLD = "snippets"
PARTIAL_GOLD_KINDS = frozenset({SNIPPET_GOLD, "prefix_silver"})
"""Gold that covers only part of the main text: aligning it would label the rest chrome."""


def has_full_gold(page: LabeledPage) -> bool:
    """Whether a page's gold describes its whole main content (so it can teach labels)."""
    if page.meta.get("gold_kind") in PARTIAL_GOLD_KINDS:
        return False
    return page.text is not None or bool(page.labeled_html)


def has_labels(page: LabeledPage) -> bool:
    """Whether a page can teach block labels: full gold, or snippets (which label a few blocks)."""
    return has_full_gold(page) or bool(page.must_have or page.must_not_have)


def load_pageset(path: str, config: Config = DEFAULT_CONFIG, jobs: int = 1,
                 progress: Callable[[str], None] | None = None, require_gold: bool = True,
                 ) -> tuple[PageSet, Dataset]:
    """Read a dataset (file or folder) and featurize it.

    For training, pages without gold or snippets are left out (they would teach "all
    chrome"); for evaluation (`require_gold=False`) they stay and count as the metric defines.
    """
    dataset = Dataset(path)
    pages = (p for p in dataset if not require_gold or has_labels(p))
    return featurize_pages(pages, dataset.name, config, jobs, progress), dataset


def concat(sets: Sequence[PageSet]) -> PageSet:
    """Several PageSets as one (rows stacked, page offsets shifted)."""
    lexicons = {id(s.lexicon): s.lexicon for s in sets}
    if len(lexicons) > 1:
        raise ValueError("cannot join pages whose lexicon columns come from different "
                         "lexicons; apply one with with_lexicon first")
    starts = [np.array([0])]
    offset = 0
    for s in sets:
        starts.append(s.page_starts[1:] + offset)
        offset += len(s.y)
    joined = PageSet(
        name="+".join(s.name for s in sets),
        X=np.vstack([s.X for s in sets]), y=np.concatenate([s.y for s in sets]),
        weights=np.concatenate([s.weights for s in sets]),
        page_starts=np.concatenate(starts),
        page_ids=[f"{s.name}/{i}" for s in sets for i in s.page_ids],
        groups=[f"{s.name}:{g}" for s in sets for g in s.groups],
        gold=[g for s in sets for g in s.gold],
        block_texts=[t for s in sets for t in s.block_texts],
        langs=[lang for s in sets for lang in s.langs], meta=[m for s in sets for m in s.meta],
        trees=([t for s in sets for t in s.trees]
               if all(len(s.trees) == s.n_pages for s in sets) else []),
        titles=([t for s in sets for t in s.titles]
                if all(len(s.titles) == s.n_pages for s in sets) else []),
        lexicon=next(iter(lexicons.values()), None),
    )
    return joined


def subset(pages: PageSet, keep: np.ndarray) -> PageSet:
    """The pages whose index is in `keep`, in order."""
    rows = np.concatenate([np.arange(pages.page_starts[i], pages.page_starts[i + 1])
                           for i in keep]) if len(keep) else np.zeros(0, dtype=np.int64)
    lengths = np.diff(pages.page_starts)[keep]
    pick = [int(i) for i in keep]
    return PageSet(
        name=pages.name, X=pages.X[rows], y=pages.y[rows], weights=pages.weights[rows],
        page_starts=np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
        page_ids=[pages.page_ids[i] for i in pick], groups=[pages.groups[i] for i in pick],
        gold=[pages.gold[i] for i in pick], block_texts=[pages.block_texts[i] for i in pick],
        langs=[pages.langs[i] for i in pick], meta=[pages.meta[i] for i in pick],
        trees=[pages.trees[i] for i in pick] if pages.trees else [],
        titles=[pages.titles[i] for i in pick] if pages.titles else [], lexicon=pages.lexicon,
    )


def _script(word: str) -> str:
    """The writing system of a word's first letter ("LATIN", "CJK", "CYRILLIC")."""
    return unicodedata.name(word[0], "?").split()[0]


def learn_lexicon(pages: PageSet) -> Lexicon:
    """Each language's function words (the words found in most of its pages' content) and
    chrome words (found in many pages' chrome, seldom in content), from the labeled blocks,
    so the featurizer can measure how much a block reads like prose of a known language."""
    by_lang: dict[str, list[set[str]]] = {}
    in_content: Counter[str] = Counter()
    in_chrome: Counter[str] = Counter()
    for i in range(pages.n_pages):
        content: Counter[str] = Counter()
        chrome: set[str] = set()
        for text, label in zip(pages.block_texts[i], pages.y[pages.rows(i)], strict=True):
            if label == UNLABELED:
                continue
            words = [w for w in tokens_of(text.lower()) if w[0].isalpha()]
            if label > 0:
                content.update(words)
            else:
                chrome.update(words)
        in_content.update(content.keys())
        in_chrome.update(chrome - content.keys())
        if content.total() >= LEXICON_PAGE_TOKENS:
            lang = (pages.langs[i]
                    or Counter(_script(w) for w in content.elements()).most_common(1)[0][0])
            by_lang.setdefault(lang, []).append(set(content))
    function: set[str] = set()
    for seen in by_lang.values():
        if len(seen) >= LEXICON_LANG_PAGES:
            share = Counter(w for words in seen for w in words)
            function.update(w for w, n in share.most_common(FUNCTION_WORDS_PER_LANG)
                            if n >= FUNCTION_WORD_PAGE_SHARE * len(seen))
    chrome_words = {w for w, n in in_chrome.items()
                    if n >= CHROME_WORD_PAGE_SHARE * pages.n_pages
                    and n >= CHROME_WORD_RATIO * max(in_content[w], 1)}
    return Lexicon(frozenset(function), frozenset(chrome_words))


def with_lexicon(pages: PageSet, lexicon: Lexicon | None, config: Config = DEFAULT_CONFIG,
                 mask_share: float = 0.0) -> PageSet:
    """`pages` with the LEXICON_COLUMNS of `lexicon` after their featurizer columns (none for
    None), as `featurize` gives them to a model with that lexicon: the lexicon is learned
    after featurizing. `mask_share` of the pages (seeded) get them missing
    (LEXICON_MISSING), so a model learns to decide without them."""
    if pages.lexicon is lexicon and not mask_share:
        return pages
    base = pages.X[:, :len(feature_names(config))]
    if lexicon is None:
        return replace(pages, X=base, lexicon=None)
    masked = np.random.default_rng(SEED).random(pages.n_pages) < mask_share
    empty = Lexicon()
    words = np.vstack([np.zeros((0, len(LEXICON_COLUMNS)), dtype=np.float32)] + [
        lexicon_columns(pages.block_texts[i], empty if masked[i] else lexicon)
        for i in range(pages.n_pages)])
    return replace(pages, X=np.hstack([base, words]), lexicon=lexicon)


def split_by_site(pages: PageSet, share: float, seed: int = SEED) -> tuple[np.ndarray, ...]:
    """Page indices of a (train, held-out) split where no site is on both sides."""
    sites = sorted(set(pages.groups))
    rng = np.random.default_rng(seed)
    held = set(rng.choice(sites, size=max(1, int(len(sites) * share)), replace=False).tolist())
    is_held = np.array([g in held for g in pages.groups])
    return np.flatnonzero(~is_held), np.flatnonzero(is_held)


def _rows(pages: PageSet, params: HyperParams) -> tuple[np.ndarray, np.ndarray]:
    """Training rows after subsampling small blocks, and their compensated weights."""
    rng = np.random.default_rng(SEED)
    small = pages.weights < params.small_block_tokens
    keep = (~small | (rng.random(len(small)) < params.small_block_keep)) & (pages.y != UNLABELED)
    weights = np.where(small, pages.weights / params.small_block_keep, pages.weights)
    if params.page_weight_power:
        page_of_row = np.repeat(np.arange(pages.n_pages), np.diff(pages.page_starts))
        per_page = np.bincount(page_of_row, weights=np.where(keep, weights, 0.0),
                               minlength=pages.n_pages)
        scale = np.maximum(per_page, PAGE_WEIGHT_FLOOR) ** -params.page_weight_power
        scaled = weights * scale[page_of_row]
        weights = scaled * (weights[keep].sum() / max(scaled[keep].sum(), 1e-12))
    rows = np.flatnonzero(keep)
    return rows, weights[rows]


def _fit_rows(params: HyperParams, X: np.ndarray, y: np.ndarray, pages: PageSet):
    rows, weights = _rows(pages, params)
    return _estimator(params).fit(X[rows], y[rows], sample_weight=weights)


def _estimator(params: HyperParams):
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(
        max_iter=params.max_iter, learning_rate=params.learning_rate,
        max_leaf_nodes=params.max_leaf_nodes, min_samples_leaf=params.min_samples_leaf,
        l2_regularization=params.l2_regularization, max_bins=params.max_bins,
        max_features=params.max_features, early_stopping=False, random_state=SEED,
    )


CUT_MODEL = {"max_iter": 200, "learning_rate": 0.05, "max_leaf_nodes": 7,
             "min_samples_leaf": 40}
"""The cut model is small: some 15,000 rows (held-out pages x cuts), 14 columns. Its
settings were chosen by leaving one training dataset out at a time within the held-out
pages of three leave-one-dataset-out folds, never on a test set: 7 leaves gained most
there (README, "Learned page cut")."""


def fit_cut_model(held: PageSet, proba: np.ndarray, threshold: float,
                  config: Config = DEFAULT_CONFIG):
    """Regressor of what a page's token F1 gains at each cut of CUT_GRID over `threshold`,
    from its `page_summary`, on held-out sites' first-pass probabilities, so each page can
    take the cut that suits it.

    Pages are decided as extraction decides them (region pass included), without a learned
    or per-page cut, and without the code and gap passes, which only add blocks after it.
    Pages without gold teach nothing and are left out. The target is the gain, not the F1
    itself: a page's F1 level is easier to predict than how it changes with the cut, and
    would drown it.
    """
    from sklearn.ensemble import HistGradientBoostingRegressor

    plain = replace(config, page_cut_floor=None, cut_margin=None)
    columns = Model(estimator=None, feature_names=tuple(feature_names(config)))
    tokens = columns.block_tokens(held.X)
    heads, comments = columns.heading_rows(held.X), columns.comment_rows(held.X)
    grid = np.array(CUT_GRID)
    cuts = np.append(grid, threshold)
    f1 = np.zeros((held.n_pages, len(cuts)))
    taught = np.ones(held.n_pages, dtype=bool)
    for k, cut in enumerate(cuts):
        keep = kept_rows(proba, tokens, held.page_starts, cut, plain, held.trees,
                         heads=heads, comments=comments)
        scores = [held.score(i, t) for i, t in enumerate(predicted_texts(held, keep))]
        f1[:, k] = [s.f1 for s in scores]
        taught = np.array([s.has_gold for s in scores], dtype=bool)
    summaries = np.array([page_summary(proba[held.rows(i)], tokens[held.rows(i)])
                          for i in range(held.n_pages)])[taught]
    X = np.hstack([np.repeat(summaries, len(grid), axis=0),
                   np.tile(grid, len(summaries))[:, None]])
    gain = f1[taught, :-1] - f1[taught, -1:]
    return HistGradientBoostingRegressor(**CUT_MODEL, random_state=SEED).fit(X, gain.ravel())


def predicted_texts(pages: PageSet, keep: np.ndarray) -> list[str]:
    """Extracted text of each page: its kept blocks, one per line."""
    texts = []
    for i in range(pages.n_pages):
        kept = keep[pages.rows(i)]
        texts.append("\n".join(t for t, k in zip(pages.block_texts[i], kept, strict=True) if k))
    return texts


def page_f1(pages: PageSet, proba: np.ndarray, threshold: float | np.ndarray) -> float:
    """Token F1 over pages when blocks with probability >= threshold (one for all pages, or
    one per page) are kept."""
    thresholds = np.broadcast_to(np.asarray(threshold, dtype=np.float64), (pages.n_pages,))
    keep = proba >= np.repeat(thresholds, np.diff(pages.page_starts))
    texts = predicted_texts(pages, keep)
    return summarize([pages.score(i, t) for i, t in enumerate(texts)], samples=0).f1


def _smoothing_input(pages: PageSet, proba: np.ndarray, config: Config) -> np.ndarray:
    names = feature_names(config)
    columns = np.array([names.index(n) for n in SMOOTHER_FEATURES], dtype=np.int64)
    return smoothing_input(pages.X, proba, pages.page_starts[:-1], columns)


def fit(pages: PageSet, params: HyperParams | None = None, config: Config = DEFAULT_CONFIG,
        progress: Callable[[str], None] | None = None) -> tuple[Model, dict]:
    """Fit the block classifier; pick threshold and smoothing on held-out sites, then refit all.

    Returns the model and a report of the choices with their held-out F1.
    """
    params = params or HyperParams()
    say = progress or (lambda _msg: None)
    train_idx, held_idx = split_by_site(pages, HOLDOUT_SHARE)
    train, held = subset(pages, train_idx), subset(pages, held_idx)
    # The lexicon too is learned on the training share only, so held-out sites judge it.
    lexicon = learn_lexicon(train) if params.lexicon else None
    train = with_lexicon(train, lexicon, config, LEXICON_MASK_SHARE)
    held = with_lexicon(held, lexicon, config)
    if lexicon is not None:
        say(f"lexicon: {len(lexicon.function_words)} function words, "
            f"{len(lexicon.chrome_words)} chrome words")
    say(f"choosing threshold on {held.n_pages} held-out pages "
        f"({len(set(held.groups))} sites), fitting on {train.n_pages}")
    started = time.monotonic()
    first = _fit_rows(params, train.X, train.y, train)
    proba = first.predict_proba(held.X)[:, 1]
    plain = {t: page_f1(held, proba, t) for t in THRESHOLD_GRID}
    best_t = max(plain, key=plain.get)
    report = {"heldout_pages": held.n_pages, "heldout_f1_by_threshold": plain,
              "threshold": best_t, "heldout_f1": plain[best_t]}
    say(f"first pass: held-out F1 {plain[best_t]:.4f} at threshold {best_t} "
        f"({time.monotonic() - started:.0f}s)")
    use_smoothing = False
    if params.smoothing:
        oof = _out_of_fold(train, params)
        second = _fit_rows(params, _smoothing_input(train, oof, config), train.y, train)
        smooth = second.predict_proba(_smoothing_input(held, proba, config))[:, 1]
        smoothed = {t: page_f1(held, smooth, t) for t in THRESHOLD_GRID}
        best_s = max(smoothed, key=smoothed.get)
        report["smoothing_heldout_f1"] = smoothed[best_s]
        say(f"smoothing pass: held-out F1 {smoothed[best_s]:.4f} at threshold {best_s}")
        if smoothed[best_s] > plain[best_t]:
            use_smoothing, best_t = True, best_s
            report["threshold"] = best_t
            report["heldout_f1"] = smoothed[best_s]
    report["smoothing"] = use_smoothing
    cut_model = None
    if params.learned_cut:
        final = smooth if use_smoothing else proba
        cut_model = fit_cut_model(held, final, best_t, config)
        cuts = Model(first, feature_names(config, lexicon is not None), best_t,
                     cut_model=cut_model, lexicon=lexicon).page_thresholds(
            final, held.X, held.page_starts, config)
        # In-sample for the cut model: a check that it learned, not an estimate of its gain.
        report["cut_heldout_f1_in_sample"] = page_f1(held, final, cuts)
        say(f"learned page cut: held-out F1 {report['cut_heldout_f1_in_sample']:.4f} "
            f"(fitted on these pages), {np.mean(cuts != best_t):.0%} of pages move")
    if params.refit:
        say(f"refitting on all {pages.n_pages} pages ({len(pages.y)} blocks)")
        lexicon = learn_lexicon(pages) if params.lexicon else None
        pages = with_lexicon(pages, lexicon, config, LEXICON_MASK_SHARE)
        estimator = _fit_rows(params, pages.X, pages.y, pages)
        smoother = None
        if use_smoothing:
            oof = _out_of_fold(pages, params)
            smoother = _fit_rows(params, _smoothing_input(pages, oof, config), pages.y, pages)
    else:
        estimator, smoother = first, (second if use_smoothing else None)
    report["fit_seconds"] = round(time.monotonic() - started, 1)
    model = Model(estimator=estimator, smoother=smoother,
                  feature_names=feature_names(config, lexicon is not None),
                  threshold=float(best_t), cut_model=cut_model, lexicon=lexicon)
    return model, report


OOF_FOLDS = 2


def _out_of_fold(pages: PageSet, params: HyperParams) -> np.ndarray:
    """First-pass probabilities for every block from models that never saw its site."""
    from sklearn.model_selection import GroupKFold

    page_of_row = np.repeat(np.arange(pages.n_pages), np.diff(pages.page_starts))
    site_ids = {g: i for i, g in enumerate(sorted(set(pages.groups)))}
    row_groups = np.array([site_ids[g] for g in pages.groups])[page_of_row]
    oof = np.zeros(len(pages.y), dtype=np.float64)
    rows, weights = _rows(pages, params)
    kept = np.zeros(len(pages.y), dtype=bool)
    kept[rows] = True
    full_weights = np.zeros(len(pages.y))
    full_weights[rows] = weights
    for fit_rows, pred_rows in GroupKFold(n_splits=OOF_FOLDS).split(pages.X, groups=row_groups):
        fit_rows = fit_rows[kept[fit_rows]]
        est = _estimator(params).fit(pages.X[fit_rows], pages.y[fit_rows],
                                     sample_weight=full_weights[fit_rows])
        oof[pred_rows] = est.predict_proba(pages.X[pred_rows])[:, 1]
    return oof
