"""Interruption: SIGTERM or Ctrl-C during a run leaves no partial output and no temporary
file, and ``--resume`` skips the inputs the manifest records as done and ends with exactly
what one uninterrupted run writes (manifest, audit, every output byte for byte).

For real: ``python -m cleaner run`` is started as a child process over enough input to
take a few seconds, signalled once the first manifest lines appear, checked, resumed and
compared with an uninterrupted run, with one worker and with two.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cleaner import runner
from cleaner.profile import load_profile

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
MIN_SECONDS = 2.0  # how long the uninterrupted run (one worker) should take at least

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def cleaner_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "cleaner", *args]


def add_inputs(src: Path, start: int, count: int) -> None:
    """Real material with variety: the samples as they are, in GB18030, with CRLF, plus
    now and then a file that is skipped (an image) or warned (an empty one)."""
    for i in range(start, start + count):
        seed = SAMPLES[i % len(SAMPLES)].read_bytes()
        kind = i % 7
        if kind == 3:
            data = seed.decode("utf-8").encode("gb18030")
        elif kind == 5:
            data = seed.replace(b"\n", b"\r\n")
        else:
            data = seed
        folder = src / f"part{i // 100:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"doc{i:04d}.txt").write_bytes(data)
        if i % 50 == 17:
            (folder / f"scan{i:04d}.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
        if i % 50 == 33:
            (folder / f"blank{i:04d}.txt").write_bytes(b"")


def tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def count_lines(path: Path) -> int:
    try:
        return path.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Input that takes at least MIN_SECONDS to clean with one worker (grown to fit this
    machine's speed), and what one uninterrupted run makes of it."""
    root = tmp_path_factory.mktemp("interrupt")
    src = root / "in"
    count = 150
    add_inputs(src, 0, count)
    for attempt in range(4):
        ref = root / f"reference-{count}"
        started = time.perf_counter()
        done = subprocess.run(cleaner_cmd("run", str(src), str(ref), "--jobs", "1", "--quiet"), capture_output=True, text=True)
        seconds = time.perf_counter() - started
        assert done.returncode == 0, done.stderr
        if seconds >= MIN_SECONDS or attempt == 3:  # (inputs added after the last reference run would be missing from it)
            break
        more = int(count * min(4.0, MIN_SECONDS * 1.3 / seconds - 1)) + 1
        add_inputs(src, count, more)
        count += more
    return src, tree(ref), len(list(runner.list_inputs(src)))


