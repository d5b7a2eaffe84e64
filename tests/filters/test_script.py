"""script: SPEC §3.10 cases, the auto judgement, reported edits and properties."""
from __future__ import annotations

import collections
from pathlib import Path

import opencc
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.filters.script import traditional_characters
from tests.filters.casefile import HAN, build, case_tests, replay, run, spans

NAME = "script"
GOLD = Path(__file__).resolve().parents[1] / "data" / "gold"
S2T = opencc.OpenCC("s2t")


test_changes, test_keeps = case_tests(NAME)


def gold_documents() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(GOLD.rglob("*.txt"))]


def test_threshold_has_a_wide_margin_on_the_seeds():
    flt = build(NAME)
    docs = gold_documents()
    assert len(docs) >= 10
    simplified = [flt.traditional_share(d) for d in docs]
    traditional = [flt.traditional_share(S2T.convert(d)) for d in docs]
    assert max(simplified) == 0.0
    assert min(traditional) > 2.5 * flt.threshold


def test_traditional_characters_exclude_simplified_ones():
    trad = traditional_characters("t2s")
    assert {"們", "國", "發", "裏", "這", "黨"} <= trad
    assert not {"坏", "后", "干", "发", "里", "们", "党", "的", "人"} & trad
    # in GB2312, the Simplified set, and used in Simplified names, whatever OpenCC makes of them
    assert not {"乾", "於", "後", "夥", "徵", "摺", "麴"} & trad


def test_precomputed_table_is_what_opencc_gives():
    # The table shipped for the pinned OpenCC release must be exactly the computed one.
    from cleaner.filters.script import KNOWN_TRADITIONAL, compute_traditional_characters

    for (version, config), chars in KNOWN_TRADITIONAL.items():
        assert len(chars) == len(set(chars))
        if version == opencc.__version__:
            assert frozenset(chars) == compute_traditional_characters(config)


def test_simplified_text_never_reaches_the_converter():
    flt = build(NAME)

    class Boom:
        def convert(self, text):  # pragma: no cover - must not run
            raise AssertionError("the converter ran on a Simplified text")

    flt._converter = Boom()
    for doc in gold_documents():
        out, report = run(flt, doc)
        assert out == doc and not report.edits and not report.warnings


def test_converter_is_built_once_and_lazily():
    flt = build(NAME)
    assert flt._converter is None
    run(flt, "简体中文。")
    assert flt._converter is None
    run(flt, "這裏的人們。")
    first = flt._converter
    assert first is not None
    run(flt, "後來發展。")
    assert flt._converter is first


def test_never_mode_does_not_build_anything():
    flt = build(NAME, mode="never")
    out, _ = run(flt, "這裏的人們。")
    assert out == "這裏的人們。"
    assert flt._converter is None and flt._traditional is None


def test_edits_per_run():
    out, report = run(build(NAME), "這裏的人們發展")
    assert out == "这里的人们发展"
    assert spans(report) == [(0, 2, "這裏", "这里"), (4, 6, "們發", "们发")]


def test_edits_per_line():
    text = "這裏的人們\n简体\n後來"
    out, report = run(build(NAME, audit="line"), text)
    assert out == "这里的人们\n简体\n后来"
    assert spans(report) == [(0, 5, "這裏的人們", "这里的人们"), (9, 11, "後來", "后来")]


def test_partly_traditional_text_warns_and_stays():
    simplified = "近年来，我们坚持人才引领发展的战略地位，不断完善人才工作体系，取得了明显成效。"
    text = simplified * 2 + S2T.convert(simplified)
    flt = build(NAME)
    share = flt.traditional_share(text)
    assert flt.threshold / 2 <= share < flt.threshold
    out, report = run(flt, text)
    assert out == text and not report.edits
    assert any("partly Traditional" in w for w in report.warnings)


def test_threshold_option():
    text = "近年来，我们坚持人才引领发展。" * 3 + S2T.convert("近年来，我们坚持人才引领发展。")
    assert run(build(NAME), text)[0] == text
    out, _ = run(build(NAME, threshold=0.02), text)
    assert out == "近年来，我们坚持人才引领发展。" * 4


def test_whole_seed_made_traditional_round_trips():
    flt = build(NAME)
    for doc in gold_documents()[:3]:
        trad = S2T.convert(doc)
        out, report = run(flt, trad)
        assert out == doc
        parts, pos = [], 0
        for e in report.edits:
            parts += [trad[pos:e.start], e.new]
            pos = e.end
        assert "".join(parts) + trad[pos:] == out




