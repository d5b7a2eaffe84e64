"""Bad input, big input: every case has a defined outcome (skipped with a reason, an
error with a message, or a warning), none stops the run, none prints a traceback.

Outcomes are checked in the manifest and through the CLI, with its exit statuses: 0 when
every input was cleaned or skipped as not text, 1 when some input failed, 2 for usage
and profile errors.

The two big tests are ``slow``. Their sizes come from the environment so they can be run
small while iterating: ``CLEANER_BIG_MB`` (default 200) and ``CLEANER_MANY_FILES``
(default 50000), e.g. ``CLEANER_BIG_MB=20 pytest -m slow tests/test_bad_input.py -s``.
They measure peak memory in a child process (its ``RUSAGE_CHILDREN`` high-water mark)
and print what they measured.
"""
from __future__ import annotations

import codecs
import json
import os
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleaner import runner
from cleaner.cli import app, main
from cleaner.profile import load_profile

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
cli = CliRunner()

TEXT = "关于做好人才工作的通知\n各单位：\n请认真落实有关要求，推进人才工作高质量发展。\n"
TRADITIONAL = "關於做好人才工作的通知\n各單位：\n請認真落實有關要求，推進人才工作高質量發展。\n"
ADS = (
    "【哒哒素材库】——每天更新材料1000多篇内部高质量素材，会员群+网盘群同步每日更新，有意加入请联系：1 4367\n"
    "【哒哒代笔】——原创高质量保障、高度保密，各类代笔（润笔），好评如潮！需要的小伙伴请代笔客服：cwk\n"
)
PAYWALL = "标题\n第一段内容。\n内容已经隐藏，点击付费后查看\n"


# --- helpers -------------------------------------------------------------------------


def manifest(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]


def by_source(out: Path) -> dict[str, dict]:
    return {r["source"]: r for r in manifest(out)}


