"""A 10,000-page batch killed part-way, interrupted, then resumed: nothing lost, nothing twice.

Usage: python bench/batch_resume.py [--shared ../shared] [--pages 10000] [--jobs 2]

Builds ten JSON lines files (half gzipped) of pages cycled from ../shared datasets, each with
a unique id, and corrupts 1% of them on purpose (half broken JSON lines, half empty pages).
Then runs `boilerplate extract --format jsonl --output DIR --jobs N`:

1. killed with SIGKILL once about 30% of the outputs exist (no chance to clean up);
2. rerun with --resume and stopped with SIGINT (Ctrl-C) at about 60%;
3. rerun with --resume to the end.

It checks that every good page has exactly one output file, complete (one JSON line
naming that page), that no temporary file is left, and that the last run lists every bad
page and only those. Prints the figures of each run.
"""

from __future__ import annotations

import argparse
import gzip
import json
import signal
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

from boilerplate.batch import TEMP_PREFIX, output_name

HERE = Path(__file__).resolve().parent
SOURCES = ("wcxb", "daniel", "dragnet", "cleaneval", "l3s-gn1")
FILES = 10
BAD_EVERY = 200
POLL_SECONDS = 0.2


def build(shared: Path, n_pages: int, folder: Path) -> tuple[set[str], set[str]]:
    """Write the input files; return the ids of good pages and the ids of bad records."""
    originals = []
    for name in SOURCES:
        path = shared / "datasets" / name / "pages.jsonl.gz"
        if path.exists():
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                originals.extend(json.loads(line)["html"] for line in islice(fh, 400))
    good, bad = set(), set()
    per_file = -(-n_pages // FILES)
    for f in range(FILES):
        path = folder / (f"part-{f}.jsonl.gz" if f % 2 else f"part-{f}.jsonl")
        lines = []
        for line_no, n in enumerate(range(f * per_file, min(n_pages, (f + 1) * per_file)), 1):
            page_id = f"page-{n:05d}"
            if n % BAD_EVERY == 17:  # broken JSON: reported under FILE:LINE
                lines.append('{"id": "' + page_id + '", "html": "<p>cut')
                bad.add(f"{path}:{line_no}")
            elif n % BAD_EVERY == 117:  # an empty page
                lines.append(json.dumps({"id": page_id, "html": "  "}))
                bad.add(page_id)
            else:
                lines.append(json.dumps({"id": page_id, "url": f"https://s.example/{n}",
                                         "html": originals[n % len(originals)]}))
                good.add(page_id)
        data = ("\n".join(lines) + "\n").encode("utf-8")
        path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)
    return good, bad


def run(argv: list[str], out: Path, stop_at: int | None, sig: int | None
        ) -> tuple[float, int, str]:
    """Run the CLI; send `sig` once `stop_at` output files exist. Returns wall s, exit, stderr."""
    start = time.perf_counter()
    err_path = out.parent / f"stderr-{time.monotonic_ns()}.txt"
    with err_path.open("wb") as err:
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err)
        while process.poll() is None:
            if stop_at is not None and sig is not None and out.exists() and sum(
                    1 for _ in out.iterdir()) >= stop_at:
                process.send_signal(sig)
                stop_at = None
            time.sleep(POLL_SECONDS)
    return time.perf_counter() - start, process.returncode, err_path.read_text()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    ap.add_argument("--pages", type=int, default=10_000)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder, out = Path(tmp) / "in", Path(tmp) / "out"
        folder.mkdir()
        good, bad = build(args.shared, args.pages, folder)
        print(f"{args.pages} pages in {FILES} JSON lines files: {len(good)} good, "
              f"{len(bad)} corrupted on purpose\n")
        cli = [sys.executable, "-m", "boilerplate", "extract", "--format", "jsonl", "--jobs",
               str(args.jobs), "--output", str(out), str(folder)]
        plan = [("1: killed (SIGKILL) at ~30%", cli, int(0.3 * len(good)), signal.SIGKILL),
                ("2: --resume, Ctrl-C (SIGINT) at ~60%", cli + ["--resume"],
                 int(0.6 * len(good)), signal.SIGINT),
                ("3: --resume to the end", cli + ["--resume"], None, None)]
        print("| run | wall s | exit | output files after | temporary files after |")
        print("|---|---|---|---|---|")
        stderr = ""
        for label, command, stop_at, sig in plan:
            seconds, code, stderr = run(command, out, stop_at, sig)
            files = [p for p in out.iterdir() if not p.name.startswith(TEMP_PREFIX)]
            temps = [p for p in out.iterdir() if p.name.startswith(TEMP_PREFIX)]
            print(f"| {label} | {seconds:.1f} | {code} | {len(files)} | {len(temps)} |",
                  flush=True)
        summary = [line for line in stderr.splitlines() if "extracted" in line]
        print(f"\nlast run's summary: {summary[-1] if summary else '(none)'}")
        expected = {output_name(page_id, ".jsonl"): page_id for page_id in good}
        names = {p.name for p in out.iterdir()}
        complete = 0
        for name, page_id in expected.items():
            path = out / name
            if path.exists():
                lines = path.read_text(encoding="utf-8").splitlines()
                complete += len(lines) == 1 and json.loads(lines[0])["id"] == page_id
        listed = {line.split(": ")[1] for line in stderr.splitlines()
                  if line.startswith("boilerplate: ") and ": " in line[13:]
                  and ": warning: " not in line
                  and "extracted" not in line and "removed" not in line}
        checks = {
            "every good page has its output file": set(expected) <= names,
            "no other file (no duplicates, no temporaries)": names == set(expected),
            "every output is complete (one JSON line, right id)": complete == len(good),
            "the last run lists every bad page": bad <= listed,
            "and only bad pages": listed <= bad,
        }
        print()
        for check, ok in checks.items():
            print(f"- {check}: {'yes' if ok else 'NO'}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
