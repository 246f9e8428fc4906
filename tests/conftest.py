"""Shared test helpers: fixtures are found relative to this file, never the working directory."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


def shared_dataset(name: str) -> Path:
    """Path of a ../shared dataset, or skip the test with the reason when it is absent."""
    path = SHARED / "datasets" / name / "pages.jsonl.gz"
    if not path.exists():
        pytest.skip(f"{path} not found: the shared datasets live beside the project checkout")
    return path