def _as_in_a_terminal() -> None:
    """Ctrl-C as a terminal delivers it: a test suite started in the background (``&``
    in a script) ignores SIGINT, and its children would inherit that and run on."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def interrupt(src: Path, out: Path, jobs: int, sig: signal.Signals, whole_group: bool, after: int = 3, resume: bool = False) -> subprocess.CompletedProcess:
    """Start a run, send ``sig`` once the manifest has ``after`` more lines, wait for it.
    ``whole_group`` sends it to the run and its workers, as Ctrl-C in a terminal or a
    service manager stopping a unit does."""
    before = count_lines(out / "manifest.jsonl") if resume else 0
    args = ["run", str(src), str(out), "--jobs", str(jobs), *(["--resume"] if resume else [])]
    proc = subprocess.Popen(
        cleaner_cmd(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        preexec_fn=_as_in_a_terminal,
    )
    try:
        deadline = time.monotonic() + 120
        while count_lines(out / "manifest.jsonl") < before + after:
            assert proc.poll() is None, "the run finished before it could be interrupted: give it more input"
            assert time.monotonic() < deadline, "no manifest lines appeared"
            time.sleep(0.005)
        if whole_group:
            os.killpg(proc.pid, sig)
        else:
            proc.send_signal(sig)
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:  # pragma: no cover - only when an assertion failed
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


def check_interrupted(out: Path, reference: dict[str, bytes], total: int, done: subprocess.CompletedProcess) -> list[dict]:
    """What an interrupted run must leave: whole records, whole files, nothing else."""
    assert done.returncode == 130, done.stderr
    assert "Traceback" not in done.stderr
    assert "interrupted: finished inputs are in the manifest; run again with --resume to continue" in done.stderr
    assert not list(out.rglob(f"*{runner.TMP_SUFFIX}")), "temporary files left behind"
    assert not (out / runner.PARTS_DIR).exists()
    got = tree(out)
    manifest, audit = got.pop("manifest.jsonl"), got.pop("audit.jsonl")
    # The manifest is the uninterrupted run's, cut after a whole record ...
    assert reference["manifest.jsonl"].startswith(manifest) and manifest.endswith(b"\n")
    records = [json.loads(line) for line in manifest.splitlines()]
    assert 3 <= len(records) < total
    # ... and the audit holds exactly the lines of those inputs, in the same order.
    sources = {r["source"] for r in records}
    expected_audit = b"".join(
        line for line in reference["audit.jsonl"].splitlines(keepends=True) if json.loads(line)["source"] in sources
    )
    assert audit == expected_audit
    assert reference["audit.jsonl"].startswith(audit)
    # Every file under OUT is a complete clean segment (inputs a worker had in hand may
    # have been finished without being recorded; they are whole too).
    for rel, data in got.items():
        assert reference.get(rel) == data, f"{rel} is not the segment an uninterrupted run writes"
    for rec in records:
        for seg in rec["segments"]:
            assert seg["path"] in got
    return records


def resume_and_compare(src: Path, out: Path, reference: dict[str, bytes], jobs: int, records: list[dict]) -> None:
    kept = {seg["path"]: (out / seg["path"]).stat() for rec in records for seg in rec["segments"]}
    done = subprocess.run(cleaner_cmd("run", str(src), str(out), "--jobs", str(jobs), "--resume"), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert f"{len(records)} resumed" in done.stderr
    for path, before in kept.items():  # inputs recorded as done were not cleaned again
        after = (out / path).stat()
        assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns), path
    got = tree(out)
    assert sorted(got) == sorted(reference)
    for rel, data in reference.items():
        assert got[rel] == data, rel


@pytest.mark.parametrize(
    "jobs, sig, whole_group",
    [
        (1, signal.SIGTERM, False),  # kill PID
        (2, signal.SIGTERM, False),
        (2, signal.SIGTERM, True),  # a service manager stopping the whole group
        (1, signal.SIGINT, True),  # Ctrl-C in a terminal
        (2, signal.SIGINT, True),
        (2, signal.SIGINT, False),
    ],
    ids=["term-1", "term-2", "term-group-2", "ctrl-c-1", "ctrl-c-2", "int-2"],
)
def test_interrupt_then_resume_equals_one_run(corpus, tmp_path, jobs, sig, whole_group):
    src, reference, total = corpus
    out = tmp_path / "out"
    done = interrupt(src, out, jobs, sig, whole_group)
    records = check_interrupted(out, reference, total, done)
    resume_and_compare(src, out, reference, jobs, records)


def test_interrupted_twice_and_resumed_with_other_jobs(corpus, tmp_path):
    src, reference, total = corpus
    out = tmp_path / "out"
    check_interrupted(out, reference, total, interrupt(src, out, 2, signal.SIGTERM, False))
    # The resumed run is interrupted too, further on.
    records = check_interrupted(out, reference, total, interrupt(src, out, 1, signal.SIGTERM, False, after=3, resume=True))
    resume_and_compare(src, out, reference, 2, records)


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found.update(int(x) for x in (task / "children").read_text().split())
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")  # a zombie has exited


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_killed_outright_the_workers_go_too_and_resume_finishes(corpus, tmp_path):
    """SIGKILL cannot be caught: temporary files stay behind (the next run sweeps them),
    but the workers must not live on, waiting for work that never comes."""
    src, reference, total = corpus
    out = tmp_path / "out"
    proc = subprocess.Popen(cleaner_cmd("run", str(src), str(out), "--jobs", "2"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while count_lines(out / "manifest.jsonl") < 3:
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.005)
    workers = _children(proc.pid)
    assert len(workers) == 2
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers):
        if time.monotonic() > deadline:  # pragma: no cover - only when the test fails
            for w in workers:
                os.kill(w, signal.SIGKILL)
            pytest.fail("the workers outlived their parent")
        time.sleep(0.05)
    records = [json.loads(line) for line in (out / "manifest.jsonl").read_bytes().splitlines() if line.endswith(b"}")]
    done = {r["source"] for r in records}
    resume = subprocess.run(cleaner_cmd("run", str(src), str(out), "--jobs", "2", "--resume"), capture_output=True, text=True)
    assert resume.returncode == 0 and "Traceback" not in resume.stderr
    assert "resumed" in resume.stderr and len(done) >= 3
    got = tree(out)
    assert sorted(got) == sorted(reference)
    for rel, data in reference.items():
        assert got[rel] == data, rel


# --- the same in the library, deterministically ----------------------------------------------


def _inputs(root: Path) -> Path:
    src = root / "in"
    src.mkdir()
    for i in range(10):
        (src / f"{i:02d}.txt").write_bytes(SAMPLES[i % len(SAMPLES)].read_bytes())
    return src


def assert_cut_back_to(out: Path, full: Path, sources: list[str]) -> None:
    """OUT's manifest lists exactly ``sources``, and its audit is the uninterrupted
    run's first lines, those of ``sources``."""
    manifest = (out / "manifest.jsonl").read_bytes()
    assert [json.loads(x)["source"] for x in manifest.splitlines()] == sources
    audit = (out / "audit.jsonl").read_bytes()
    assert {json.loads(x)["source"] for x in audit.splitlines()} == set(sources)
    assert (full / "audit.jsonl").read_bytes().startswith(audit)


