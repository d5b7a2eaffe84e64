"""The directory runner: layout, manifest, audit, atomic writes, bad input, resume, jobs."""
from __future__ import annotations

import collections
import io
import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import runner
from cleaner.profile import load_profile

MINIMAL = 'description = "decode only"\nchain = ["decode"]\n'


@pytest.fixture
def minimal(tmp_path):
    path = tmp_path / "minimal.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    return load_profile(str(path))


def manifest(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]


def make_inputs(root: Path) -> Path:
    src = root / "in"
    (src / "sub").mkdir(parents=True)
    (src / "b.txt").write_text("第二篇\r\n正文。\r\n", encoding="utf-8")
    (src / "a.txt").write_text("第一篇\n正文。\n", encoding="utf-8")
    (src / "sub" / "c.txt").write_bytes("堅持黨管人才，構建人才工作大格局。\n".encode("big5"))
    (src / "empty.txt").write_bytes(b"")
    (src / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(200)))
    return src


def test_layout_manifest_and_audit(tmp_path, minimal):
    src = make_inputs(tmp_path)
    out = tmp_path / "out"
    summary = runner.run(src, out, minimal)
    assert summary.exit_code == 0
    records = manifest(out)
    assert [r["source"] for r in records] == ["a.txt", "b.txt", "empty.txt", "image.png", "sub/c.txt"]
    by = {r["source"]: r for r in records}
    for rec in records:
        assert set(rec) >= {"source", "status", "error", "encoding", "collection_title", "declared_count", "segments", "warnings", "changes"}
    assert (out / "a.txt").read_text(encoding="utf-8") == "第一篇\n正文。\n"
    assert (out / "b.txt").read_bytes() == "第二篇\n正文。\n".encode("utf-8")
    assert by["b.txt"]["changes"]["decode"] == 2
    assert by["a.txt"]["segments"] == [{"path": "a.txt", "title": "第一篇", "chars": 8}]
    assert by["sub/c.txt"]["encoding"] == "big5"
    assert (out / "sub" / "c.txt").is_file()
    assert by["empty.txt"]["status"] == "ok" and by["empty.txt"]["segments"] == []
    assert by["empty.txt"]["warnings"] == ["empty input: no text"]
    assert by["image.png"]["status"] == "skipped" and "PNG" in by["image.png"]["error"]
    assert not (out / "image.png").exists()
    assert not list(out.rglob("*.cleaner-tmp")) and not (out / runner.PARTS_DIR).exists()
    audit = [json.loads(line) for line in (out / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all({"source", "filter", "old", "new"} <= set(a) for a in audit)


@pytest.mark.parametrize("inside", ["out", "sub/out", "."])
def test_out_inside_in_is_refused(tmp_path, minimal, inside):
    src = make_inputs(tmp_path)
    with pytest.raises(runner.RunError, match="inside the input folder"):
        runner.run(src, src / inside, minimal)


def test_in_inside_out_is_refused(tmp_path, minimal):
    src = make_inputs(tmp_path)
    with pytest.raises(runner.RunError, match="inside the output folder"):
        runner.run(src, tmp_path, minimal)


def test_missing_input_and_unwritable_output(tmp_path, minimal):
    with pytest.raises(runner.RunError, match="does not exist"):
        runner.run(tmp_path / "nope", tmp_path / "out", minimal)
    src = make_inputs(tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(runner.RunError, match="cannot create output folder"):
        runner.run(src, blocker / "out", minimal)


def test_links_special_files_and_unreadable_entries(tmp_path, minimal):
    src = make_inputs(tmp_path)
    os.symlink(src, src / "loop")  # a folder link back to the top: not followed
    os.symlink(src / "nowhere.txt", src / "dangling.txt")
    os.symlink(src / "a.txt", src / "z-link.txt")
    os.mkfifo(src / "pipe")
    out = tmp_path / "out"
    summary = runner.run(src, out, minimal)
    by = {r["source"]: r for r in manifest(out)}
    assert "loop" not in " ".join(by)
    assert by["dangling.txt"]["status"] == "error" and "cannot read" in by["dangling.txt"]["error"]
    assert by["pipe"]["status"] == "skipped" and "not a regular file" in by["pipe"]["error"]
    assert (out / "z-link.txt").read_text(encoding="utf-8") == "第一篇\n正文。\n"
    assert summary.exit_code == 1  # the dangling link failed; the run still finished


def test_hidden_entries_are_passed_over(tmp_path, minimal):
    src = make_inputs(tmp_path)
    (src / ".git").mkdir()
    (src / ".git" / "config").write_text("[core]\n")
    out = tmp_path / "out"
    runner.run(src, out, minimal)
    assert not any(r["source"].startswith(".git") for r in manifest(out))


@pytest.mark.parametrize(
    "batch_files, batch_bytes, batch_audit",
    [(1, 1 << 18, 1 << 20), (3, 60, 1 << 20), (4, 1 << 18, 1), (runner.BATCH_FILES, runner.BATCH_BYTES, runner.BATCH_AUDIT_BYTES)],
    ids=["one-per-batch", "small-batches", "audits-spilled", "default-batches"],
)
def test_parallel_output_is_identical(tmp_path, monkeypatch, batch_files, batch_bytes, batch_audit):
    # (Forked workers see the patched bounds; others use the defaults, as any run may.)
    monkeypatch.setattr(runner, "BATCH_FILES", batch_files)
    monkeypatch.setattr(runner, "BATCH_BYTES", batch_bytes)
    monkeypatch.setattr(runner, "BATCH_AUDIT_BYTES", batch_audit)
    profile = load_profile("default")
    src = make_inputs(tmp_path)
    for i in range(12):
        (src / f"n{i:02d}.txt").write_text(f"标题{i}\n内容 {i}, 第xx条。\r\n" * (1 + i % 4), encoding="utf-8")
    one, two = tmp_path / "one", tmp_path / "two"
    runner.run(src, one, profile, jobs=1)
    runner.run(src, two, profile, jobs=2)
    assert (one / "audit.jsonl").stat().st_size > 0
    for name in ("manifest.jsonl", "audit.jsonl"):
        assert (one / name).read_bytes() == (two / name).read_bytes()
    files = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(two) for p in two.rglob("*") if p.is_file())
    for rel in files:
        assert (one / rel).read_bytes() == (two / rel).read_bytes()


@given(st.lists(st.integers(0, 600), max_size=60), st.integers(1, 5), st.integers(0, 1000))
def test_batches_keep_input_order_within_their_bounds(sizes, most_files, most_bytes):
    tasks = [runner.Task(i, f"{i}.txt", f"{i}.txt", size) for i, size in enumerate(sizes)]
    queue = collections.deque(tasks)
    batches = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(runner, "BATCH_FILES", most_files)
        mp.setattr(runner, "BATCH_BYTES", most_bytes)
        while queue:
            batches.append(runner._next_batch(queue))
    assert [t for batch in batches for t in batch] == tasks
    for batch, after in zip(batches, [*batches[1:], None]):
        total = sum(t.size for t in batch)
        assert len(batch) <= most_files
        assert len(batch) == 1 or total <= most_bytes  # a large input goes alone
        if after is not None and len(batch) < most_files:
            assert total + after[0].size > most_bytes  # greedy: the next one did not fit


def test_a_batch_past_its_audit_budget_moves_the_rest_to_part_files(tmp_path, monkeypatch):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    texts = [f"标题{i}\n" + "内容 ,第xx条 。\n" * (5 + i) for i in range(4)]
    tasks = []
    for i, text in enumerate(texts):
        (src / f"{i}.txt").write_text(text, encoding="utf-8")
        tasks.append(runner.Task(i, str(src / f"{i}.txt"), f"{i}.txt", len(text.encode()), prune=False))
    cleaner = runner.Cleaner(load_profile("default"))
    alone = [runner.process_one(cleaner, tmp_path / "alone", task).audit for task in tasks]
    assert all(alone)
    monkeypatch.setattr(runner, "_worker", (cleaner, out, runner.Format()))
    monkeypatch.setattr(runner, "BATCH_AUDIT_BYTES", len(alone[0]) + len(alone[1]))
    outcomes = runner._process_batch(tasks)
    # The first two fit the budget; the others' audits wait in part files, unchanged.
    assert [o.audit for o in outcomes[:2]] == alone[:2] and [o.audit_part for o in outcomes[:2]] == [None, None]
    for task, outcome, audit in zip(tasks[2:], outcomes[2:], alone[2:]):
        assert outcome.audit == b"" and outcome.audit_part == str(runner.audit_part_path(out, task))
        assert Path(outcome.audit_part).read_bytes() == audit
    # The first input's audit stays in memory whatever its size, as a lone input's does.
    monkeypatch.setattr(runner, "BATCH_AUDIT_BYTES", 1)
    first, second = runner._process_batch(tasks[:2])
    assert first.audit == alone[0] and second.audit_part is not None


def test_resume_skips_done_inputs_and_matches_an_uninterrupted_run(tmp_path, minimal):
    src = make_inputs(tmp_path)
    full, part = tmp_path / "full", tmp_path / "part"
    runner.run(src, full, minimal)
    runner.run(src, part, minimal)
    # Simulate an interruption after the first two inputs: later records and outputs gone.
    lines = (part / "manifest.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    (part / "manifest.jsonl").write_text("".join(lines[:2]) + lines[2][:10], encoding="utf-8")
    (part / "b.txt").unlink()  # b's record stays, but its output vanished: redo it
    (part / "sub" / "c.txt").unlink()
    seen = []
    summary = runner.run(src, part, minimal, resume=True, on_input=seen.append)
    assert summary.resumed == 1  # a.txt only
    assert (part / "manifest.jsonl").read_bytes() == (full / "manifest.jsonl").read_bytes()
    assert (part / "audit.jsonl").read_bytes() == (full / "audit.jsonl").read_bytes()
    assert (part / "b.txt").read_bytes() == (full / "b.txt").read_bytes()


def test_a_rerun_replaces_the_other_layout_of_an_earlier_run(tmp_path, monkeypatch):
    compilation = Path(__file__).resolve().parents[1] / "samples" / "000_ec226d4242084735.txt"
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "a.txt").write_bytes(compilation.read_bytes())
    profile = load_profile(None)
    calls = []
    real = runner._remove_stale
    monkeypatch.setattr(runner, "_remove_stale", lambda *args: (calls.append(args[1]), real(*args)))
    runner.run(src, out, profile)
    parts = sorted(p.name for p in (out / "a").iterdir())
    assert len(parts) > 1 and not (out / "a.txt").exists()
    assert calls == []  # OUT was empty: nothing of an earlier run to look for
    (src / "a.txt").write_text("一篇文章\n只有一段正文。\n", encoding="utf-8")
    runner.run(src, out, profile)
    assert (out / "a.txt").read_text(encoding="utf-8") == "一篇文章\n只有一段正文。\n"
    assert not (out / "a").exists() or not list((out / "a").iterdir())
    assert calls == ["a.txt"]
    (src / "a.txt").write_bytes(compilation.read_bytes())
    runner.run(src, out, profile)
    assert sorted(p.name for p in (out / "a").iterdir()) == parts and not (out / "a.txt").exists()


def folders_of(rels):
    moved = runner.part_folders(rels)
    return {rel: runner.part_folder(rel, moved) for rel in rels}


def test_part_folders_keep_the_usual_name_unless_another_input_claims_it():
    assert runner.part_folders(["a/b.txt", "c"]) == {}  # only the exceptions are kept
    assert folders_of(["a/b.txt", "c"]) == {"a/b.txt": "a/b", "c": "c.d"}
    # an input inside the usual folder, or another input with the same usual folder
    assert folders_of(["a/b.txt", "a/b/01.txt"]) == {"a/b.txt": "a/b.txt.d", "a/b/01.txt": "a/b/01"}
    assert folders_of(["a/b.md", "a/b.txt"]) == {"a/b.md": "a/b.md.d", "a/b.txt": "a/b.txt.d"}
    # an input of that very path; and a fallback that is claimed too
    assert folders_of(["x", "x.txt"]) == {"x": "x.d", "x.txt": "x.txt.d"}
    assert folders_of(["a/b.txt", "a/b/c.txt", "a/b.txt.d/c.txt"])["a/b.txt"] == "a/b.txt.d.d"
    # names that differ only in case are one on macOS and Windows; the run's own names
    assert folders_of(["a/B.txt", "a/b/01.txt"])["a/B.txt"] == "a/B.txt.d"
    assert folders_of(["manifest.jsonl.txt"]) == {"manifest.jsonl.txt": "manifest.jsonl.txt.d"}


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(["a", "b", "A", "a.txt", "b.txt", "A.txt", "a.md", "a.d", "a.txt.d", "01.txt", "01", "manifest.jsonl", "\u00e9.txt", "e\u0301"]), min_size=1, max_size=3).map("/".join),
        unique=True, max_size=8,
    ),
    st.data(),
)
def test_no_two_inputs_can_write_the_same_output(rels, data):
    # (a set of paths that can be files together on any file system: none is a folder
    # of another, none differs from another only in case)
    fold = runner._fold
    rels = sorted(r for r in rels if not any(fold(o).startswith(fold(r) + "/") for o in rels))
    rels = [r for r in {fold(r): r for r in rels}.values() if not runner.takes_reserved_name(r)]  # (those are errors)
    folders = folders_of(rels)
    counts = {rel: data.draw(st.sampled_from([1, 2, 12]), label=rel) for rel in rels}
    outputs = [fold(p) for rel in rels for p in runner.output_paths(rel, counts[rel], folders[rel])]
    assert len(outputs) == len(set(outputs))  # no file written twice
    files = set(outputs) | {fold(name) for name in runner.RESERVED}
    assert not any(p.rsplit("/", k)[0] in files for p in outputs for k in range(1, p.count("/") + 1))  # nor a file where a folder goes


