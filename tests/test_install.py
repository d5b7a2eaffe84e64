"""Installation as users do it: a wheel in a fresh virtual environment, and pre-commit.

These build environments and install from the package index, so they take a while;
they are marked ``slow`` (``pytest -m "not slow"`` skips them while iterating).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "data" / "gold"

pytestmark = pytest.mark.slow


def sh(*args: str | Path, cwd: Path | None = None, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    if check and done.returncode != 0:
        raise AssertionError(f"{args} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


def test_wheel_in_a_fresh_venv_finds_the_builtin_profiles(tmp_path):
    dist = tmp_path / "dist"
    sh(sys.executable, "-m", "build", "--wheel", "--outdir", dist, ROOT)
    [wheel] = dist.glob("cleaner-*.whl")
    venv = tmp_path / "venv"
    sh(sys.executable, "-m", "venv", venv)
    sh(venv / "bin" / "python", "-m", "pip", "install", "--quiet", wheel)
    shown = sh(venv / "bin" / "cleaner", "profiles", "show", "default", cwd=tmp_path)
    assert 'chain = [' in shown.stdout and "segment" in shown.stdout
    run = sh(venv / "bin" / "cleaner", "run", ROOT / "samples", tmp_path / "out", "--quiet", cwd=tmp_path)
    assert (tmp_path / "out" / "manifest.jsonl").is_file(), run.stderr


@pytest.fixture
def corpus_repo(tmp_path):
    repo = tmp_path / "corpus"
    repo.mkdir()
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t",
           "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    sh("git", "init", "-q", cwd=repo, env=env)
    shutil.copy(GOLD / "003_15531fa594c20b79.txt", repo / "clean.txt")
    (repo / "dirty.txt").write_text("标题\n内容 ,xx人参加##paidbegin##会议。\n", encoding="utf-8")
    sh("git", "add", ".", cwd=repo, env=env)
    return repo, env


def pre_commit(*args: str, cwd: Path, env: dict, check: bool = False) -> subprocess.CompletedProcess:
    exe = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or "pre-commit"
    return sh(exe, *args, cwd=cwd, env=env, check=check)


def test_manifest_validates(tmp_path):
    done = pre_commit("validate-manifest", str(ROOT / ".pre-commit-hooks.yaml"), cwd=ROOT, env=dict(os.environ), check=True)
    assert done.returncode == 0


def test_pre_commit_check_and_fix_hooks(corpus_repo):
    repo, env = corpus_repo
    clean_only = pre_commit("try-repo", str(ROOT), "cleaner-check", "--files", "clean.txt", cwd=repo, env=env)
    assert clean_only.returncode == 0, clean_only.stdout + clean_only.stderr

    dirty = pre_commit("try-repo", str(ROOT), "cleaner-check", "--files", "dirty.txt", cwd=repo, env=env)
    assert dirty.returncode == 1, dirty.stdout + dirty.stderr
    assert "dirty.txt: would be changed by" in dirty.stdout

    fixed = pre_commit("try-repo", str(ROOT), "cleaner-fix", "--files", "dirty.txt", cwd=repo, env=env)
    assert fixed.returncode == 1 and "Fixing dirty.txt" in fixed.stdout
    assert (repo / "dirty.txt").read_text(encoding="utf-8") == "标题\n内容，XX人参加会议。\n"

    again = pre_commit("try-repo", str(ROOT), "cleaner-check", "--files", "dirty.txt", cwd=repo, env=env)
    assert again.returncode == 0, again.stdout + again.stderr
