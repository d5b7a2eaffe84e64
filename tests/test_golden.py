"""The default profile over samples/ reproduces the hand-checked gold, segment by segment.

Black-style: every gold segment is also checked stable (cleaning it changes nothing
and finds one document).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaner import clean, runner
from cleaner.profile import load_profile

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
GOLD = ROOT / "tests" / "data" / "gold"
EXPECTED = json.loads((GOLD / "gold.json").read_text(encoding="utf-8"))

# Segments the default profile does not reproduce yet: (document, segment number) -> why.
KNOWN_GAPS: dict[tuple[str, int], str] = {}


def _segment_params():
    for stem, entry in EXPECTED.items():
        for i, seg in enumerate(entry["segments"], 1):
            marks = []
            if (stem, i) in KNOWN_GAPS:
                marks.append(pytest.mark.xfail(reason=KNOWN_GAPS[(stem, i)], strict=True))
            yield pytest.param(stem, i, seg, id=f"{stem[:3]}-{i:02d}", marks=marks)


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    target = tmp_path_factory.mktemp("golden") / "out"
    summary = runner.run(SAMPLES, target, load_profile("default"), jobs=1)
    assert summary.exit_code == 0
    return target


@pytest.fixture(scope="module")
def manifest(out):
    records = [json.loads(x) for x in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    return {Path(r["source"]).stem: r for r in records}


@pytest.mark.parametrize("stem, number, seg", list(_segment_params()))
def test_segment_matches_gold(out, manifest, stem, number, seg):
    record = manifest[stem]
    assert len(record["segments"]) == len(EXPECTED[stem]["segments"]), "segment count"
    produced = (out / record["segments"][number - 1]["path"]).read_text(encoding="utf-8")
    expected = (GOLD / seg["path"]).read_text(encoding="utf-8")
    assert produced == expected
    assert record["segments"][number - 1]["title"] == seg["title"]


@pytest.mark.parametrize("stem", list(EXPECTED))
def test_manifest_matches_gold(manifest, stem):
    record = manifest[stem]
    assert record["status"] == "ok"
    assert record["declared_count"] == EXPECTED[stem]["declared"]
    assert record["collection_title"] == EXPECTED[stem]["collection_title"]
    assert [s["path"] for s in record["segments"]] == [s["path"] for s in EXPECTED[stem]["segments"]]


def test_truncated_compilation_is_warned(manifest):
    warnings = " ".join(manifest["000_ec226d4242084735"]["warnings"])
    assert "10" in warnings and "3" in warnings


@pytest.mark.parametrize("path", sorted(p.relative_to(GOLD).as_posix() for p in GOLD.rglob("*.txt")))
def test_gold_is_stable(path):
    text = (GOLD / path).read_text(encoding="utf-8")
    result = clean(text)
    assert [s.text for s in result.segments] == [text]
    assert not result.audit


@pytest.mark.parametrize("stem", list(EXPECTED))
def test_library_agrees_with_run(out, manifest, stem):
    source = SAMPLES / manifest[stem]["source"]
    result = clean(source.read_bytes())
    produced = [(out / s["path"]).read_text(encoding="utf-8") for s in manifest[stem]["segments"]]
    assert [s.text for s in result.segments] == produced
    assert [s.title for s in result.segments] == [s["title"] for s in manifest[stem]["segments"]]
    assert result.collection_title == manifest[stem]["collection_title"]
    assert result.declared_count == manifest[stem]["declared_count"]


def test_a_second_run_over_the_output_changes_nothing(out, tmp_path):
    again_in = tmp_path / "again-in"
    for path in out.rglob("*.txt"):
        target = again_in / path.relative_to(out)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    again_out = tmp_path / "again-out"
    runner.run(again_in, again_out, load_profile("default"), jobs=1)
    records = [json.loads(x) for x in (again_out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    assert records and all(len(r["segments"]) == 1 and not r["changes"] for r in records)
    for path in again_in.rglob("*.txt"):
        assert (again_out / path.relative_to(again_in)).read_bytes() == path.read_bytes()
    assert (again_out / "audit.jsonl").read_bytes() == b""
