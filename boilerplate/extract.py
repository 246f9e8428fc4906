"""Stage 5: apply a model to a page, the whole pipeline in a few lines."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from .blocks import Block, segment
from .config import DEFAULT_CONFIG, Config
from .features import featurize
from .model import Model
from .parse import parse

FORMATS = ("text", "json")


class ClassifiedBlock(NamedTuple):
    """A block with the model's decision and the probability behind it."""

    block: Block
    content: bool
    probability: float


@dataclass
class Extractor:
    """A loaded model plus settings: load once, then classify or extract any number of pages."""

    model: Model
    config: Config = DEFAULT_CONFIG
    threshold: float | None = None
    """Decision threshold; None uses the one chosen when the model was trained."""

    @classmethod
    def load(cls, path: str | Path | None = None, *, config: Config = DEFAULT_CONFIG,
             threshold: float | None = None) -> Extractor:
        """Load a model directory, or the shipped default model when `path` is None."""
        return cls(Model.load(path), config, threshold)

    def classify(self, html: str | bytes, *, encoding: str | None = None,
                 where: str = "<input>") -> list[ClassifiedBlock]:
        """Every block of the page with its label and probability: parse, segment, featurize,
        predict."""
        doc = parse(html, encoding=encoding, config=self.config, where=where)
        blocks = segment(doc, self.config)
        proba = self.model.predict_proba(featurize(blocks, self.config, doc.title))
        cut = self.model.threshold if self.threshold is None else self.threshold
        return [ClassifiedBlock(b, bool(p >= cut), float(p))
                for b, p in zip(blocks, proba, strict=True)]

    def extract(self, html: str | bytes, *, format: str = "text", encoding: str | None = None,
                where: str = "<input>") -> str:
        """The page's main content in the requested format."""
        classified = self.classify(html, encoding=encoding, where=where)
        return render(classified, format)


def render(classified: list[ClassifiedBlock], format: str = "text") -> str:
    """Content blocks as text (one paragraph per line) or as a JSON document."""
    if format == "text":
        return "\n".join(c.block.text for c in classified if c.content)
    if format == "json":
        return json.dumps({"text": render(classified, "text")}, ensure_ascii=False)
    raise ValueError(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")


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
