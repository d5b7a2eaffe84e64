"""The command line: exit statuses, messages on stderr, no tracebacks for user mistakes."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from cleaner.cli import app, main

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
GOLD = ROOT / "tests" / "data" / "gold"
cli = CliRunner()


def invoke(*args: str):
    result = cli.invoke(app, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_run_the_samples(tmp_path):
    out = tmp_path / "out"
    result = invoke("run", str(SAMPLES), str(out), "--jobs", "1")
    assert result.exit_code == 0, result.output
    records = [json.loads(x) for x in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(records) == 5 and all(r["status"] == "ok" for r in records)
    assert (out / "audit.jsonl").stat().st_size > 0
    assert "5 files" in result.stderr


def test_bad_inputs_finish_with_reasons(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (src / "empty.txt").write_bytes(b"")
    (src / "ads.txt").write_text(
        "【哒哒素材库】——每天更新材料1000多篇内部高质量素材，会员群+网盘群同步每日更新，有意加入请联系：1 4367\n"
        "【哒哒代笔】——原创高质量保障、高度保密，各类代笔（润笔），好评如潮！需要的小伙伴请代笔客服：cwk\n",
        encoding="utf-8",
    )
    (src / "paywall.txt").write_text("标题\n第一段内容。\n内容已经隐藏，点击付费后查看\n", encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("run", str(src), str(out), "--jobs", "1")
    assert result.exit_code == 0
    by = {r["source"]: r for r in map(json.loads, (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines())}
    assert by["image.png"]["status"] == "skipped" and "PNG" in by["image.png"]["error"]
    assert by["empty.txt"]["segments"] == [] and by["empty.txt"]["warnings"]
    assert by["ads.txt"]["segments"] == [] and by["ads.txt"]["warnings"]
    assert any("truncated" in w for w in by["paywall.txt"]["warnings"])
    assert "image.png: skipped" in result.stderr


def test_bad_profile_is_exit_2_with_file_and_key(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('extends = "default"\n[filters.punctuation]\nno_such_option = true\n', encoding="utf-8")
    result = invoke("run", str(SAMPLES), str(tmp_path / "out"), "--profile", str(bad))
    assert result.exit_code == 2
    assert str(bad.resolve()) in result.stderr and "filters.punctuation.no_such_option" in result.stderr
    assert "unknown option" in result.stderr


def test_out_inside_in_is_exit_2(tmp_path):
    src = tmp_path / "in"
    shutil.copytree(SAMPLES, src)
    result = invoke("run", str(src), str(src / "out"))
    assert result.exit_code == 2
    assert "inside the input folder" in result.stderr
    assert not (src / "out" / "manifest.jsonl").exists()


def test_usage_errors_are_exit_2():
    assert main(["run"]) == 2
    assert main(["no-such-command"]) == 2
    assert main(["run", "a", "b", "--format", "xml"]) == 2


def test_profiles_list_and_show():
    result = invoke("profiles", "list")
    assert result.exit_code == 0 and result.stdout.startswith("default")
    shown = invoke("profiles", "show", "default")
    assert shown.exit_code == 0 and 'chain = [' in shown.stdout
    missing = invoke("profiles", "show", "nosuch")
    assert missing.exit_code == 2 and "built-in profiles: " in missing.stderr


def test_check_and_fix(tmp_path):
    dirty = tmp_path / "dirty.txt"
    dirty.write_text("标题\n内容 ,xx人参加##paidbegin##会议。\n", encoding="utf-8")
    clean_file = tmp_path / "clean.txt"
    shutil.copy(GOLD / "003_15531fa594c20b79.txt", clean_file)
    compilation = tmp_path / "compilation.txt"
    shutil.copy(SAMPLES / "004_ebcb78f7f500a636.txt", compilation)

    checked = invoke("check", str(dirty), str(clean_file))
    assert checked.exit_code == 1
    assert f"{dirty}: would be changed by" in checked.stdout and "markers" in checked.stdout
    assert str(clean_file) not in checked.stdout
    assert invoke("check", str(clean_file)).exit_code == 0
    diff = invoke("check", "--diff", str(dirty))
    assert "+内容，XX人参加会议。" in diff.stdout

    comp = invoke("check", str(compilation))
    assert comp.exit_code == 1 and "compilation of 2 documents" in comp.stdout

    before = compilation.read_bytes()
    fixed = invoke("fix", str(dirty), str(clean_file), str(compilation))
    assert fixed.exit_code == 1
    assert f"Fixing {dirty}" in fixed.stdout and str(clean_file) not in fixed.stdout
    assert dirty.read_text(encoding="utf-8") == "标题\n内容，XX人参加会议。\n"
    assert compilation.read_bytes() == before  # never split in place
    again = invoke("fix", str(dirty))
    assert again.exit_code == 0 and again.stdout == ""


def test_fix_keeps_the_file_mode_and_run_outputs_get_the_usual_one(tmp_path):
    import os
    import stat

    dirty = tmp_path / "dirty.txt"
    dirty.write_text("内容 ,会议。\n", encoding="utf-8")
    dirty.chmod(0o640)
    assert invoke("fix", str(dirty)).exit_code == 1
    assert dirty.read_text(encoding="utf-8") == "内容，会议。\n"
    assert stat.S_IMODE(dirty.stat().st_mode) == 0o640

    umask = os.umask(0o022)
    try:
        out = tmp_path / "out"
        assert invoke("run", str(SAMPLES), str(out), "--jobs", "1", "--quiet").exit_code == 0
    finally:
        os.umask(umask)
    assert stat.S_IMODE((out / "003_15531fa594c20b79.txt").stat().st_mode) == 0o644


def test_explain_names_filters():
    result = invoke("explain", str(SAMPLES / "004_ebcb78f7f500a636.txt"))
    assert result.exit_code == 0
    for name in ("markers:", "placeholders:", "segment:"):
        assert name in result.stdout


def test_python_dash_m_and_version():
    done = subprocess.run([sys.executable, "-m", "cleaner", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("cleaner ")
