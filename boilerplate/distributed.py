"""Stage 7 (optional): extraction on a Dask cluster, the inputs cut into record ranges.

Dask is an optional extra (`pip install 'boilerplate[dask]'`). Each range of records (a
slice of a WARC or JSON lines file, or one HTML file) is one task; every worker process
loads the model once and reuses it for all the tasks it runs.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from .batch import Outcome, process
from .config import DEFAULT_CONFIG, Config
from .errors import BoilerplateError, BoilerplateWarning
from .extract import Extractor
from .render import RenderOptions
from .sources import Range, SourceError, plan_ranges, read_range

DASK_EXTRA = "pip install 'boilerplate[dask]'"
PARQUET_EXTRA = "pip install pyarrow"
RECORDS_PER_RANGE = 500
"""Records per task: big enough to amortise scheduling, small enough to balance workers."""
PART_NAME = "part-{:05d}.jsonl"
JSONL = RenderOptions("jsonl")


@dataclass(frozen=True)
class ModelSpec:
    """What a worker needs to build its Extractor: small to ship, cheap to compare."""

    path: str | None
    config: Config = DEFAULT_CONFIG
    threshold: float | None = None


_extractors: dict[ModelSpec, Extractor] = {}
"""One Extractor per model spec in each worker process: the model loads once per process,
not once per task or page (explicitly named so it is not a hidden cache)."""


def worker_extractor(spec: ModelSpec) -> Extractor:
    """This process's Extractor for `spec`, loaded on first use."""
    extractor = _extractors.get(spec)
    if extractor is None:
        extractor = _extractors[spec] = Extractor.load(spec.path, config=spec.config,
                                                       threshold=spec.threshold)
    return extractor


def _require_dask():
    try:
        import dask.bag
    except ImportError as exc:
        raise BoilerplateError(f"running on Dask needs the dask extra: {DASK_EXTRA}") from exc
    return dask.bag


def extract_range(part: Range | SourceError, spec: ModelSpec,
                  options: RenderOptions) -> list[dict]:
    """Outcomes (as dicts) of one range of records, in file order."""
    if isinstance(part, SourceError):
        return [asdict_outcome(Outcome(part.id, None, part.reason, usage=part.usage))]
    extractor = worker_extractor(spec)
    return [asdict_outcome(process(extractor, item, options)) for item in read_range(part)]


def asdict_outcome(outcome: Outcome) -> dict:
    """An Outcome as a plain dict (what the bag holds, and what pickles across machines)."""
    return {"id": outcome.id, "output": outcome.output, "error": outcome.error,
            "warnings": list(outcome.warnings), "usage": outcome.usage}


def extract_bag(paths: Sequence[str], model: str | Path | None = None, *,
                options: RenderOptions = JSONL, config: Config = DEFAULT_CONFIG,
                threshold: float | None = None, records_per_range: int = RECORDS_PER_RANGE):
    """A dask.bag.Bag of page outcomes ({"id", "output", "error", "warnings", "usage"}), one
    partition per range of records, in input order. Planning reads each WARC or JSON lines
    file once to find record offsets; the pages are read on the workers."""
    bag = _require_dask()
    spec = ModelSpec(None if model is None else str(Path(model).resolve()), config, threshold)
    ranges = plan_ranges(paths, records_per_range)
    if not ranges:
        return bag.from_sequence([], npartitions=1)
    return bag.from_sequence(ranges, npartitions=len(ranges)).map_partitions(
        _extract_partition, spec, options)


def _extract_partition(parts: list, spec: ModelSpec, options: RenderOptions) -> list[dict]:
    return [row for part in parts for row in extract_range(part, spec, options)]


@dataclass(frozen=True)
class PartSummary:
    """What one task wrote: its file, how many pages, and the pages that failed."""

    index: int
    file: str
    pages: int
    failed: list[dict]


