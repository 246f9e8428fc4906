"""Every tag set, limit and threshold of the pipeline, in one place shared by API and CLI."""

from __future__ import annotations

from dataclasses import dataclass

# Elements whose content is never visible text on a rendered page.
DROPPED_TAGS: tuple[str, ...] = (
    "script", "style", "noscript", "template", "svg", "math", "iframe", "object",
    "embed", "canvas", "video", "audio", "select", "datalist",
    # Ruby readings (furigana, pinyin) sit above the base text; read inline they split
    # every word ("子こども" for "子ども"), so text would match neither gold nor search.
    "rt", "rp",
)
# Subtrees kept in the tree (the title lives there) but never turned into blocks.
SKIPPED_TAGS: frozenset[str] = frozenset({"head", "title"})

# Elements that start a new line box in a browser: text never runs across them.
BLOCK_TAGS: frozenset[str] = frozenset({
    "html", "body", "p", "div", "li", "ul", "ol", "dl", "dd", "dt", "td", "th", "tr",
    "table", "thead", "tbody", "tfoot", "caption", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "section", "article", "nav", "aside", "header", "footer", "form",
    "fieldset", "legend", "figure", "figcaption", "main", "address", "hr", "center",
    "details", "summary", "menu", "dir", "frameset", "frame", "noframes", "hgroup",
    "dialog", "search",
})

# Ancestor tags whose presence is recorded as a per-block flag, in bit order.
CONTEXT_TAGS: tuple[str, ...] = (
    "a", "li", "nav", "header", "footer", "aside", "form", "h", "p", "td", "article", "main",
    "blockquote", "pre", "figure", "table",
)
HEADING_TAGS: frozenset[str] = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

# Class/id words that hint at main content or at page chrome. A word matches a class/id
# token that equals it or starts with it (so "nav" matches "navbar", "comment" "comments").
CONTENT_WORDS: tuple[str, ...] = (
    "article", "content", "post", "entry", "story", "body", "main", "text", "detail",
)
CHROME_WORDS: tuple[str, ...] = (
    "nav", "menu", "footer", "header", "sidebar", "share", "social", "comment", "related",
    "recommend", "ad", "promo", "breadcrumb", "copyright", "tag", "widget", "banner",
    "subscribe", "newsletter", "login", "author", "date", "meta", "caption", "hidden",
)
# Words matched only exactly: as prefixes they would hit unrelated tokens ("ad" in "address").
EXACT_ONLY_WORDS: frozenset[str] = frozenset({"ad", "ads", "tag", "meta", "date", "text", "body"})

# Class/id words of cookie and privacy consent dialogs (`blocks.is_consent`). A reader
# dismisses them, but their long legal prose reads like an article: on a news page the
# vendor list can be the page's largest block of text and take the main container.
CONSENT_WORDS: frozenset[str] = frozenset({
    "consent", "gdpr", "cookielaw", "cookieconsent", "cookiebot", "onetrust", "didomi",
    "usercentrics", "trustarc", "quantcast",
})
COOKIE_WORDS: frozenset[str] = frozenset({"cookie", "cookies"})
"""A cookie word names a consent dialog only beside a word of COOKIE_NOTICE_WORDS ("cookie
banner", "cookie-notice"), not alone (a recipe site's "cookie-recipe")."""
COOKIE_NOTICE_WORDS: frozenset[str] = frozenset({
    "banner", "notice", "warning", "bar", "popup", "modal", "message", "alert", "law",
    "policy", "overlay", "notification", "disclaimer", "dialog", "layer", "accept",
    "settings", "prompt",
})
CMP_WORDS: frozenset[str] = frozenset({"ads", "modal", "popup", "dialog", "overlay"})
""""cmp" (consent management platform) names a consent dialog only beside one of these:
alone it is a common component prefix ("cmp-text", "cmp-container") of content too."""

# Tag names with their own one-hot column; anything else falls into "other".
TAG_COLUMNS: tuple[str, ...] = (
    "p", "div", "td", "li", "h", "pre", "blockquote", "dd", "dt", "th", "figcaption",
    "caption", "article", "section", "body", "form", "center", "tr", "table", "ul", "header",
    "footer", "nav", "aside", "main", "address", "summary", "legend",
)

PAGE_CUT_FLOOR = 0.1
"""The floor `--page-cut` sets: below it a block is too unlikely to keep on any page."""
REGION_FLOOR = 0.1
"""The main-region pass's floor (on by default, `--no-region` turns it off)."""
CODE_FLOOR = 0.05
"""The code pass's floor (`Config.code_floor`)."""
GAP_FLOOR = 0.1
"""The gap pass's floor (on by default, `--no-gap` turns it off)."""
LISTING_FLOOR = 0.01
"""The listing pass's floor (on by default, `--no-listing` turns it off)."""
FILL_FLOOR = 0.02
"""The fill pass's floor (on by default, `--no-fill` turns it off)."""
FEED_LINK_DENSITY = 0.2
"""The feed pass's link density (on by default, `--no-feed` turns it off)."""
REGION_SECTIONS = 3
"""Sibling sections that make a main region one section of a manual (`Config.region_sections`;
opt-in, `--sections` turns it on)."""