def test_colliding_inputs_lose_nothing_and_any_jobs_agree(tmp_path):
    compilation = Path(__file__).resolve().parents[1] / "samples" / "000_ec226d4242084735.txt"
    src = tmp_path / "in"
    (src / "a" / "b").mkdir(parents=True)
    (src / "a" / "b.txt").write_bytes(compilation.read_bytes())
    (src / "a" / "b" / "01.txt").write_text("单独一篇\n正文一段。\n", encoding="utf-8")
    (src / "a" / "b.md").write_bytes(compilation.read_bytes())
    profile = load_profile(None)
    trees = []
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}"
        runner.run(src, out, profile, jobs=jobs)
        trees.append({p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()})
        by = {r["source"]: r for r in manifest(out)}
        assert (out / "a" / "b" / "01.txt").read_text(encoding="utf-8") == "单独一篇\n正文一段。\n"
        assert [s["path"] for s in by["a/b.txt"]["segments"]] == ["a/b.txt.d/01.txt", "a/b.txt.d/02.txt", "a/b.txt.d/03.txt"]
        assert [s["path"] for s in by["a/b.md"]["segments"]][0] == "a/b.md.d/01.txt"
        written = [s["path"] for r in by.values() for s in r["segments"]]
        assert len(written) == len(set(written)) == 7 and all((out / p).is_file() for p in written)
    assert trees[0] == trees[1]


