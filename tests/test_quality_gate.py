"""The shipped model must not slide back: F1 floors on a fixed sample of shared pages.

Token F1 against full gold text; for a set with snippet gold only (trafilatura-eval, mostly
German), F1 of must-have snippets found against must-not snippets found.

Pages are named by id in tests/data/quality_gate.json (written by bench/quality_gate.py,
which only ever raises floors). Its "templates" part gates `--site-templates`: pages of
the largest sites of three news sets, each set read as one batch. Skips, saying why, where
../shared is absent.
"""

import json
from dataclasses import replace
from pathlib import Path

import pytest

from boilerplate.config import DEFAULT_CONFIG
from boilerplate.datasets import Dataset
from boilerplate.evaluate import score_pageset
from boilerplate.extract import Extractor
from boilerplate.metrics import summarize
from boilerplate.train import featurize_pages

from .conftest import shared_dataset

GATE = json.loads((Path(__file__).parent / "data" / "quality_gate.json").read_text())


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor.load()


@pytest.mark.parametrize("name", sorted(GATE["floors"]))
def test_model_stays_above_its_floor(name, extractor):
    path = shared_dataset(name)
    wanted = set(GATE["pages"][name])
    pages = [p for p in Dataset(path) if p.id in wanted]
    assert len(pages) == len(wanted), "gate pages missing from the dataset"
    f1 = summarize([p.score(extractor.extract(p.html, where=p.id)) for p in pages], samples=0).f1
    assert f1 >= GATE["floors"][name], f"{name}: F1 {f1:.4f} below floor {GATE['floors'][name]}"


@pytest.mark.parametrize("name", sorted(GATE["templates"]["floors"]))
def test_site_templates_stay_above_their_floor(name, extractor):
    path = shared_dataset(name)
    wanted = set(GATE["templates"]["pages"][name])
    config = replace(DEFAULT_CONFIG, site_templates=True)
    batch = featurize_pages((p for p in Dataset(path) if p.id in wanted), name, config)
    assert batch.n_pages == len(wanted), "gate pages missing from the dataset"
    results = score_pageset(extractor.model, batch, config=config)
    f1 = summarize([r.score for r in results], samples=0).f1
    floor = GATE["templates"]["floors"][name]
    assert f1 >= floor, f"{name} with site templates: F1 {f1:.4f} below floor {floor}"