def invoke(*args: str):
    result = cli.invoke(app, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def cleaner_cmd(*args: str, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "cleaner", *args], capture_output=True, text=True, **kwargs)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def write_bad_tree(src: Path) -> Path:
    """One of everything a corpus folder holds that is not a clean text file."""
    rng = random.Random(20240501)
    src.mkdir(parents=True, exist_ok=True)
    (src / "binary").mkdir()
    (src / "binary" / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + rng.randbytes(2000))
    (src / "binary" / "paper.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + rng.randbytes(2000))
    (src / "binary" / "archive.zip").write_bytes(b"PK\x03\x04" + rng.randbytes(2000))
    (src / "binary" / "random.bin").write_bytes(rng.randbytes(4096))
    (src / "binary" / "random-no-nul.bin").write_bytes(bytes(b or 1 for b in rng.randbytes(4096)))
    (src / "empty.txt").write_bytes(b"")
    (src / "ads.txt").write_text(ADS, encoding="utf-8")
    (src / "paywall.txt").write_text(PAYWALL, encoding="utf-8")
    enc = src / "encodings"
    enc.mkdir()
    (enc / "utf8.txt").write_bytes(TEXT.encode("utf-8"))
    (enc / "utf8-bom.txt").write_bytes(codecs.BOM_UTF8 + TEXT.encode("utf-8"))
    (enc / "gb18030.txt").write_bytes(TEXT.encode("gb18030"))
    (enc / "big5.txt").write_bytes(TRADITIONAL.encode("big5"))
    (enc / "utf16-le.txt").write_bytes(TEXT.encode("utf-16"))  # with its BOM
    (enc / "utf16-be.txt").write_bytes(codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"))
    (enc / "utf16-no-bom.txt").write_bytes(TEXT.encode("utf-16-le"))
    (enc / "crlf.txt").write_bytes(TEXT.replace("\n", "\r\n").encode("utf-8"))
    good = TEXT.encode("utf-8")
    (src / "invalid-utf8.txt").write_bytes(good[:33] + b"\xff" + good[33:])
    links = src / "links"
    links.mkdir()
    os.symlink("..", links / "up")  # a loop back to IN: not followed
    os.symlink(src, links / "top")  # the same, by absolute path
    os.symlink("self.txt", links / "self.txt")  # a link to itself
    os.symlink("ping.txt", links / "pong.txt")  # two links to each other
    os.symlink("pong.txt", links / "ping.txt")
    os.symlink("nowhere.txt", links / "dangling.txt")
    os.symlink("../encodings/utf8.txt", links / "to-file.txt")  # a link to a file is read
    os.mkfifo(src / "pipe")
    return src


# (status, what the reason or a warning contains); "" means no warning at all
EXPECTED: dict[str, tuple[str, str]] = {
    "binary/image.png": ("skipped", "not text: a PNG image"),
    "binary/paper.pdf": ("skipped", "not text: a PDF document"),
    "binary/archive.zip": ("skipped", "not text: a ZIP archive"),
    "binary/random.bin": ("skipped", "not text"),
    "binary/random-no-nul.bin": ("skipped", "not text"),
    "empty.txt": ("ok", "empty input"),
    "ads.txt": ("ok", "no text left after cleaning"),
    "paywall.txt": ("ok", "truncated"),
    "encodings/utf8.txt": ("ok", ""),
    "encodings/utf8-bom.txt": ("ok", ""),
    "encodings/gb18030.txt": ("ok", ""),
    "encodings/big5.txt": ("ok", ""),
    "encodings/utf16-le.txt": ("ok", ""),
    "encodings/utf16-be.txt": ("ok", ""),
    # UTF-16 without a byte-order mark is not detected (SPEC: UTF-16/32 only with a BOM):
    # its NUL bytes make it binary, and it is skipped with that reason.
    "encodings/utf16-no-bom.txt": ("skipped", "NUL bytes"),
    "encodings/crlf.txt": ("ok", ""),
    "invalid-utf8.txt": ("ok", "1 invalid UTF-8 byte sequence(s) replaced with U+FFFD"),
    "links/self.txt": ("error", "cannot read the file: Too many levels of symbolic links"),
    "links/ping.txt": ("error", "cannot read the file: Too many levels of symbolic links"),
    "links/pong.txt": ("error", "cannot read the file: Too many levels of symbolic links"),
    "links/dangling.txt": ("error", "cannot read the file: No such file or directory"),
    "links/to-file.txt": ("ok", ""),
    "pipe": ("skipped", "not a regular file"),
}


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory):
    """The whole bad tree, cleaned once with the default profile (two workers)."""
    root = tmp_path_factory.mktemp("bad")
    src = write_bad_tree(root / "in")
    out = root / "out"
    seen: list[dict] = []
    summary = runner.run(src, out, load_profile("default"), jobs=2, on_input=seen.append)
    return src, out, summary, seen


# --- the outcome of each bad input ---------------------------------------------------


@pytest.mark.parametrize("source", sorted(EXPECTED))
def test_each_bad_input_has_its_defined_outcome(bad_run, source):
    _, out, _, _ = bad_run
    status, said = EXPECTED[source]
    rec = by_source(out)[source]
    assert rec["status"] == status, rec
    if status == "ok":
        assert rec["error"] is None
        if said:
            assert any(said in w for w in rec["warnings"]), rec["warnings"]
        else:
            assert rec["warnings"] == []
    else:
        assert said in rec["error"], rec["error"]
        assert rec["segments"] == [] and rec["warnings"] == []
        assert not (out / source).exists()


def test_the_run_lists_every_input_and_goes_on(bad_run):
    _, out, summary, seen = bad_run
    records = manifest(out)
    assert [r["source"] for r in records] == sorted(EXPECTED)  # nothing under links/up or links/top
    assert [r["source"] for r in seen] == sorted(EXPECTED)
    assert summary.inputs == len(EXPECTED)
    assert summary.errors == 4 and summary.exit_code == 1  # the broken links only
    assert not list(out.rglob("*.cleaner-tmp")) and not (out / runner.PARTS_DIR).exists()


def test_every_encoding_gives_the_same_document(bad_run):
    _, out, _, _ = bad_run
    recs = by_source(out)
    expected = TEXT.encode("utf-8")
    encodings = {}
    for name in ("utf8", "utf8-bom", "gb18030", "big5", "utf16-le", "utf16-be", "crlf"):
        rel = f"encodings/{name}.txt"
        assert (out / rel).read_bytes() == expected, name
        encodings[name] = recs[rel]["encoding"]
    assert encodings == {
        "utf8": "utf-8", "utf8-bom": "utf-8-sig", "gb18030": "gb18030", "big5": "big5",
        "utf16-le": "utf-16", "utf16-be": "utf-16", "crlf": "utf-8",
    }
    assert recs["encodings/crlf.txt"]["changes"] == {"decode": 3}
    assert recs["encodings/big5.txt"]["changes"].get("script")  # Traditional became Simplified


def test_empty_and_ad_only_inputs_yield_no_document(bad_run):
    _, out, _, _ = bad_run
    recs = by_source(out)
    for rel in ("empty.txt", "ads.txt"):
        assert recs[rel]["segments"] == []
        assert not (out / rel).exists()
    audit = [json.loads(x) for x in (out / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    removed = "".join(a["old"] for a in audit if a["source"] == "ads.txt")
    for line in ADS.splitlines():
        assert line in removed  # every ad went with a trace


def test_paywall_page_is_cleaned_and_warned_as_truncated(bad_run):
    _, out, _, _ = bad_run
    assert (out / "paywall.txt").read_text(encoding="utf-8").startswith("标题\n第一段内容。\n")


def test_invalid_utf8_bytes_are_replaced_and_audited(bad_run):
    _, out, _, _ = bad_run
    assert by_source(out)["invalid-utf8.txt"]["encoding"] == "utf-8"
    text = (out / "invalid-utf8.txt").read_text(encoding="utf-8")
    assert text.replace("\ufffd", "") == TEXT
    audit = [json.loads(x) for x in (out / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {"source": "invalid-utf8.txt", "filter": "decode", "start": 11, "end": 12, "old": "<invalid bytes ff>", "new": "\ufffd"} in audit


# --- the same through the command line -------------------------------------------------


def test_cli_reports_each_bad_input_and_exits_1_for_the_broken_links(tmp_path):
    src = write_bad_tree(tmp_path / "in")
    out = tmp_path / "out"
    done = cleaner_cmd("run", str(src), str(out), "--jobs", "2")
    assert done.returncode == 1, done.stderr
    assert "binary/image.png: skipped: not text: a PNG image" in done.stderr
    assert "links/dangling.txt: error: cannot read the file" in done.stderr
    assert "empty.txt: warning: empty input: no text" in done.stderr
    assert "paywall.txt: warning:" in done.stderr
    assert f"cleaner: {len(EXPECTED)} files" in done.stderr and "4 failed" in done.stderr
    assert len(manifest(out)) == len(EXPECTED)


def test_cli_exit_0_when_every_input_is_cleaned_or_skipped(tmp_path):
    """The issue's own check: binary, empty, ad-only and hidden-paywall pages."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (src / "random.bin").write_bytes(random.Random(1).randbytes(1000))
    (src / "empty.txt").write_bytes(b"")
    (src / "ads.txt").write_text(ADS, encoding="utf-8")
    (src / "paywall.txt").write_text(PAYWALL, encoding="utf-8")
    out = tmp_path / "out"
    done = cleaner_cmd("run", str(src), str(out))
    assert done.returncode == 0, done.stderr
    recs = by_source(out)
    assert recs["image.png"]["status"] == "skipped" and recs["image.png"]["error"] == "not text: a PNG image"
    assert recs["random.bin"]["status"] == "skipped" and recs["random.bin"]["error"].startswith("not text")
    assert recs["empty.txt"]["warnings"] == ["empty input: no text"]
    assert recs["ads.txt"]["segments"] == [] and recs["ads.txt"]["warnings"]
    assert any("truncated" in w for w in recs["paywall.txt"]["warnings"])
    assert (out / "paywall.txt").is_file()
    assert "image.png: skipped: not text: a PNG image" in done.stderr


# --- unreadable inputs --------------------------------------------------------------------


def _deny(monkeypatch, name: str) -> None:
    """Make one file unreadable the way a permission bit would (tests run as root)."""
    real = os.open

    def deny_open(path, flags, *args, **kwargs):
        if os.path.basename(path) == name:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", deny_open)


def test_unreadable_file_is_an_error_and_the_run_goes_on(tmp_path, monkeypatch):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(TEXT, encoding="utf-8")
    (src / "secret.txt").write_text(TEXT, encoding="utf-8")
    (src / "z.txt").write_text(TEXT, encoding="utf-8")
    _deny(monkeypatch, "secret.txt")
    out = tmp_path / "out"
    result = invoke("run", str(src), str(out), "--jobs", "1")
    assert result.exit_code == 1
    assert "secret.txt: error: cannot read the file: Permission denied" in result.stderr
    recs = by_source(out)
    assert recs["secret.txt"]["status"] == "error" and not (out / "secret.txt").exists()
    assert recs["a.txt"]["status"] == recs["z.txt"]["status"] == "ok"
    assert (out / "z.txt").read_text(encoding="utf-8") == TEXT


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_by_permission_bits(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(TEXT, encoding="utf-8")
    secret = src / "secret.txt"
    secret.write_text(TEXT, encoding="utf-8")
    secret.chmod(0)
    try:
        done = cleaner_cmd("run", str(src), str(tmp_path / "out"))
    finally:
        secret.chmod(0o644)
    assert done.returncode == 1
    assert "secret.txt: error: cannot read the file: Permission denied" in done.stderr


def test_a_crash_while_cleaning_one_input_is_an_error_for_it(tmp_path, monkeypatch):
    src = tmp_path / "in"
    src.mkdir()
    for name in ("a.txt", "boom.txt", "c.txt"):
        (src / name).write_text(TEXT, encoding="utf-8")
    real = runner.process_one

    def process_one(cleaner, out_dir, task, fmt=runner.Format()):
        if task.rel == "boom.txt":
            raise MemoryError()
        return real(cleaner, out_dir, task, fmt)

    monkeypatch.setattr(runner, "process_one", process_one)
    out = tmp_path / "out"
    summary = runner.run(src, out, load_profile("default"))
    recs = by_source(out)
    assert recs["boom.txt"]["status"] == "error" and recs["boom.txt"]["error"] == "internal error: MemoryError"
    assert recs["a.txt"]["status"] == recs["c.txt"]["status"] == "ok"
    assert summary.exit_code == 1


@pytest.mark.parametrize("batch_files", [1, 3, runner.BATCH_FILES])
def test_a_worker_that_dies_fails_only_its_input(tmp_path, monkeypatch, batch_files):
    import multiprocessing

    if multiprocessing.get_start_method() != "fork":
        pytest.skip("workers are not forked, so they would not see the patched function")
    src = tmp_path / "in"
    src.mkdir()
    for i in range(40):
        (src / f"{i:02d}.txt").write_text(f"第{i}号\n{TEXT}", encoding="utf-8")
    killers = {"05.txt", "31.txt", "32.txt"}
    real = runner.process_one

    def process_one(cleaner, out_dir, task, fmt=runner.Format()):
        if task.rel in killers:
            os._exit(9)  # as if killed for want of memory
        return real(cleaner, out_dir, task, fmt)

    monkeypatch.setattr(runner, "process_one", process_one)  # the forked workers inherit it
    monkeypatch.setattr(runner, "BATCH_FILES", batch_files)  # several batches in flight at a death
    out = tmp_path / "out"
    summary = runner.run(src, out, load_profile("default"), jobs=2)
    records = manifest(out)
    assert [r["source"] for r in records] == [f"{i:02d}.txt" for i in range(40)]
    assert [r["source"] for r in records if r["status"] != "ok"] == sorted(killers)
    assert all("worker process died" in r["error"] for r in records if r["status"] != "ok")
    assert summary.errors == 3
    reference = tmp_path / "reference"
    monkeypatch.setattr(runner, "process_one", real)
    runner.run(src, reference, load_profile("default"), jobs=1)
    for rec in records:
        if rec["status"] == "ok":
            assert [(out / s["path"]).read_bytes() for s in rec["segments"]] == [(reference / s["path"]).read_bytes() for s in rec["segments"]]
    assert not list(out.rglob("*.cleaner-tmp")) and not (out / runner.PARTS_DIR).exists()


# --- where OUT is --------------------------------------------------------------------


@pytest.mark.parametrize("inside", ["out", "sub/out", "."])
def test_out_inside_in_is_exit_2_and_writes_nothing(tmp_path, inside):
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text(TEXT, encoding="utf-8")
    result = invoke("run", str(src), str(src / inside))
    assert result.exit_code == 2
    assert "lies inside the input folder" in result.stderr
    assert sorted(p.name for p in src.rglob("*")) == ["a.txt", "sub"]


def test_in_inside_out_is_exit_2(tmp_path):
    src = tmp_path / "corpus" / "in"
    src.mkdir(parents=True)
    (src / "a.txt").write_text(TEXT, encoding="utf-8")
    result = invoke("run", str(src), str(tmp_path / "corpus"))
    assert result.exit_code == 2 and "lies inside the output folder" in result.stderr


def test_out_not_writable_is_exit_2(tmp_path, monkeypatch):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(TEXT, encoding="utf-8")
    a_file = tmp_path / "file"
    a_file.write_text("x")
    result = invoke("run", str(src), str(a_file))  # OUT is a file
    assert result.exit_code == 2 and "cannot create output folder" in result.stderr
    result = invoke("run", str(src), str(a_file / "out"))  # OUT would be under a file
    assert result.exit_code == 2 and "cannot create output folder" in result.stderr

    out = tmp_path / "out"
    out.mkdir()
    real = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, *a, **k: False if Path(path) == out and mode & os.W_OK else real(path, mode, *a, **k))
    result = invoke("run", str(src), str(out))  # what a read-only folder looks like to a non-root user
    assert result.exit_code == 2 and "is not writable" in result.stderr
    assert list(out.iterdir()) == []


def test_manifest_that_cannot_be_created_is_exit_2(tmp_path, monkeypatch):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out"
    real_open = open

    def fake_open(file, mode="r", *args, **kwargs):
        if str(file).endswith("manifest.jsonl" + runner.TMP_SUFFIX):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr("builtins.open", fake_open)
    result = invoke("run", str(src), str(out), "--jobs", "1")
    assert result.exit_code == 2
    assert "cannot write in the output folder" in result.stderr and "Permission denied" in result.stderr
    assert not list(out.rglob("*.cleaner-tmp"))


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes into any folder")
def test_out_not_writable_by_permission_bits(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        done = cleaner_cmd("run", str(src), str(out))
    finally:
        out.chmod(0o755)
    assert done.returncode == 2 and "is not writable" in done.stderr


def test_an_output_that_cannot_be_written_fails_only_its_input(tmp_path):
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text(TEXT, encoding="utf-8")
    (src / "sub" / "b.txt").write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "sub").write_text("a file where a folder must go")
    result = invoke("run", str(src), str(out), "--jobs", "1")
    assert result.exit_code == 1
    recs = by_source(out)
    assert recs["sub/b.txt"]["status"] == "error" and recs["sub/b.txt"]["error"].startswith("cannot write output")
    assert recs["sub/b.txt"]["segments"] == []
    assert recs["a.txt"]["status"] == "ok" and (out / "a.txt").is_file()
    assert "sub/b.txt: error: cannot write output" in result.stderr
    assert not list(out.rglob("*.cleaner-tmp"))


# --- broken profiles ---------------------------------------------------------------------

PROFILES = {
    "syntax": ('extends = "default"\n[filters.whitespace\n', "not valid TOML"),
    "unknown-filter": ('chain = ["decode", "nosuch"]\n', "unknown filter 'nosuch'"),
    "unknown-key": ('extends = "default"\nbogus = 1\n', "bogus: unknown key"),
    "wrong-type": ('extends = "default"\nmax_passes = "three"\n', "max_passes: must be an integer"),
    "unknown-option": ('extends = "default"\n[filters.punctuation]\nno_such_option = true\n', "filters.punctuation.no_such_option"),
    "missing-parent": ('extends = "missing-parent-file.toml"\n', "missing-parent-file.toml: profile file not found"),
    "bad-regex": ('extends = "default"\n[filters.whitespace]\nspaces = "[("\n', "not a valid regular expression"),
    "cycle": ('extends = "cycle.toml"\n', "cycle"),
    "no-decode": ('chain = ["hygiene"]\n', "must start with 'decode'"),
    # Values the profile's types allow but a filter refuses when it is built.
    "filter-refuses": ('extends = "default"\n[filters.whitespace]\nspaces = "\\\\n"\n', "the filters cannot be built from it"),
    "unknown-codec": ('chain = ["decode"]\n[filters.decode]\nencodings = ["no-such-codec"]\n', "unknown encoding: no-such-codec"),
    "binary": (b"\xff\xfe\x00\x01\x02", "cannot read the profile"),
}


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_broken_profile_is_exit_2_with_one_message(tmp_path, name):
    content, said = PROFILES[name]
    path = tmp_path / ("cycle.toml" if name == "cycle" else f"{name}.toml")
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out"
    for command in (["run", str(src), str(out), "--jobs", "1"], ["check", str(src)]):
        result = invoke(*command, "--profile", str(path))
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith("cleaner: profile error: ")
        assert said in result.stderr
        if name != "missing-parent":
            assert path.name in result.stderr  # the message names the file
        assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()  # refused before anything was written


def test_missing_profile_and_profile_folder_are_exit_2(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for ref, said in ((str(tmp_path / "nope.toml"), "profile file not found"), (str(tmp_path), "cannot read the profile"), ("nosuch", "built-in profiles:")):
        done = cleaner_cmd("run", str(src), str(tmp_path / "out"), "--profile", ref)
        assert done.returncode == 2 and said in done.stderr


def test_usage_errors_are_exit_2_without_traceback(tmp_path, capsys):
    src = tmp_path / "in"
    src.mkdir()
    for args in (["run"], ["run", str(src)], ["run", str(src), str(tmp_path / "o"), "--jobs", "-1"],
                 ["run", str(src), str(tmp_path / "o"), "--format", "xml"], ["run", str(tmp_path / "nope"), str(tmp_path / "o")],
                 ["run", str(src / "a.txt"), str(tmp_path / "o")], ["frobnicate"]):
        assert main(args) == 2, args
        captured = capsys.readouterr()
        assert captured.err and "Traceback" not in captured.err + captured.out


# --- big input -----------------------------------------------------------------------

BIG_MB = float(os.environ.get("CLEANER_BIG_MB", "200"))
MANY_FILES = int(os.environ.get("CLEANER_MANY_FILES", "50000"))

_MEASURE = textwrap.dedent(
    """
    import json, resource, subprocess, sys, time
    started = time.perf_counter()
    done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    print(json.dumps({"returncode": done.returncode, "seconds": seconds, "peak": peak, "stderr": done.stderr}))
    """
)


def measured(*args: str) -> dict:
    """Run ``cleaner`` in a fresh process; its exit status, wall time and peak resident
    memory (the largest of the process and its workers)."""
    done = subprocess.run([sys.executable, "-c", _MEASURE, sys.executable, "-m", "cleaner", *args], capture_output=True, text=True, check=True)
    result = json.loads(done.stdout)
    assert "Traceback" not in result["stderr"], result["stderr"]
    return result


def baseline(tmp_path: Path, *options: str) -> dict:
    """The same command over one small file: the interpreter, the libraries and the
    chain's tables, which every run pays whatever its input."""
    src = tmp_path / "small-in"
    src.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):  # more than one, so that workers start
        (src / name).write_text(TEXT, encoding="utf-8")
    return measured("run", str(src), str(tmp_path / "small-out"), *options)


def write_big(path: Path, size: int) -> int:
    """Real material at ``size`` bytes: the bundled samples (compilations of reports with
    ads, paywall markers, placeholders, GB-era punctuation) one after another. Written in
    pieces; returns the size written."""
    seeds = [p.read_bytes() for p in sorted(SAMPLES.glob("*.txt"))]
    written = 0
    with open(path, "wb") as fh:
        while written < size:
            for seed in seeds:
                piece = seed[: size - written]
                fh.write(piece)
                written += len(piece)
    return written


def report(capsys, line: str) -> None:
    with capsys.disabled():
        print(f"\n[measured] {line}")


@pytest.mark.slow
def test_big_file_is_cleaned_within_6x_its_size(tmp_path, capsys):
    src = tmp_path / "in"
    src.mkdir()
    size = write_big(src / "big.txt", int(BIG_MB * 1_000_000))
    out = tmp_path / "out"
    base = baseline(tmp_path, "--jobs", "1")
    big = measured("run", str(src), str(out), "--jobs", "1", "--quiet")
    assert big["returncode"] == 0, big["stderr"]
    (rec,) = manifest(out)
    assert rec["status"] == "ok" and rec["bytes"] == size and len(rec["segments"]) > 1
    assert all((out / s["path"]).is_file() for s in rec["segments"])
    growth = big["peak"] - base["peak"]
    report(
        capsys,
        f"{size / 1e6:.0f} MB file: {big['seconds']:.1f} s ({size / 1e6 / big['seconds']:.1f} MB/s), peak {big['peak'] / 1e6:.0f} MB "
        f"= baseline {base['peak'] / 1e6:.0f} MB + {growth / size:.2f} x the file",
    )
    assert growth <= 6 * size, f"peak memory grew by {growth / size:.2f} x the input size"


@pytest.mark.slow
def test_many_small_files_hold_one_document_at_a_time(tmp_path, capsys):
    src = tmp_path / "in"
    for i in range(MANY_FILES):
        folder = src / f"{i // 1000:03d}"
        if i % 1000 == 0:
            folder.mkdir(parents=True)
        (folder / f"{i:05d}.txt").write_bytes(
            f"第{i}号通知\r\n关于做好{i}项工作的通知 ,各单位：\n请认真落实xx人参加##paidbegin##会议。\n".encode("utf-8")
        )
    out = tmp_path / "out"
    base = baseline(tmp_path, "--jobs", "2")
    many = measured("run", str(src), str(out), "--jobs", "2", "--quiet")
    assert many["returncode"] == 0, many["stderr"]
    records = manifest(out)
    assert len(records) == MANY_FILES and all(r["status"] == "ok" for r in records)
    assert records[-1]["source"] == f"{(MANY_FILES - 1) // 1000:03d}/{MANY_FILES - 1:05d}.txt"
    growth = many["peak"] - base["peak"]
    report(
        capsys,
        f"{MANY_FILES} small files, 2 workers: {many['seconds']:.1f} s ({MANY_FILES / many['seconds']:.0f} files/s), "
        f"peak {many['peak'] / 1e6:.0f} MB = baseline {base['peak'] / 1e6:.0f} MB + {growth / 1e6:.0f} MB",
    )
    # What grows with the number of files is the list of names and the tally (a few
    # hundred bytes per file), never the documents: they are not held.
    assert growth <= 32_000_000 + 1_000 * MANY_FILES


def test_an_unreadable_folder_is_an_error_not_passed_over(tmp_path, monkeypatch):
    src = tmp_path / "in"
    (src / "locked").mkdir(parents=True)
    (src / "locked" / "z.txt").write_text(TEXT, encoding="utf-8")
    (src / "a.txt").write_text(TEXT, encoding="utf-8")
    real_scandir, real_open = os.scandir, os.open

    def deny_scandir(path):
        if os.path.basename(path) == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", deny_scandir)
    _deny(monkeypatch, "locked")  # as a permission bit would, opening it fails too
    out = tmp_path / "out"
    result = invoke("run", str(src), str(out), "--jobs", "1")
    assert result.exit_code == 1
    recs = by_source(out)
    assert recs["locked"]["status"] == "error" and "Permission denied" in recs["locked"]["error"]
    assert recs["a.txt"]["status"] == "ok"
    checked = invoke("check", str(src))
    assert checked.exit_code == 1 and "locked: cannot read: Permission denied" in checked.stderr
    monkeypatch.setattr(os, "scandir", lambda path: deny_scandir(os.path.join(path, "locked")))
    refused = invoke("run", str(src), str(tmp_path / "out2"))
    assert refused.exit_code == 2 and "cannot read input folder" in refused.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
@pytest.mark.parametrize("command", [["check"], ["fix"], ["explain"]])
def test_check_fix_and_explain_skip_a_pipe_instead_of_waiting_on_it(tmp_path, command):
    os.mkfifo(tmp_path / "pipe.txt")
    done = cleaner_cmd(*command, str(tmp_path / "pipe.txt"), timeout=60)
    assert "not a regular file" in done.stderr
    assert done.returncode == (2 if command == ["explain"] else 0)


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="file names there are always Unicode")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_file_name_that_is_not_utf8_is_recorded_and_reads_back(tmp_path, jobs):
    src = tmp_path / "in"
    src.mkdir()
    raw = "人才工作总结.txt".encode("gbk")
    (src / os.fsdecode(raw)).write_text("标题\n正文 ,内容。\n", encoding="utf-8")
    (src / "z.txt").write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("run", str(src), str(out), "--jobs", jobs)
    assert result.exit_code == 0, result.stderr
    recs = by_source(out)  # valid UTF-8 JSON: the name's bytes are escaped as \udcXX
    [name] = [s for s in recs if s != "z.txt"]
    assert os.fsencode(name) == raw and recs[name]["status"] == "ok"
    audit = [json.loads(line) for line in (out / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["source"] for r in audit} == {name}
    assert (out / name).read_text(encoding="utf-8") == "标题\n正文，内容。\n"
    assert invoke("run", str(src), str(out), "--resume").exit_code == 0
    assert by_source(out) == recs


def test_a_lone_surrogate_in_a_jsonl_record_loses_nothing_else(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "s.jsonl").write_text('{"id": "\\ud800", "text": "标题\\n正文\\ud800内容。"}\n{"text": "标题二\\n正文。"}\n', encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("run", str(src), str(out), "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in (out / "s.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["text"] for r in records] == ["标题\n正文内容。", "标题二\n正文。"]
    assert records[0]["id"] == "\ud800"  # other fields pass through, escaped as JSON does
