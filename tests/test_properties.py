"""Properties of the whole default chain over generated text (hypothesis):
no exception, idempotent output, one document when cleaning a clean segment, and
every Han character that disappears accounted for in the audit trail."""
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
