"""Extraction on a Dask LocalCluster started here: same output as one process, no page
lost or duplicated."""

import json
import subprocess
import sys

import pytest

pytest.importorskip("distributed", reason="Dask comes with the .[dask] and .[test] extras")
pytest.importorskip("fastwarc", reason="FastWARC comes with the .[warc] and .[test] extras")

from boilerplate.distributed import extract_to_dir  # noqa: E402
from boilerplate.sources import plan_ranges  # noqa: E402

from .helpers import TOPICS, page_html, warc_record, write_warc  # noqa: E402

N = 150


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("crawl")
    lines = [json.dumps({"id": f"j{i:03d}", "url": f"https://j.example/{i}",
                         "html": page_html(f"{TOPICS[i % 8][0]} {i}", TOPICS[i % 8][1])})
             for i in range(N)]
    lines.insert(70, "{a broken line")
    (folder / "pages.jsonl").write_text("\n".join(lines) + "\n")
    write_warc(folder / "crawl.warc.gz", [
        warc_record(f"https://w.example/{i}",
                    page_html(f"{TOPICS[i % 8][0]} w{i}", TOPICS[i % 8][1]).encode(), number=i)
        for i in range(N)])
    return folder


def _models_loaded() -> int:
    from boilerplate import distributed

    return len(distributed._extractors)


def test_ranges_cover_every_record_once(inputs):
    ranges = plan_ranges([str(inputs)], 40)
    assert [r.count for r in ranges] == [40] * 8
    assert sorted({r.path.rsplit("/", 1)[-1] for r in ranges}) == ["crawl.warc.gz",
                                                                   "pages.jsonl"]


def test_local_cluster_output_matches_one_process(inputs, tmp_path):
    from dask.distributed import Client, LocalCluster

    single = subprocess.run([sys.executable, "-m", "boilerplate", "extract", "--format",
                             "jsonl", "--quiet", str(inputs)], capture_output=True, check=False)
    assert single.returncode == 1  # the broken line
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        parts = extract_to_dir([str(inputs)], tmp_path / "out", cluster.scheduler_address,
                               records_per_range=40)
        loaded = client.run(_models_loaded)
    assert len(loaded) == 2 and set(loaded.values()) <= {0, 1}  # at most once per process
    files = sorted((tmp_path / "out").glob("part-*.jsonl"))
    assert [p.file for p in parts] == [str(f) for f in files]
    combined = b"".join(f.read_bytes() for f in files)
    assert combined == single.stdout
    ids = [json.loads(line)["id"] for line in combined.splitlines()]
    assert len(ids) == 2 * N and len(set(ids)) == 2 * N  # nothing lost, nothing twice
    failed = [f for p in parts for f in p.failed]
    assert [f["id"] for f in failed] == [f"{inputs / 'pages.jsonl'}:71"]


def test_cli_dask_needs_jsonl_and_output(inputs, capsys):
    from boilerplate.cli import main

    assert main(["extract", "--dask", "local", str(inputs)]) == 2
    assert "--format jsonl and --output" in capsys.readouterr().err


def test_evaluate_on_a_local_cluster_matches_one_process(tmp_path):
    from boilerplate.distributed import evaluate_bag, run_on_cluster
    from boilerplate.evaluate import evaluate_datasets, report

    from .helpers import write_jsonl

    data = str(write_jsonl(tmp_path / "site" / "pages.jsonl.gz"))
    with pytest.warns(Warning):  # the two broken records of the test dataset
        tables = evaluate_datasets([data]).tables
    (single,) = tables.values()
    results = run_on_cluster(evaluate_bag([data], records_per_range=3), "local")
    assert len(results) == 8 and len({r.page_id for r in results}) == 8
    assert report(results) == single


def test_parquet_parts_hold_the_same_records(inputs, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet", reason="Parquet output needs pyarrow")
    from boilerplate.cli import main

    out = tmp_path / "pq"
    code = main(["extract", "--dask", "local", "--format", "jsonl", "--parquet", "--quiet",
                 "--records-per-task", "100", "--output", str(out), str(inputs)])
    assert code == 1  # the broken line is reported, the rest is written
    rows = [row for f in sorted(out.glob("part-*.parquet"))
            for row in pq.read_table(f).to_pylist()]
    assert len(rows) == 2 * N and len({r["id"] for r in rows}) == 2 * N
    assert set(rows[0]) == {"id", "url", "title", "lang", "text"}
    assert main(["extract", "--parquet", str(inputs)]) == 2
