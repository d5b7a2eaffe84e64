"""Benchmark: ``python -m cleaner.bench [--size MB] [--kind varied|seeds] [--jobs N ...] [--compare-clean-text]``.

Builds a corpus from ``samples/``: ``varied`` (the default) with variation (the seeds as
they are, re-encoded to GB18030 and UTF-16, with CRLF line ends, re-wrapped as PDF dumps
at several widths, made Traditional in Big5, and assembled into compilations);
``seeds`` the seed files copied as they are. Then it times ``cleaner run CORPUS OUT
--jobs N`` for one worker and for all cores as a whole process, from the outside
(interpreter start, imports, reading and writing every file, manifest and audit), and
prints throughput (MB/s of input),
documents/s and peak memory, plus the time spent in each filter (measured in this
process on a sample of the corpus). ``--compare-clean-text`` times clean-text
(whitespace normalization only) on the same corpus doing the same kind of job (read
each file, clean it, write it out), also as a whole process.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
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


def _seed_paths() -> list[Path]:
    seeds = sorted(SAMPLES.glob("*.txt"))
    if not seeds:
        raise SystemExit(f"no samples in {SAMPLES}: run the benchmark from a source checkout, or pass --corpus")
    return seeds


def _write(target: Path, name: str, n: int, data: bytes) -> None:
    """The ``n``-th file of a corpus, a thousand to a folder."""
    path = target / f"{n // 1000:03d}" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)


def build_corpus(target: Path, size_mb: float, seed: int = 1) -> tuple[int, int]:
    """Write at least ``size_mb`` MB of varied input under ``target``; return (files, bytes)."""
    rng = random.Random(seed)
    seeds = _seed_paths()
    texts = [p.read_text(encoding="utf-8") for p in seeds]
    paragraphs = [line for t in texts for line in t.splitlines() if len(line) > 30 and "##" not in line and "哒哒" not in line]
    target.mkdir(parents=True, exist_ok=True)
    total = files = 0
    goal = int(size_mb * 1_000_000)
    n = 0
    to_traditional = None
    while total < goal:
        kind = n % 7
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
        elif kind == 5:
            # Traditional Chinese in Big5, as Taiwan and Hong Kong sources come
            # (OpenCC's Taiwan standard, whose characters Big5 holds)
            if to_traditional is None:
                import opencc

                to_traditional = opencc.OpenCC("s2tw")
            data = to_traditional.convert(base).encode("big5")
        else:
            parts = rng.sample(texts, 3)
            body = "".join(f"篇{i}：{p.lstrip()}\n\n" for i, p in enumerate(parts, 1))
            data = f"人才工作材料汇编（{len(parts)}篇）\n{body}".encode("utf-8")
        _write(target, f"{n:06d}.txt", n, data)
        total += len(data)
        files += 1
        n += 1
    return files, total


def build_seed_copies(target: Path, size_mb: float) -> tuple[int, int]:
    """Copy the seed files as they are until the folder holds ``size_mb`` MB."""
    seeds = _seed_paths()
    datas = [(p.name, p.read_bytes()) for p in seeds]
    target.mkdir(parents=True, exist_ok=True)
    total = files = 0
    goal = int(size_mb * 1_000_000)
    while total < goal:
        name, data = datas[files % len(datas)]
        _write(target, f"{files:06d}_{name}", files, data)
        total += len(data)
        files += 1
    return files, total


def _timed(cmd: list[str]) -> tuple[float, int]:
    """Run ``cmd``; return its wall time and its peak resident memory in bytes."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.returncode not in (0, 1):
        raise SystemExit(f"benchmark run failed ({' '.join(cmd)}):\n{err}")
    return elapsed, usage.ru_maxrss * 1024


def _byte_compile() -> None:
    """Byte-compile the package, as ``pip install`` does: an editable install run with
    PYTHONDONTWRITEBYTECODE set would otherwise compile every module at every start,
    and that would be timed instead of cleaning. (A read-only install is left as it is.)"""
    import compileall

    compileall.compile_dir(Path(__file__).resolve().parent, quiet=2)


