"""Properties of the whole default chain over generated text (hypothesis):
no exception, idempotent output, one document when cleaning a clean segment, and
every Han character that disappears accounted for in the audit trail; over wider random
mixes (any control, zero-width, Latin, symbol character), every character at all."""
from __future__ import annotations

import collections

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner import Cleaner

CLEANER = Cleaner("default")

HAN = "人才工作党的领导县市年度报告总结计划发展推进建设一二三四五"
PIECES = st.one_of(
    st.text(alphabet=HAN, min_size=1, max_size=8),
    st.sampled_from(["，", "。", "、", "：", "；", "“", "”", "（", "）", "《", "》", "！", "？", "·", "—"]),
    st.sampled_from([",", ".", ":", ";", "?", "!", "(", ")", '"', "'", "•", "%", "-", "+", "/", " ", "  ", "\t", "\u3000"]),
    st.sampled_from(["x", "xx", "X", "XXX", "*", "**", "×", "ｘ", "Ｘ", "x.xx", "20xx"]),
    st.sampled_from(["D", "D委", "3D打印", "维生素D", "AAA群", "Excel", "svip", "x86", "X光", "3×3", "10:30", "30.4%", "1,000"]),
    st.sampled_from(["##paidbegin##", "##paidend##", "$$paidend$$", "##pagebreak##", "&nbsp;", "&ldquo;", "<br>", "<b>"]),
    st.sampled_from(["\u200b", "\u200d", "\u2060", "\ufeff", "\u00ad", "\x07", "\x0c", "\r", "\r\n"]),
    st.sampled_from(["0", "1", "23", "2025", "８", "％", "Ａ", "abc", "Hello world"]),
    st.sampled_from(["\n", "\n\n", "\n\n\n", "一、", "（一）", "篇1：", "（3篇）", "汇编"]),
    st.sampled_from(["後來", "這是", "發展", "坏", "里", "乾淨"]),
)
DOCS = st.lists(PIECES, min_size=0, max_size=60).map("".join)


def han(text: str) -> collections.Counter[str]:
    return collections.Counter(c for c in text if "\u3400" <= c <= "\u9fff")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCS)
def test_clean_never_fails_and_is_idempotent(text):
    result = CLEANER.clean(text)
    for segment in result.segments:
        again = CLEANER.clean(segment.text)
        assert [s.text for s in again.segments] == [segment.text]
        assert segment.text.endswith("\n") and "\n\n" not in segment.text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCS)
def test_no_han_character_is_lost_without_a_trace(text):
    result = CLEANER.clean(text)
    lost = han(text) - han(result.text)
    accounted: collections.Counter[str] = collections.Counter()
    for edit in result.audit:
        accounted += han(edit.old)
    assert not (lost - accounted), f"lost without an edit: {lost - accounted}"


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_bytes_either_clean_or_are_refused(data):
    from cleaner import NotText

    try:
        CLEANER.clean(data)
    except NotText as exc:
        assert str(exc)


# Random mixes beyond the curated pieces: any control, format (zero-width, bidi) or space
# character, printable ASCII, letters, marks, digits, punctuation and symbols from all of
# Unicode, with ad lines and paywall notices among them.
WIDE_PIECES = st.one_of(
    PIECES,
    st.text(st.characters(categories=["Cc", "Cf", "Co", "Zs", "Zl", "Zp"]), min_size=1, max_size=3),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=12),
    st.text(
        st.characters(categories=["Lu", "Ll", "Lo", "Nd", "Mn", "Pc", "Pd", "Ps", "Pe", "Po", "Sm", "Sc", "Sk", "So"]),
        min_size=1,
        max_size=6,
    ),
    st.sampled_from([
        "【哒哒素材库】——每天更新材料1000多篇内部高质量素材，会员群+网盘群同步每日更新，有意加入请联系：1 4367\n",
        "内容已经隐藏，点击付费后查看",
        "关注公众号，获取更多资料",
    ]),
)
WIDE_DOCS = st.lists(WIDE_PIECES, min_size=0, max_size=60).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(WIDE_DOCS)
def test_any_mix_is_cleaned_idempotently_and_every_removed_character_is_audited(text):
    result = CLEANER.clean(text)
    assert all(segment.text for segment in result.segments)
    for segment in result.segments:
        again = CLEANER.clean(segment.text)
        assert [s.text for s in again.segments] == [segment.text]
        assert segment.text.endswith("\n") and "\n\n" not in segment.text
    # Every character that is gone (any character, not only Han) was in the old text of
    # some edit. Only line ends are counted rather than listed (CR before LF is dropped).
    lost = collections.Counter(text) - collections.Counter(result.text)
    lost.pop("\r", None)
    accounted: collections.Counter[str] = collections.Counter()
    for edit in result.audit:
        accounted += collections.Counter(edit.old)
    assert not (lost - accounted), f"lost without an edit: {lost - accounted}"


def test_a_segment_emptied_by_a_later_pass_is_dropped():
    # Pass 1: obfuscation restores "AAA" to "微信"; pass 2: boilerplate then removes the
    # line "微信群svip" as an ad, which leaves the only segment empty.
    result = CLEANER.clean("AAA群svip")
    assert all(segment.text for segment in result.segments)
    assert result.segments == [] and result.warnings == ["no text left after cleaning"]


def _layout_line_by_line(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """SPEC §2's shape, spelled out one line at a time: the reference the fast layout
    (one regex over the whole text) must agree with, edits included."""
    space = " \t\u3000\u00a0\u2002\u2003\u2009\u200a\u202f\u205f"
    out, edits, pos = [], [], 0
    for line in text.split("\n"):
        end = pos + len(line)
        stripped = line.strip(space)
        if not stripped:
            if end < len(text) or line:
                edits.append((pos, min(end + 1, len(text)), text[pos:end + 1]))
        else:
            lead = len(line) - len(line.lstrip(space))
            if lead:
                edits.append((pos, pos + lead, line[:lead]))
            trail = len(line) - len(line.rstrip(space))
            if trail:
                edits.append((end - trail, end, line[len(line) - trail:]))
            out.append(stripped)
        pos = end + 1
    return ("\n".join(out) + "\n" if out else ""), edits


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(["a", "文", " ", "\t", "\u3000", "\u00a0", "\u2009", "\n", "\r", "\u200b"]), max_size=40))
def test_layout_agrees_with_its_line_by_line_definition(text):
    from cleaner.core import Report
    from cleaner.pipeline import layout

    report = Report()
    report.filter = "layout"
    got = layout(text, report)
    want, edits = _layout_line_by_line(text)
    assert got == want
    assert [(e.start, e.end, e.old) for e in report.edits] == edits and all(e.new == "" for e in report.edits)
    if not edits and text.endswith("\n"):
        assert got is text  # nothing to do: the very same string back (the chain relies on it)
