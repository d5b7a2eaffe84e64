"""Benchmark: ``python -m cleaner.bench [--size MB] [--jobs N ...] [--compare-clean-text]``.

Builds a corpus from ``samples/`` with variation (the seeds as they are, re-encoded to
GB18030 and UTF-16, with CRLF line ends, re-wrapped as PDF dumps at several widths,
and assembled into compilations), then runs the default profile over it and prints
throughput (MB/s of input), documents/s and peak memory, for one worker and for all
cores, and the time spent in each filter. Each measured run is a fresh process, so
its peak memory is its own and imports count (whole process included).
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def _display_width(s: str) -> int:
    return sum(2 if ord(c) > 0x2E7F else 1 for c in s)


def rewrap(paragraphs: list[str], width: int, blank_lines: bool, page_lines: int, rng: random.Random) -> str:
    """Typeset paragraphs as a PDF text dump: hard line breaks at ``width`` columns,
    a lost first-line indent, page numbers and a running header every ``page_lines``."""
    lines: list[str] = []
    for para in paragraphs:
        first = True
        rest = para
        while rest:
            limit = width - (4 if first else 0)
            cut, col = 0, 0
            while cut < len(rest) and col + _display_width(rest[cut]) <= limit:
                col += _display_width(rest[cut])
                cut += 1
            lines.append(rest[:cut])
            rest = rest[cut:]
            first = False
    out: list[str] = []
    page = 1
    for i, line in enumerate(lines, 1):
        out.append(line)
        if i % page_lines == 0:
            out.append(f"- {page} -")
            out.append("人才工作材料汇编")
            page += 1
    sep = "\n\n" if blank_lines else "\n"
    return sep.join(out) + "\n"


def build_corpus(target: Path, size_mb: float, seed: int = 1) -> tuple[int, int]:
    """Write at least ``size_mb`` MB of varied input under ``target``; return (files, bytes)."""
    rng = random.Random(seed)
    seeds = sorted(SAMPLES.glob("*.txt"))
    if not seeds:
        raise SystemExit(f"no samples in {SAMPLES}: run the benchmark from a source checkout, or pass --corpus")
    texts = [p.read_text(encoding="utf-8") for p in seeds]
    paragraphs = [line for t in texts for line in t.splitlines() if len(line) > 30 and "##" not in line and "哒哒" not in line]
    target.mkdir(parents=True, exist_ok=True)
    total = files = 0
    goal = int(size_mb * 1_000_000)
    n = 0
    while total < goal:
        kind = n % 6
        base = texts[n % len(texts)]
        if kind == 0:
            data = base.encode("utf-8")
        elif kind == 1:
            data = base.encode("gb18030")
        elif kind == 2:
            data = base.replace("\n", "\r\n").encode("utf-8")
        elif kind == 3:
            data = base.encode("utf-16")
        elif kind == 4:
            chosen = rng.sample(paragraphs, 40)
            data = rewrap(chosen, rng.choice([30, 40, 52, 64, 80]), rng.random() < 0.5, 40, rng).encode("utf-8")
        else:
            parts = rng.sample(texts, 3)
            body = "".join(f"篇{i}：{p.lstrip()}\n\n" for i, p in enumerate(parts, 1))
            data = f"人才工作材料汇编（{len(parts)}篇）\n{body}".encode("utf-8")
        path = target / f"{n // 1000:03d}" / f"{n:06d}.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        total += len(data)
        files += 1
        n += 1
    return files, total


def _measure_one(corpus: Path, jobs: int, profile: str | None) -> dict[str, object]:
    """Run in a child process: clean ``corpus`` and report time and peak memory."""
    started = time.perf_counter()
    from cleaner.pipeline import Cleaner
    from cleaner.profile import load_profile
    from cleaner import runner

    prof = load_profile(profile)
    out = Path(tempfile.mkdtemp(prefix="cleaner-bench-out-"))
    try:
        summary = runner.run(corpus, out, prof, jobs=jobs)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    elapsed = time.perf_counter() - started
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    result: dict[str, object] = {
        "jobs": jobs,
        "seconds": elapsed,
        "bytes": summary.bytes,
        "files": summary.inputs,
        "documents": summary.segments,
        "peak_rss_bytes": max(peak_self, peak_children),
    }
    if jobs == 1:
        # Time per filter, on a second pass over a sample of the corpus in this process.
        cleaner = Cleaner(prof)
        cleaner.timings = {}
        sample = sorted(corpus.rglob("*.txt"))[:: max(1, summary.inputs // 200)]
        t0 = time.perf_counter()
        size = 0
        for path in sample:
            data = path.read_bytes()
            size += len(data)
            cleaner.clean(data, sink=lambda name, segment, edits: None)
        result["filter_sample_bytes"] = size
        result["filter_sample_seconds"] = time.perf_counter() - t0
        result["filter_seconds"] = cleaner.timings
    return result


def _measure_clean_text(corpus: Path) -> dict[str, object]:
    started = time.perf_counter()
    from cleantext import clean as ct_clean  # type: ignore[import-not-found]

    total = 0
    for path in sorted(corpus.rglob("*.txt")):
        data = path.read_bytes()
        total += len(data)
        text = data.decode("utf-8", errors="replace")
        ct_clean(text, fix_unicode=False, to_ascii=False, lower=False, no_line_breaks=False, normalize_whitespace=True)
    return {"seconds": time.perf_counter() - started, "bytes": total}


def _child(args: list[str]) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-m", "cleaner.bench", *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"benchmark run failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m cleaner.bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=float, default=100.0, help="corpus size in MB (default 100)")
    ap.add_argument("--jobs", type=int, nargs="*", help="worker counts to measure (default: 1 and all CPUs)")
    ap.add_argument("--corpus", type=Path, help="use (or build into) this folder instead of a temporary one")
    ap.add_argument("--profile", help="profile to measure (default: the default profile)")
    ap.add_argument("--compare-clean-text", action="store_true", help="also time clean-text (whitespace normalization) on the same corpus")
    ap.add_argument("--_measure", nargs=2, metavar=("CORPUS", "JOBS"), help=argparse.SUPPRESS)
    ap.add_argument("--_measure-clean-text", metavar="CORPUS", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a._measure:
        print(json.dumps(_measure_one(Path(a._measure[0]), int(a._measure[1]), a.profile)))
        return 0
    if a._measure_clean_text:
        print(json.dumps(_measure_clean_text(Path(a._measure_clean_text))))
        return 0

    from cleaner.runner import default_jobs

    corpus = a.corpus or Path(tempfile.mkdtemp(prefix="cleaner-bench-"))
    made = False
    if not any(corpus.rglob("*.txt")):
        files, size = build_corpus(corpus, a.size)
        made = a.corpus is None
        print(f"corpus: {files} files, {size / 1e6:.1f} MB in {corpus}")
    else:
        size = sum(p.stat().st_size for p in corpus.rglob("*.txt"))
        print(f"corpus: {corpus} ({size / 1e6:.1f} MB)")
    jobs_list = a.jobs or sorted({1, default_jobs()})
    try:
        print(f"{'jobs':>4} {'seconds':>8} {'MB/s':>7} {'docs/s':>8} {'peak MB':>8}")
        for jobs in jobs_list:
            extra = ["--profile", a.profile] if a.profile else []
            r = _child(["--_measure", str(corpus), str(jobs), *extra])
            secs = float(r["seconds"])  # type: ignore[arg-type]
            mb = int(r["bytes"]) / 1e6  # type: ignore[call-overload]
            print(f"{jobs:>4} {secs:>8.2f} {mb / secs:>7.1f} {int(r['documents']) / secs:>8.0f} {int(r['peak_rss_bytes']) / 1e6:>8.0f}")  # type: ignore[call-overload]
            if "filter_seconds" in r:
                timings = r["filter_seconds"]
                sample_mb = int(r["filter_sample_bytes"]) / 1e6  # type: ignore[call-overload]
                print(f"     time per filter on a {sample_mb:.1f} MB sample (one process):")
                for name, t in sorted(timings.items(), key=lambda kv: -kv[1]):  # type: ignore[union-attr]
                    print(f"       {name:<14} {t:7.3f} s  {sample_mb / t if t else float('inf'):8.1f} MB/s")
        if a.compare_clean_text:
            r = _child(["--_measure-clean-text", str(corpus)])
            secs = float(r["seconds"])  # type: ignore[arg-type]
            print(f"clean-text (whitespace only, one process): {secs:.2f} s, {int(r['bytes']) / 1e6 / secs:.1f} MB/s")  # type: ignore[call-overload]
    finally:
        if made:
            shutil.rmtree(corpus, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