def write_part(rows: list[dict], index: int, out_dir: str, parquet: bool = False
               ) -> PartSummary:
    """Write one partition's outputs as JSON lines (or Parquet: one row per page, the JSON
    record's fields as columns), atomically; report its failures."""
    suffix = ".parquet" if parquet else ".jsonl"
    path = Path(out_dir) / PART_NAME.format(index).replace(".jsonl", suffix)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    outputs = [row["output"] for row in rows if row["output"] is not None]
    if parquet:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist([json.loads(o) for o in outputs]), tmp)
    else:
        with tmp.open("w", encoding="utf-8") as fh:
            fh.writelines(output + "\n" for output in outputs)
    os.replace(tmp, path)
    return PartSummary(index, str(path), len(outputs),
                       [{"id": r["id"], "error": r["error"], "usage": r["usage"]}
                        for r in rows if r["error"] is not None])


def extract_to_dir(paths: Sequence[str], out_dir: str | Path, address: str, *,
                   model: str | Path | None = None, options: RenderOptions = JSONL,
                   config: Config = DEFAULT_CONFIG, threshold: float | None = None,
                   records_per_range: int = RECORDS_PER_RANGE, local_workers: int = 2,
                   parquet: bool = False) -> list[PartSummary]:
    """Run extract_bag on a cluster (a scheduler address, or "local" for a LocalCluster of
    `local_workers` processes) and write OUT_DIR/part-NNNNN.jsonl (or .parquet, which needs
    pyarrow), one file per range."""
    _require_dask()
    if parquet and importlib.util.find_spec("pyarrow") is None:
        raise BoilerplateError(f"Parquet output needs pyarrow: {PARQUET_EXTRA}")
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    bag = extract_bag(paths, model, options=options, config=config,
                      threshold=threshold, records_per_range=records_per_range)
    from dask import delayed

    parts = bag.to_delayed()
    writes = [delayed(write_part)(part, i, str(out_dir), parquet)
              for i, part in enumerate(parts)]
    return run_on_cluster(delayed(list)(writes), address, local_workers)


# ---- evaluation ---------------------------------------------------------------------------

def _dataset_size(path: str) -> int:
    """Pages in a dataset, counted without parsing them (pages.jsonl.gz lines, or pairs)."""
    from .datasets import Dataset

    source = Dataset(path).path
    if source.is_dir():
        return sum(1 for _ in source.glob("*.html"))
    opener = gzip.open if source.name.endswith(".gz") else open
    with opener(source, "rb") as fh:
        return sum(1 for line in fh if line.strip())


def _evaluate_range(path: str, start: int, count: int, spec: ModelSpec) -> list:
    """Featurize, label and score one range of a labeled dataset's pages."""
    from .datasets import Dataset
    from .evaluate import score_pageset
    from .train import featurize_pages

    dataset = Dataset(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BoilerplateWarning)  # skipped records: counted below
        pages = featurize_pages(islice(dataset, start, start + count), dataset.name,
                                spec.config)
    return score_pageset(worker_extractor(spec).model, pages, spec.threshold, spec.config)


def evaluate_bag(paths: Sequence[str], model: str | Path | None = None, *,
                 config: Config = DEFAULT_CONFIG, threshold: float | None = None,
                 records_per_range: int = RECORDS_PER_RANGE):
    """A dask.bag.Bag of evaluate.PageResult over labeled datasets, one partition per range
    of pages; `evaluate.report` turns the computed list into the usual tables."""
    bag = _require_dask()
    spec = ModelSpec(None if model is None else str(Path(model).resolve()), config, threshold)
    tasks = [(path, start, records_per_range) for path in paths
             for start in range(0, max(_dataset_size(path), 1), records_per_range)]
    return bag.from_sequence(tasks, npartitions=max(len(tasks), 1)).map_partitions(
        lambda part: [r for path, start, count in part
                      for r in _evaluate_range(path, start, count, spec)])


def run_on_cluster(bag, address: str, local_workers: int = 2) -> list:
    """Compute a bag on a scheduler address, or on a LocalCluster started for the call."""
    _require_dask()
    from dask.distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=local_workers, threads_per_worker=1, processes=True,
                           dashboard_address=None) if address == "local" else None
    try:
        with Client(cluster if cluster is not None else address):
            return list(bag.compute())
    finally:
        if cluster is not None:
            cluster.close()