def test_a_changed_set_of_inputs_moves_a_compilation_and_resume_does_not_trust_the_old_place(tmp_path):
    compilation = (Path(__file__).resolve().parents[1] / "samples" / "000_ec226d4242084735.txt").read_bytes()
    src, out = tmp_path / "in", tmp_path / "out"
    (src / "a").mkdir(parents=True)
    (src / "a" / "b.txt").write_bytes(compilation)
    (src / "a" / "b.md").write_bytes(compilation)
    profile = load_profile(None)
    runner.run(src, out, profile)
    assert (out / "a" / "b.txt.d" / "01.txt").is_file() and not (out / "a" / "b").exists()
    # a/b.md is gone: a/b.txt takes its usual folder again, and its old one is cleared
    (src / "a" / "b.md").unlink()
    runner.run(src, out, profile)
    assert (out / "a" / "b" / "01.txt").is_file() and not list((out / "a" / "b.txt.d").glob("*.txt"))
    # an input now claims a/b: a resumed run does not take a/b.txt's record as done
    (src / "a" / "b").mkdir()
    (src / "a" / "b" / "01.txt").write_text("单独一篇\n正文一段。\n", encoding="utf-8")
    summary = runner.run(src, out, profile, resume=True)
    assert summary.resumed == 0
    by = {r["source"]: r for r in manifest(out)}
    assert [s["path"] for s in by["a/b.txt"]["segments"]][0] == "a/b.txt.d/01.txt"
    assert (out / "a" / "b" / "01.txt").read_text(encoding="utf-8") == "单独一篇\n正文一段。\n"


