"""Extraction throughput: boilerplate vs trafilatura vs a bare lxml parse, and --jobs scaling.

Usage: python bench/bench_extract.py [--shared ../shared] [--per-dataset 200] [--skip-cli]

Takes the first N pages of several ../shared datasets (>= 1,000 pages in all) as UTF-8
bytes and, in one process, times per page, interleaved so all of them share the machine's
noise: `lxml.html.fromstring`, `boilerplate.Extractor.extract` (the model loaded once; also
with the main-region pass off) and `trafilatura.extract`. Prints pages/s and the ratios
(goals: >= 4x trafilatura's pages/s, <= 2.5x the bare parse's time). Then runs the CLI
over the same pages as a JSON lines file with --jobs 1, --jobs 2 and, when Dask is
installed, --dask local (a 2-worker LocalCluster):
wall clock with start-up and model loading included, whether the output is byte-identical
to --jobs 1, and peak memory (the CLI and its workers together, sampled every 50 ms).
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import lxml.html

from boilerplate.config import DEFAULT_CONFIG
from boilerplate.errors import BoilerplateError
from boilerplate.extract import Extractor

HERE = Path(__file__).resolve().parent
MEMORY_POLL_SECONDS = 0.05
NEWLINE = b"\n"
DATASETS = ("wcxb", "daniel", "dragnet", "cleaneval", "googletrends-2017", "cwced-train")


def load_pages(shared: Path, per_dataset: int) -> list[tuple[str, bytes]]:
    pages = []
    for name in DATASETS:
        path = shared / "datasets" / name / "pages.jsonl.gz"
        if not path.exists():
            print(f"skipping {name}: {path} not found", file=sys.stderr)
            continue
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                if i >= per_dataset:
                    break
                record = json.loads(line)
                pages.append((f"{name}/{record['id']}", record["html"].encode("utf-8")))
    return pages


def time_in_process(pages: list[tuple[str, bytes]]) -> dict[str, float]:
    import trafilatura

    extractor = Extractor.load()
    plain = Extractor.load(config=replace(DEFAULT_CONFIG, region_floor=None))
    runners = {
        "lxml": lxml.html.fromstring,
        "boilerplate": lambda data: extractor.extract(data),
        "boilerplate --no-region": lambda data: plain.extract(data),
        "trafilatura": trafilatura.extract,
    }
    totals = {name: 0.0 for name in runners}
    failures = {name: 0 for name in runners}
    for page_id, data in pages:
        for name, run in runners.items():
            start = time.perf_counter()
            try:
                run(data)
            except BoilerplateError:
                failures[name] += 1
            except Exception as exc:  # noqa: BLE001 - a peer's crash is counted, not fatal
                failures[name] += 1
                print(f"  {name} failed on {page_id}: {type(exc).__name__}", file=sys.stderr)
            totals[name] += time.perf_counter() - start
    return {"seconds": totals, "failures": failures}


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (Linux /proc), in MB; children
    started from any thread count (Dask starts its workers from an event-loop thread)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = [c for task in Path(f"/proc/{current}/task").iterdir()
                        for c in (task / "children").read_text().split()]
        except OSError:  # the process ended while we looked
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
        todo.extend(int(c) for c in children)
    return total / 1024


def time_cli(pages: list[tuple[str, bytes]], options: list[str], workdir: Path
             ) -> tuple[float, bytes, float]:
    """Wall seconds, output bytes and peak memory (all processes together) of one CLI run."""
    src = workdir / "pages.jsonl"
    if not src.exists():
        with src.open("w", encoding="utf-8") as fh:
            for page_id, data in pages:
                fh.write(json.dumps({"id": page_id, "html": data.decode("utf-8")}) + "\n")
    out_dir = workdir / f"out-{len(list(workdir.iterdir()))}"
    out_dir.mkdir()
    command = [sys.executable, "-m", "boilerplate", "extract", "--format", "jsonl", "--quiet",
               *options, str(src)]
    dask = "--dask" in options
    if dask:
        command[-1:-1] = ["--output", str(out_dir)]
    peak = 0.0
    start = time.perf_counter()
    with (out_dir / "stdout.jsonl").open("wb") as fh:
        run = subprocess.Popen(command, stdout=fh)
        while run.poll() is None:
            peak = max(peak, tree_rss_mb(run.pid))
            time.sleep(MEMORY_POLL_SECONDS)
    seconds = time.perf_counter() - start
    files = sorted(out_dir.glob("part-*.jsonl")) if dask else [out_dir / "stdout.jsonl"]
    return seconds, b"".join(f.read_bytes() for f in files), peak


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    ap.add_argument("--per-dataset", type=int, default=200)
    ap.add_argument("--skip-cli", action="store_true")
    args = ap.parse_args(argv)
    pages = load_pages(args.shared, args.per_dataset)
    if not pages:
        print("no pages found; pass --shared", file=sys.stderr)
        return 2
    megabytes = sum(len(d) for _, d in pages) / 1e6
    print(f"{len(pages)} pages, {megabytes:.1f} MB of HTML, one process, interleaved per page")
    timing = time_in_process(pages)
    seconds, failures = timing["seconds"], timing["failures"]
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("\n| extractor | pages/s | ms/page | failures |\n|---|---|---|---|")
    for name, total in seconds.items():
        print(f"| {name} | {len(pages) / total:.1f} | {1000 * total / len(pages):.2f} | "
              f"{failures[name]} |")
    speedup = seconds["trafilatura"] / seconds["boilerplate"]
    over_parse = seconds["boilerplate"] / seconds["lxml"]
    print(f"\nboilerplate vs trafilatura pages/s: {speedup:.2f}x (goal >= 4x)")
    print(f"boilerplate time vs bare lxml parse: {over_parse:.2f}x (goal <= 2.5x)")
    region_cost = seconds["boilerplate"] / seconds["boilerplate --no-region"]
    print(f"boilerplate time with the main-region pass vs without: {region_cost:.2f}x")
    print(f"peak RSS of this process (all three extractors): {rss_mb:.0f} MB")
    if args.skip_cli:
        return 0
    runs = {"--jobs 1": ["--jobs", "1"], "--jobs 2": ["--jobs", "2"]}
    if importlib.util.find_spec("distributed") is not None:
        runs["--dask local (2 workers)"] = ["--dask", "local", "--jobs", "2",
                                            "--records-per-task", "100"]
    with tempfile.TemporaryDirectory() as tmp:
        results = {label: time_cli(pages, options, Path(tmp)) for label, options in runs.items()}
    reference = results["--jobs 1"][1]
    print("\n| CLI run | wall s | pages/s | pages out | same output as --jobs 1 | "
          "peak RSS, all processes |")
    print("|---|---|---|---|---|---|")
    for label, (wall, output, peak) in results.items():
        lines = output.count(NEWLINE)
        print(f"| {label} | {wall:.1f} | {len(pages) / wall:.1f} | {lines} | "
              f"{output == reference} | {peak:.0f} MB |")
    base = results["--jobs 1"][0]
    for label, (wall, _, _) in results.items():
        if label != "--jobs 1":
            print(f"{label} vs --jobs 1 throughput: {base / wall:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