ALPHABET = st.sampled_from(
    list("们后发里这干坏的人党。，\n xX1") + ["們", "後", "發", "裏", "這", "黨", "幹", "乾隆", "頭髮", "Hello"]
)
TEXT = st.lists(ALPHABET, max_size=40).map("".join)
SCRIPT = build(NAME)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_properties(text):
    out, report = run(SCRIPT, text)
    again, report2 = run(SCRIPT, out)
    assert again == out, "idempotent"
    assert not report2.edits
    assert replay(text, report) == out, "the edits account for every change"
    lost = collections.Counter(HAN.findall(text)) - collections.Counter(HAN.findall(out))
    removed = collections.Counter(c for e in report.edits for c in HAN.findall(e.old))
    assert not (lost - removed)


@settings(max_examples=300, deadline=None)
@given(st.text(), st.booleans())
def test_astral_test_agrees_with_a_plain_scan(text, encode_first):
    # The O(1) size test may only say "no astral character" when there is none,
    # including for strings that carry a cached UTF-8 copy.
    from cleaner.filters.script import _has_astral

    if encode_first:
        text.encode("utf-8")
        (text + "中").isidentifier()  # builds other representations for some strings
    assert _has_astral(text) == any(ord(c) > 0xFFFF for c in text)


def _runs_one_by_one(a: str, b: str, offset: int) -> list[tuple[int, int, str, str]]:
    """The reference for ``_runs``: walk the two strings a character at a time."""
    edits, start = [], -1
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y and start < 0:
            start = i
        elif x == y and start >= 0:
            edits.append((offset + start, offset + i, a[start:i], b[start:i]))
            start = -1
    if start >= 0:
        edits.append((offset + start, offset + len(a), a[start:], b[start:]))
    return edits


CHARS = st.sampled_from(["們", "们", "後", "后", "a", "中", "\U00020000", "\U0010ffff", "\ud800", "\x00", "\n"])


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(CHARS, CHARS), max_size=30), st.integers(0, 99))
def test_runs_agree_with_a_walk_one_character_at_a_time(pairs, offset):
    from cleaner.filters.script import _runs

    a, b = "".join(x for x, _ in pairs), "".join(y for _, y in pairs)
    assert _runs(a, b, offset) == _runs_one_by_one(a, b, offset)


LINE = st.lists(CHARS.filter(lambda c: c != "\n"), max_size=6).map("".join)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(LINE, LINE), min_size=1, max_size=6), st.sampled_from(["run", "line"]))
def test_edits_are_those_of_each_line(lines, audit):
    # The whole-text shortcut (one comparison when the lengths agree) must give what
    # comparing line by line gives, also when lines changed length and the total did not.
    old, new = "\n".join(a for a, _ in lines), "\n".join(b for _, b in lines)
    want, pos = [], 0
    for a, b in lines:
        if a != b:
            want += _runs_one_by_one(a, b, pos) if audit == "run" and len(a) == len(b) else [(pos, pos + len(a), a, b)]
        pos += len(a) + 1
    assert build(NAME, audit=audit)._edits(old, new) == want


def test_edits_when_the_line_breaks_moved():
    flt = build(NAME)
    # same length, but a line break appears: one edit for the whole text
    assert flt._edits("ab", "a\n") == [(0, 2, "ab", "a\n")]
    # same length, a line break moved: line by line, whole lines as they changed length
    assert flt._edits("a\nb", "ab\n") == [(0, 1, "a", "ab"), (2, 3, "b", "")]


def test_runs_of_a_text_longer_than_a_block(monkeypatch):
    from cleaner.filters import script

    monkeypatch.setattr(script, "_BLOCK", 4)
    a, b = "們們a們們們們a後", "们们a们们們们a后"
    assert script._runs(a, b, 3) == _runs_one_by_one(a, b, 3)  # runs across the blocks' seams are whole


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["們", "后", "發展", "頭髮", "乾隆", "这", "\n", "a"]), max_size=40).map("".join))
def test_a_huge_text_block_by_block_is_the_same_as_at_once(text):
    from cleaner.filters import script

    flt = build(NAME, mode="always")
    whole, whole_report = run(flt, text)
    saved = script.CONVERT_BLOCK
    script.CONVERT_BLOCK = 3
    try:
        blocks, blocks_report = run(flt, text)
    finally:
        script.CONVERT_BLOCK = saved
    assert blocks == whole
    assert [tuple(e) for e in blocks_report.edits] == [tuple(e) for e in whole_report.edits]


def test_the_share_is_counted_block_by_block_exactly(monkeypatch):
    from cleaner.filters import script

    text = ("堅持黨管人才，构建人才工作大格局。𠀀" * 7 + "\n") * 5
    flt = build(NAME)
    whole = flt.traditional_share(text)
    monkeypatch.setattr(script, "_COUNT_BLOCK", 5)  # blocks that cut runs of Han characters
    assert flt.traditional_share(text) == whole > 0