@pytest.mark.parametrize("jobs", [1, 2])
def test_interrupt_between_write_and_publish_keeps_whole_records(tmp_path, monkeypatch, jobs):
    """A KeyboardInterrupt after an input's record was written but before it was
    published: the manifest and the audit are cut back to the inputs before it."""
    src = _inputs(tmp_path)
    profile = load_profile("default")
    full = tmp_path / "full"
    runner.run(src, full, profile)
    calls = {"n": 0}
    real = runner._Journal.publish

    def publish(self):
        calls["n"] += 1
        if calls["n"] == 5:  # the fresh-run publish, then inputs 00..02; stop at 03
            raise KeyboardInterrupt
        real(self)

    monkeypatch.setattr(runner._Journal, "publish", publish)
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        runner.run(src, out, profile, jobs=jobs)
    assert_cut_back_to(out, full, ["00.txt", "01.txt", "02.txt"])
    assert (full / "manifest.jsonl").read_bytes().startswith((out / "manifest.jsonl").read_bytes())
    assert not list(out.rglob(f"*{runner.TMP_SUFFIX}")) and not (out / runner.PARTS_DIR).exists()

    monkeypatch.setattr(runner._Journal, "publish", real)
    summary = runner.run(src, out, profile, jobs=jobs, resume=True)
    assert summary.resumed == 3
    for name in ("manifest.jsonl", "audit.jsonl"):
        assert (out / name).read_bytes() == (full / name).read_bytes()


class _FlushInterrupted:
    """A journal file whose ``at``-th flush raises KeyboardInterrupt: a signal that
    lands in the middle of publishing, between the manifest and the audit."""

    def __init__(self, fh, at: int) -> None:
        self._fh, self._at, self._calls = fh, at, 0

    def flush(self) -> None:
        self._calls += 1
        if self._calls == self._at:
            raise KeyboardInterrupt
        self._fh.flush()

    def __getattr__(self, name):
        return getattr(self._fh, name)


@pytest.mark.parametrize("jobs", [1, 2])
def test_interrupt_while_publishing_keeps_the_manifest_and_audit_together(tmp_path, monkeypatch, jobs):
    """Interrupted after the manifest's new end was taken but before the audit's: both
    are cut back to the same input, never a record without its audit lines."""
    src = _inputs(tmp_path)
    profile = load_profile("default")
    full = tmp_path / "full"
    runner.run(src, full, profile)
    real_init = runner._Journal.__init__

    def init(self, out_dir):
        real_init(self, out_dir)
        # the fresh-run publish, then inputs 00..02; the audit's flush for 03 is stopped
        self.files[runner.AUDIT] = _FlushInterrupted(self.files[runner.AUDIT], at=5)

    monkeypatch.setattr(runner._Journal, "__init__", init)
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        runner.run(src, out, profile, jobs=jobs)
    assert_cut_back_to(out, full, ["00.txt", "01.txt", "02.txt"])


