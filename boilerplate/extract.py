"""Stage 6: apply a model to a page, the pipeline in a few lines (batches: batch.py)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .blocks import Block, containers, segment
from .config import DEFAULT_CONFIG, Config
from .errors import BoilerplateWarning
from .features import featurize
from .model import Model, decide_page
from .parse import parse
from .render import (
    ClassifiedBlock,
    PageResult,
    RenderOptions,
    content_sample,
    render,
    title_of,
)
from .sources import Page
from .templates import SiteIndex, demote
from .text import cjk_lang


@dataclass
class Extractor:
    """A loaded model plus settings: load once, then classify or extract any number of pages."""

    model: Model
    config: Config = DEFAULT_CONFIG
    threshold: float | None = None
    """Decision threshold; None uses the one chosen when the model was trained."""
    templates: SiteIndex | None = None
    """The batch's site templates (`templates.index_pages`): a page found there by its id
    loses the blocks that recur on other pages of its site (`Config.site_templates`)."""

    @classmethod
    def load(cls, path: str | Path | None = None, *, config: Config = DEFAULT_CONFIG,
             threshold: float | None = None) -> Extractor:
        """Load a model directory, or the shipped default model when `path` is None."""
        return cls(Model.load(path), config, threshold)

    @property
    def cut(self) -> float:
        """The probability at or above which a block is content; a page may lower it for
        itself, down to `Config.page_cut_floor` (see `model.page_cut`), or move it where the
        model has a learned page cut (`Model.page_threshold`)."""
        return self.model.threshold if self.threshold is None else self.threshold

    def run(self, html: str | bytes, *, page_id: str = "<input>", url: str | None = None,
            encoding: str | None = None, keep_features: bool = False) -> PageResult:
        """The whole pipeline for one page: parse, segment, featurize, predict, label."""
        doc = parse(html, encoding=encoding, url=url, config=self.config, where=page_id)
        blocks = segment(doc, self.config)
        if not blocks:
            warnings.warn("page has no visible text (a script-only page, a frameset, or an "
                          "empty body)", BoilerplateWarning, stacklevel=2)
        regions = any(floor is not None for floor in (
            self.config.region_floor, self.config.gap_floor, self.config.listing_floor,
            self.config.fill_floor, self.config.feed_link_density))
        tree = containers(blocks) if regions else None
        features = featurize(blocks, self.config, doc.title, tree, self.model.lexicon)
        scores = self.model.predict_proba(features)
        decided = self._demote_template(scores, blocks, page_id)
        threshold = self.model.page_threshold(decided, features.values, self.config, self.cut)
        values = features.values
        keep, cut = decide_page(decided, self.model.block_tokens(values), tree, threshold,
                                self.config, self.model.code_rows(values),
                                self.model.link_rows(values), self.model.repeat_rows(values),
                                self.model.heading_rows(values),
                                self.model.comment_rows(values))
        classified = tuple(map(ClassifiedBlock, blocks, keep.tolist(), scores.tolist()))
        title = title_of(doc.og_title, doc.html_title, classified)
        lang = cjk_lang(content_sample(classified)) or doc.lang
        return PageResult(id=page_id, url=url, title=title, lang=lang, blocks=classified,
                          features=features if keep_features else None, cut=cut)

    def _demote_template(self, scores: np.ndarray, blocks: list[Block], page_id: str
                         ) -> np.ndarray:
        """The scores the decision uses: the model's, less the site's template blocks."""
        if self.templates is None or page_id not in self.templates.numbers:
            return scores
        number = self.templates.numbers[page_id]
        recurring = self.templates.recurring(number, [block.text for block in blocks], scores)
        return demote(scores, recurring)

    def classify(self, html: str | bytes, *, encoding: str | None = None,
                 where: str = "<input>") -> list[ClassifiedBlock]:
        """Every block of the page with its label and probability."""
        return list(self.run(html, page_id=where, encoding=encoding).blocks)

    def extract(self, html: str | bytes, *, format: str = "text", links: bool = False,
                blocks: bool = False, features: bool = False, url: str | None = None,
                encoding: str | None = None, where: str = "<input>") -> str:
        """The page's main content in one of render.FORMATS."""
        options = RenderOptions(format, links=links, blocks=blocks, features=features)
        return self.render_page(Page(where, html, url, encoding), options)

    def render_page(self, page: Page, options: RenderOptions) -> str:
        """One source page rendered with `options` (features kept only when asked for)."""
        result = self.run(page.data, page_id=page.id, url=page.url, encoding=page.encoding,
                          keep_features=options.features)
        return render(result, options)


def extract(html: str | bytes, *, format: str = "text",
            model: Extractor | Model | str | Path | None = None) -> str:
    """Main content of one page. For many pages, build an Extractor once and reuse it."""
    if isinstance(model, Extractor):
        extractor = model
    elif isinstance(model, Model):
        extractor = Extractor(model)
    else:
        extractor = Extractor.load(model)
    return extractor.extract(html, format=format)
