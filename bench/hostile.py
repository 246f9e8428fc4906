"""Time and peak memory of extreme pages, each extracted in a fresh process.

Usage: python bench/hostile.py [--case NAME ...]

Builds each page in the child process, then runs the whole pipeline on it
(`Extractor.run`) with the default limits, or with `max_bytes` raised where the case says
so, and prints: outcome (blocks and characters kept, or the error), warnings, seconds, and
the process's peak resident memory (VmHWM) minus its memory before the page was built
(model and libraries loaded).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CASES: dict[str, tuple[str, int | None]] = {
    # name: (Python expression building the page, max_bytes override)
    "50 MB of paragraphs (default limit)": (
        "'<html><body>' + '<p>Some paragraph text in a very long page.</p>' * 1_100_000"
        " + '</body></html>'", None),
    "50 MB of paragraphs (max_bytes 64 MiB)": (
        "'<html><body>' + '<p>Some paragraph text in a very long page.</p>' * 1_100_000"
        " + '</body></html>'", 64 * 1024 * 1024),
    "100,000-deep nesting": (
        "'<html><body>' + '<div>' * 100_000 + 'deep' + '</div>' * 100_000"
        " + '</body></html>'", None),
    "1,000,000 <br>": ("'<html><body><p>' + 'word<br>' * 1_000_000 + '</p></body></html>'",
                       None),
    "1,000,000 <td>": ("'<html><body><table><tr>' + '<td>c</td>' * 1_000_000"
                       " + '</tr></table></body></html>'", None),
    "1 MB attribute": ("'<html><body><p class=\"' + 'x' * 1_000_000 + '\">hello there</p>"
                       "</body></html>'", None),
    "1 MB single word": ("'<html><body><p>' + 'a' * 1_000_000 + '</p></body></html>'", None),
}

CHILD = r"""
import json, sys, time, warnings
from dataclasses import replace
from boilerplate import Extractor
from boilerplate.config import DEFAULT_CONFIG
from boilerplate.errors import BoilerplateError

def hwm_mb():
    for line in open('/proc/self/status'):
        if line.startswith('VmHWM:'):
            return int(line.split()[1]) / 1024
    return float('nan')

expression, max_bytes = sys.argv[1], json.loads(sys.argv[2])
config = DEFAULT_CONFIG if max_bytes is None else replace(DEFAULT_CONFIG, max_bytes=max_bytes)
extractor = Extractor.load(config=config)
extractor.run('<p>warm up the model</p>')
base = hwm_mb()
page = eval(expression).encode('utf-8')
start = time.perf_counter()
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter('always')
    try:
        result = extractor.run(page)
        outcome = f"{len(result.blocks):,} blocks, {len(result.text):,} chars kept"
    except BoilerplateError as exc:
        outcome = f"error: {exc}"
seconds = time.perf_counter() - start
print(json.dumps({"bytes": len(page), "outcome": outcome, "seconds": seconds,
                  "peak_mb": hwm_mb() - base,
                  "warnings": [str(w.message)[:70] for w in caught]}))
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", action="append", choices=sorted(CASES), default=None)
    args = ap.parse_args(argv)
    print("| page | size | outcome | warnings | seconds | peak MB over baseline |")
    print("|---|---|---|---|---|---|")
    for name in args.case or CASES:
        expression, max_bytes = CASES[name]
        run = subprocess.run([sys.executable, "-c", CHILD, expression, json.dumps(max_bytes)],
                             capture_output=True, text=True, check=False)
        if run.returncode:
            print(f"| {name} | | crashed (exit {run.returncode}): {run.stderr[-200:]} | | | |")
            continue
        row = json.loads(run.stdout.splitlines()[-1])
        print(f"| {name} | {row['bytes'] / 1e6:.1f} MB | {row['outcome'][:90]} | "
              f"{'; '.join(row['warnings']) or '-'} | {row['seconds']:.2f} | "
              f"{row['peak_mb']:.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