@pytest.mark.parametrize("swap", [1, 2])
@pytest.mark.parametrize("scenario", ["resume-after-interruption", "rerun-over-a-finished-run", "resume-redoing-a-middle-input"])
def test_interrupt_while_the_real_names_are_swapped_in_loses_nothing(tmp_path, monkeypatch, scenario, swap):
    """A run shows its growing manifest and audit under their real names one name after
    the other. Interrupted right after either swap, what is left must be a manifest
    whose records all have their audit lines beside them, so that ``--resume`` ends
    with the uninterrupted run's manifest and audit."""
    src = _inputs(tmp_path)
    profile = load_profile("default")
    full, out = tmp_path / "full", tmp_path / "out"
    runner.run(src, full, profile)
    resume = scenario != "rerun-over-a-finished-run"
    if scenario == "resume-after-interruption":

        def stop(record):
            if record["source"] == "03.txt":
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            runner.run(src, out, profile, on_input=stop)
    else:
        runner.run(src, out, profile)
        if scenario == "resume-redoing-a-middle-input":
            middle = json.loads((out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()[4])
            for seg in middle["segments"]:
                (out / seg["path"]).unlink()
    real_replace = runner.os.replace
    swaps = {"n": 0}

    def replace(a, b):
        real_replace(a, b)
        if os.path.basename(b) in (runner.MANIFEST, runner.AUDIT):
            swaps["n"] += 1
            if swaps["n"] == swap:
                raise KeyboardInterrupt

    monkeypatch.setattr(runner.os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        runner.run(src, out, profile, resume=resume)
    monkeypatch.setattr(runner.os, "replace", real_replace)
    left = [json.loads(x)["source"] for x in (out / "manifest.jsonl").read_bytes().splitlines()]
    lines = {json.loads(x)["source"] for x in (out / "audit.jsonl").read_bytes().splitlines()}
    with_lines = {json.loads(x)["source"] for x in (full / "audit.jsonl").read_bytes().splitlines()}
    assert set(left) & with_lines <= lines  # no record without its audit lines
    runner.run(src, out, profile, resume=True)
    for name in ("manifest.jsonl", "audit.jsonl"):
        assert (out / name).read_bytes() == (full / name).read_bytes()
    assert tree(out) == tree(full)


def test_interrupt_while_closing_a_finished_run_leaves_no_temporary(tmp_path, monkeypatch):
    src = _inputs(tmp_path)
    profile = load_profile("default")
    real_close = runner._Journal.close

    def close(self, finished):
        if finished:
            for fh in self.files.values():
                fh.close()
            assert (self.out_dir / (runner.AUDIT + runner.TMP_SUFFIX)).exists()
            raise KeyboardInterrupt  # as if a signal landed before the temporary names went
        real_close(self, finished)

    monkeypatch.setattr(runner._Journal, "close", close)
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        runner.run(src, out, profile)
    assert not list(out.rglob(f"*{runner.TMP_SUFFIX}"))


def test_resume_redoes_a_middle_input_and_keeps_the_audit_order(tmp_path):
    """An input in the middle whose outputs vanished is cleaned again; the audit comes out
    in input order all the same (the earlier run's lines are copied input by input)."""
    src = _inputs(tmp_path)
    profile = load_profile("default")
    full, part = tmp_path / "full", tmp_path / "part"
    runner.run(src, full, profile)
    runner.run(src, part, profile)
    middle = json.loads((part / "manifest.jsonl").read_text(encoding="utf-8").splitlines()[4])
    assert middle["changes"]  # it has audit lines
    for seg in middle["segments"]:
        (part / seg["path"]).unlink()
    summary = runner.run(src, part, profile, resume=True, jobs=2)
    assert summary.resumed == 9
    for name in ("manifest.jsonl", "audit.jsonl"):
        assert (part / name).read_bytes() == (full / name).read_bytes()
    assert tree(part) == tree(full)


def test_an_interrupted_resume_keeps_the_earlier_manifest(tmp_path, monkeypatch):
    """Interrupted while replaying the inputs already done, a resumed run leaves the
    earlier manifest in place: nothing that was done is forgotten."""
    src = _inputs(tmp_path)
    profile = load_profile("default")
    out = tmp_path / "out"
    runner.run(src, out, profile)
    before = {name: (out / name).read_bytes() for name in ("manifest.jsonl", "audit.jsonl")}

    def stop(record):
        if record["source"] == "05.txt":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        runner.run(src, out, profile, resume=True, on_input=stop)
    for name, data in before.items():
        assert (out / name).read_bytes() == data
    assert not list(out.rglob(f"*{runner.TMP_SUFFIX}"))