def _measure_run(corpus: Path, jobs: int, profile: str | None, outputs: Path) -> dict[str, object]:
    """Time ``cleaner run`` over ``corpus`` as a whole process."""
    out = Path(tempfile.mkdtemp(prefix="run-", dir=outputs))
    cmd = [sys.executable, "-m", "cleaner", "run", str(corpus), str(out / "out"), "--jobs", str(jobs), "--quiet"]
    if profile:
        cmd += ["--profile", profile]
    seconds, peak = _timed(cmd)
    documents = size = 0
    with open(out / "out" / "manifest.jsonl", encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            documents += len(record.get("segments", []))
            size += record.get("bytes", 0)
    return {"jobs": jobs, "seconds": seconds, "bytes": size, "documents": documents, "peak_rss_bytes": peak}


def _filter_times(corpus: Path, profile: str | None) -> dict[str, object]:
    """Time per filter, in this process, on a sample of about 200 files of the corpus."""
    from cleaner.pipeline import Cleaner
    from cleaner.profile import load_profile

    cleaner = Cleaner(load_profile(profile))
    cleaner.timings = {}
    paths = sorted(corpus.rglob("*.txt"))
    sample = paths[:: max(1, len(paths) // 200)]
    size = 0
    for path in sample:
        data = path.read_bytes()
        size += len(data)
        cleaner.clean(data, sink=lambda name, segment, edits: None)
    return {"filter_sample_bytes": size, "filter_seconds": cleaner.timings}


CLEAN_TEXT_JOB = """
import sys
from pathlib import Path
from cleantext import clean
src, dst = Path(sys.argv[1]), Path(sys.argv[2])
for path in sorted(src.rglob("*.txt")):
    text = path.read_bytes().decode("utf-8", errors="replace")
    out = clean(text, fix_unicode=False, to_ascii=False, lower=False, no_line_breaks=False, normalize_whitespace=True)
    target = dst / path.relative_to(src)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(out, encoding="utf-8")
"""


def _measure_clean_text(corpus: Path, outputs: Path) -> dict[str, object]:
    out = Path(tempfile.mkdtemp(prefix="clean-text-", dir=outputs))
    seconds, peak = _timed([sys.executable, "-c", CLEAN_TEXT_JOB, str(corpus), str(out)])
    return {"seconds": seconds, "bytes": sum(p.stat().st_size for p in corpus.rglob("*.txt")), "peak_rss_bytes": peak}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m cleaner.bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=float, default=100.0, help="corpus size in MB (default 100)")
    ap.add_argument("--kind", choices=("varied", "seeds"), default="varied", help="corpus to build: varied (default) or the seed files copied as they are")
    ap.add_argument("--jobs", type=int, nargs="*", help="worker counts to measure (default: 1 and all CPUs)")
    ap.add_argument("--corpus", type=Path, help="use (or build into) this folder instead of a temporary one")
    ap.add_argument("--profile", help="profile to measure (default: the default profile)")
    ap.add_argument("--repeat", type=int, default=1, help="time each run this many times and keep the fastest (default 1)")
    ap.add_argument("--compare-clean-text", action="store_true", help="also time clean-text (whitespace normalization) on the same corpus")
    a = ap.parse_args(argv)

    from cleaner.runner import default_jobs

    if a.compare_clean_text and importlib.util.find_spec("cleantext") is None:
        print("--compare-clean-text needs clean-text: pip install clean-text", file=sys.stderr)
        return 2
    corpus = a.corpus or Path(tempfile.mkdtemp(prefix="cleaner-bench-"))
    made = False
    if not any(corpus.rglob("*.txt")):
        files, size = (build_seed_copies if a.kind == "seeds" else build_corpus)(corpus, a.size)
        made = a.corpus is None
        print(f"corpus ({a.kind}): {files} files, {size / 1e6:.1f} MB in {corpus}")
    else:
        size = sum(p.stat().st_size for p in corpus.rglob("*.txt"))
        print(f"corpus: {corpus} ({size / 1e6:.1f} MB)")
    jobs_list = a.jobs or sorted({1, default_jobs()})
    _byte_compile()
    repeat = max(1, a.repeat)
    # Outputs are kept until the end: on some file systems (ext4) creating files just
    # after deleting many is slower, and that would be measured instead of cleaning.
    outputs = Path(tempfile.mkdtemp(prefix="cleaner-bench-out-"))
    try:
        print(f"cleaner run, whole process, best of {repeat}:")
        print(f"{'jobs':>6} {'seconds':>8} {'MB/s':>7} {'docs/s':>8} {'peak MB':>8}")
        one_worker = None
        for jobs in jobs_list:
            r = min((_measure_run(corpus, jobs, a.profile, outputs) for _ in range(repeat)), key=lambda r: r["seconds"])  # type: ignore[arg-type, return-value]
            secs = float(r["seconds"])  # type: ignore[arg-type]
            mb = int(r["bytes"]) / 1e6  # type: ignore[call-overload]
            if jobs == 1:
                one_worker = secs
            print(f"{jobs:>6} {secs:>8.2f} {mb / secs:>7.1f} {int(r['documents']) / secs:>8.0f} {int(r['peak_rss_bytes']) / 1e6:>8.0f}")  # type: ignore[call-overload]
        if a.compare_clean_text:
            r = min((_measure_clean_text(corpus, outputs) for _ in range(repeat)), key=lambda r: r["seconds"])  # type: ignore[arg-type, return-value]
            secs = float(r["seconds"])  # type: ignore[arg-type]
            line = f"clean-text (whitespace only; read, clean, write each file), whole process: {secs:.2f} s, {int(r['bytes']) / 1e6 / secs:.1f} MB/s"  # type: ignore[call-overload]
            if one_worker is not None:
                line += f"; cleaner with 1 worker takes {one_worker / secs:.2f}x its time"
            print(line)
        t = _filter_times(corpus, a.profile)
        sample_mb = int(t["filter_sample_bytes"]) / 1e6  # type: ignore[call-overload]
        timings: dict[str, float] = t["filter_seconds"]  # type: ignore[assignment]
        print(f"time per filter on a {sample_mb:.1f} MB sample (one process, both passes of the chain):")
        for name, secs in sorted(timings.items(), key=lambda kv: -kv[1]):
            print(f"  {name:<22} {secs:7.3f} s  {sample_mb / secs if secs else float('inf'):8.1f} MB/s")
        total = sum(timings.values())
        print(f"  {'all filters':<22} {total:7.3f} s  {sample_mb / total if total else float('inf'):8.1f} MB/s")
    finally:
        shutil.rmtree(outputs, ignore_errors=True)
        if made:
            shutil.rmtree(corpus, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