CUT_GRID: tuple[float, ...] = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6,
                                0.65, 0.7, 0.8)
"""The cuts a page may take when the model has a learned page cut (`Config.cut_margin`)."""
CUT_MARGIN = 0.01
"""Expected page-F1 gain a page's own cut must promise over the threshold (`Config.cut_margin`):
below it the prediction is within the cut model's own error, and the page keeps the threshold."""


@dataclass(frozen=True)
class Config:
    """Limits and knobs of one pipeline run; the CLI builds it from its options."""

    max_bytes: int = 32 * 1024 * 1024
    """Refuse pages larger than this (bytes of markup), before parsing."""
    max_blocks: int = 50_000
    """Keep at most this many blocks of a page; the rest are dropped with a warning."""
    line_width: int = 80
    """Columns of the virtual line used for text density (CJK characters take 2)."""
    context_window: int = 2
    """How many previous and next blocks lend their features to a block."""
    class_hash_buckets: int = 32
    """Width of the hashed bag of class/id tokens."""
    page_cut_floor: float | None = None
    """Lowest cut a page may give itself (`model.page_cut`, e.g. PAGE_CUT_FLOOR); None (the
    default) uses the model's threshold on every page. A page laid out unlike the training
    pages gets low probabilities throughout and one threshold drops its whole content; the
    per-page cut wins that back, but costs precision on strictly annotated news sets
    (README, "Per-page cut"), so it is opt-in."""
    cut_margin: float | None = CUT_MARGIN
    """A model with a learned page cut (`Model.cut_model`) moves a page off its threshold to
    the cut of CUT_GRID it expects to score best, when it expects that to gain more than
    this much page F1; None keeps the model's threshold on every page. A manual or a listing
    the model is unsure about throughout wants a lower cut, a news page with a confident
    article and teasers below it a higher one (README, "Learned page cut")."""
    region_floor: float | None = REGION_FLOOR
    """Lowest probability at which a block inside the page's main region, built like the
    blocks kept there, is still kept (`model.region_pass`); None turns the region pass off
    and keeps exactly the blocks at or above the cut. A forum's later replies or a manual's
    later sections share the region and tag path of the blocks the model is sure about but
    score lower on their own. On by default: it raised F1 on every set the default model
    never saw (README, "Main-region pass")."""
    region_share: float = 0.75
    """The main region is the deepest container holding this share of the kept blocks'
    probability-weighted tokens."""
    region_sure: float = 0.7
    """A block the region pass adds must share its tag path with a kept block at least
    this probable."""
    region_majority: float = 0.3
    """The region pass adds a tag path's unsure blocks only where the blocks already kept hold
    this share of that path's tokens in the region: it completes a pattern the model mostly
    accepted (a forum's posts), not one it mostly rejected (a long comment thread with a
    few sure-looking comments); 0 lets any sure block vouch for its path."""
    region_trim: float | None = 0.6
    """The region pass drops kept blocks below this probability that lie outside the main
    region (comments, teasers and boxes beside the article); None keeps them."""
    region_article_tokens: float | None = 100.0
    """A page whose kept blocks at `region_article_sure` or above hold this many tokens has
    an article the model is sure of; the region pass then also drops the kept blocks below
    `region_trim` that come before that article outside its own region (the deepest
    container holding `region_share` of the sure blocks' weight): a news feed or a teaser
    column laid out ahead of the story, which can outweigh it and so widen the main region
    around both. None turns this off."""
    region_article_sure: float = 0.9
    """The probability at which a kept block counts towards that article."""
    region_sections: int | None = None
    """With a number (REGION_SECTIONS, `--sections`), a main region led by a heading (h2-h6)
    among at least that many sibling elements led by headings of the same level is one
    section of a manual, whose later sections a model taught mostly on news rates lower and
    lower: the region is their parent instead, up the tree while that holds and while the
    wider region takes in no comment container (a post's comments are a section led by a
    heading too; `model.section_regions`). Every pass that uses the main region sees the
    wider one. None (the default) keeps the deepest container: for a model that learned
    from manuals, as the shipped one did, it gained nothing and cost a few pages (README,
    "Section regions")."""
    code_floor: float | None = CODE_FLOOR
    """A code block (`<pre>`) next to a kept block is kept down to this probability
    (`model.code_pass`): a manual's examples, which a model that learned mostly from news
    rates low; None turns the pass off."""
    gap_floor: float | None = GAP_FLOOR
    """Blocks down to this probability that lie between two kept blocks, inside the page's
    main region, are kept (`model.gap_pass`): a manual's entries and a listing's items
    between the sections the model is sure of, which it rates low on their own, as
    jusText keeps short blocks between good ones; None turns the pass off."""
    gap_max_link_density: float = 0.5
    """The gap pass leaves a block with at least this link density out: the "read also"
    teasers set between an article's paragraphs are links."""
    listing_floor: float | None = LISTING_FLOOR
    """On a page where little is kept and no article is, the records of its likeliest group
    of sibling records are kept down to this probability (`model.listing_pass`): a listing's
    items, which a model taught on articles rates as teasers; None turns the pass off."""
    listing_min_records: int = 4
    """Sibling containers that must share a tag path for their blocks to count as records."""
    listing_min_share: float = 0.1
    """A record group must hold at least this share of the page's tokens."""
    listing_min_record_tokens: float = 5.0
    """... and this many tokens a record on average: an archive's month links and a
    blogroll's names are shorter than a listing's items."""
    listing_max_nested: float = 0.8
    """... and at most this share of its records' tokens may lie in record groups nested in
    them: records made of lists of links are a sidebar's widgets or a mega menu's columns."""
    listing_min_link_density: float = 0.2
    """At least this share of a record group's tokens must be links: a listing links to its
    items, while a comment thread under an article is prose."""
    listing_max_kept: float = 0.2
    """The listing pass stays off where the blocks kept outside the group hold more tokens
    than this share of the group's records: the page has content of its own."""
    listing_prose_tokens: int = 20
    """A kept block with this many tokens or more ..."""
    listing_prose_sure: float = 0.75
    """... and at least this probability is an article's prose: the listing pass stays off."""
    fill_floor: float | None = FILL_FLOOR
    """On a page the model is unsure of throughout, every block of the main region down to
    this probability is kept, but for links and text the page repeats (`model.fill_pass`):
    a manual's entries, a forum's replies, a service page's sections, which a model taught
    mostly on news rates low however they are built; None turns the pass off."""
    fill_sure: float = 0.9
    """A kept block at this probability or above is one the model is sure of ..."""
    fill_max_sure_share: float = 0.4
    """... and a page whose sure blocks hold more than this share of the kept tokens is one
    the model is sure of (a news article): the fill pass leaves it alone."""
    fill_min_blocks: int = 2
    """The region the fill pass fills holds at least this many blocks: one kept paragraph's
    own element is no region."""
    fill_max_link_density: float = 0.5
    """The fill pass leaves a block with at least this link density out: a manual's
    "previous / next" and "see also" links sit in its main region too."""
    feed_link_density: float | None = FEED_LINK_DENSITY
    """On a page with a sure article (`region_article_tokens` of kept text at
    `region_article_sure` or above), a kept prose block below that probability, outside the
    article's own region, whose enclosing element holds at least this share of its tokens
    in links (blocks at `feed_max_block_link_density` or more) is dropped (`model.feed_pass`):
    a feed of headlines and summaries beside or after the story, each summary as prose-like
    as a paragraph. None turns the pass off."""
    feed_max_block_link_density: float = 0.5
    """A block with at least this link density is a link, not prose: it makes no article (a
    listing's summaries are links, and a page of them has no feed to drop), and the feed
    pass leaves it (a kept link beside the story is a headline, maybe the story's own)."""
    comment_trim: bool = False
    """On a page with a sure article outside comment containers (`region_article_tokens` of
    kept prose at `region_article_sure` or above, in no element whose class or id says
    "comment"), drop the kept blocks inside comment containers outside the article's own
    region (`model.comment_pass`, `--drop-comments`): a blog post's comments read like prose
    and a model keeps them. Opt-in: the sets disagree on comments (dragnet, l3s-gn1 and
    daniel leave them out, cleaneval keeps them), and on the quality gate's cleaneval pages
    one blog whose gold keeps its comments falls from 0.98 to 0.06 (README, "Comments beside
    a sure article")."""
    site_templates: bool = False
    """Treat the pages of a run as one batch and drop blocks whose text recurs on other pages
    of the same site (`templates`): menus, footers and teasers that one page alone cannot
    tell from prose. Off by default: it needs a batch with several pages per site."""
    template_min_chars: int = 10
    """Shortest block text (normalized) that counts as site-template evidence
    (`templates.SiteIndex`); shorter ones ("Home", "More") recur in prose too."""
    template_min_pages: int = 1
    """A block is part of its site's template when its text recurs on at least this many
    other pages of the site in the batch (`templates.SiteIndex.recurring`)."""
    template_duplicate_share: float = 0.9
    """Another page holding this share of a page's block text is the same page fetched again
    (a re-crawl, a second URL), not a sibling: it is not template evidence."""
    template_copy_share: float | None = 0.7
    """A sibling that alone shares this share of a page's probable text (its blocks at
    `template_copy_sure` or more, weighed by length and probability) holds another version
    of the same document (a manual for two releases, an intro repeated on a getting-started
    page): it is not template evidence. None turns the check off."""
    template_copy_sure: float = 0.8
    """The probability at which a block counts as the page's probable text for
    `template_copy_share`."""
    template_title_copies: int = 5
    """Pages of a site with the same <title> are one page fetched again, unless more than this
    many share it: then the title is the site's name, not the page's."""
    detect_sample_bytes: int = 65_536
    """How much of an undeclared page the charset detector reads."""
    meta_sniff_bytes: int = 16_384
    """How far into the page to look for a <meta charset> declaration."""
    max_replacement_share: float = 0.001
    """A declared charset is trusted when at most this share of characters fail to decode."""


DEFAULT_CONFIG = Config()