def test_resume_redoes_records_that_name_one_file_between_them(tmp_path):
    """A manifest from a version that let outputs collide: both records name a/b/01.txt,
    so neither can be trusted."""
    compilation = (Path(__file__).resolve().parents[1] / "samples" / "000_ec226d4242084735.txt").read_bytes()
    src, out = tmp_path / "in", tmp_path / "out"
    (src / "a" / "b").mkdir(parents=True)
    (src / "a" / "b.txt").write_bytes(compilation)
    (src / "a" / "b" / "01.txt").write_text("单独一篇\n正文一段。\n", encoding="utf-8")
    profile = load_profile(None)
    runner.run(src, out, profile)
    reference = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    records = manifest(out)
    for rec in records:  # as the earlier version wrote them, its documents in a/b/
        if rec["source"] == "a/b.txt":
            rec["segments"] = [dict(s, path=f"a/b/{i:02d}.txt") for i, s in enumerate(rec["segments"], 1)]
    (out / "manifest.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    for i in (2, 3):
        (out / "a" / "b" / f"{i:02d}.txt").write_text("旧的。\n", encoding="utf-8")
    (out / "a" / "b" / "01.txt").write_bytes(reference["a/b.txt.d/01.txt"])  # the earlier overwrite
    summary = runner.run(src, out, profile, resume=True)
    assert summary.resumed == 0
    assert (out / "a" / "b" / "01.txt").read_text(encoding="utf-8") == "单独一篇\n正文一段。\n"
    assert {r["source"]: [s["path"] for s in r["segments"]] for r in manifest(out)}["a/b.txt"][0] == "a/b.txt.d/01.txt"


@pytest.mark.parametrize("name", ["manifest.jsonl", "AUDIT.jsonl", "audit.jsonl/inside.txt", "y.cleaner-tmp"])
def test_an_input_named_like_the_runs_own_files_is_an_error_not_an_overwrite(tmp_path, minimal, name):
    src, out = tmp_path / "in", tmp_path / "out"
    (src / name).parent.mkdir(parents=True)
    (src / name).write_text("一行。\n", encoding="utf-8")
    (src / "x.txt").write_text("另一行。\n", encoding="utf-8")
    summary = runner.run(src, out, minimal)
    by = {r["source"]: r for r in manifest(out)}
    assert by[name]["status"] == "error" and "move or rename" in by[name]["error"] and summary.exit_code == 1
    assert by["x.txt"]["status"] == "ok"


def test_atomic_write_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "x.txt"
    target.write_text("old")

    def boom(src, dst):  # interrupted after the data is written, before the rename
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(KeyboardInterrupt):
        runner.atomic_write(target, b"new content")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.txt"]


def test_output_paths():
    assert runner.output_paths("a/b.txt", 1) == ["a/b.txt"]
    assert runner.output_paths("a/b.txt", 3) == ["a/b/01.txt", "a/b/02.txt", "a/b/03.txt"]
    assert runner.output_paths("b", 2) == ["b.d/01.txt", "b.d/02.txt"]
    assert runner.output_paths("x.txt", 120)[0] == "x/001.txt"


def test_jsonl_records_keep_fields_and_bad_lines_are_reported(tmp_path, minimal):
    src = tmp_path / "in"
    src.mkdir()
    lines = [
        json.dumps({"id": 1, "body": "甲\r\n乙"}, ensure_ascii=False),
        "{not json",
        json.dumps({"id": 3, "other": "no body"}),
        "",
        json.dumps([1, 2]),
        json.dumps({"id": 6, "body": "丙"}, ensure_ascii=False),
    ]
    (src / "docs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (src / "notes.txt").write_text("不是JSONL", encoding="utf-8")
    out = tmp_path / "out"
    runner.run(src, out, minimal, fmt=runner.Format("jsonl", "body"))
    records = [json.loads(x) for x in (out / "docs.jsonl").read_text(encoding="utf-8").splitlines()]
    assert records == [
        {"id": 1, "body": "甲\n乙", "segment": 1, "title": "甲"},
        {"id": 6, "body": "丙", "segment": 1, "title": "丙"},
    ]
    by = {r["source"]: r for r in manifest(out)}
    assert by["docs.jsonl"]["records"] == {"in": 5, "out": 2, "bad": 3}
    assert [w.split(":")[0] for w in by["docs.jsonl"]["warnings"]] == ["line 2", "line 3", "line 5"]
    assert by["notes.txt"]["status"] == "skipped"
    assert by["docs.jsonl"]["changes"]["decode"] == 1  # the CRLF of line 1


def test_audit_lines_are_exactly_json():
    from hypothesis import given, strategies as st

    from cleaner.core import Edit

    edit_fields = st.tuples(st.integers(0, 10**9), st.integers(0, 10**9), st.text(), st.text())

    @given(st.text(), st.text(), st.lists(edit_fields, max_size=3), st.one_of(st.none(), st.integers(1, 99)), st.one_of(st.none(), st.integers(1, 10**6)))
    def check(source, name, edits, segment, line):
        out = io.StringIO()
        runner.audit_writer(out, runner.audit_head(source, line))(name, segment, edits)
        expected = [
            json.dumps({"source": source, **({"line": line} if line is not None else {}), **Edit(name, *e, segment).as_dict()}, ensure_ascii=False) + "\n"
            for e in edits
        ]
        assert out.getvalue() == "".join(expected)

    check()
