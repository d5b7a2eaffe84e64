"""The chain's runtime guard (SPEC §2, idempotence): a segment is rerun through the
chain until it no longer changes, a text the chain leaves untouched needs no rerun, and
a segment that never settles is reported."""
from __future__ import annotations

from pathlib import Path

from cleaner.core import Filter, Report
from cleaner.pipeline import Cleaner

GOLD = Path(__file__).resolve().parent / "data" / "gold"


def timed_cleaner() -> Cleaner:
    cleaner = Cleaner()
    cleaner.timings = {}
    return cleaner


def reruns(cleaner: Cleaner) -> set[str]:
    assert cleaner.timings is not None
    return {name for name in cleaner.timings if name.endswith("(rerun)")}


def test_a_clean_document_is_not_rerun():
    cleaner = timed_cleaner()
    text = (GOLD / "003_15531fa594c20b79.txt").read_text(encoding="utf-8")
    result = cleaner.clean(text)
    assert [s.text for s in result.segments] == [text] and not result.audit
    assert not reruns(cleaner)


def test_a_changed_document_is_rerun_and_settles():
    cleaner = timed_cleaner()
    result = cleaner.clean("标题\n\n正文 ,xx人参加会议。\n")
    assert [s.text for s in result.segments] == ["标题\n正文，XX人参加会议。\n"]
    assert "punctuation (rerun)" in reruns(cleaner) and not result.warnings
    # the rerun handed the text back as it was: layout (idempotent) is not needed again
    assert "layout (rerun)" not in reruns(cleaner)


class Grows(Filter):
    """A broken filter: adds a mark every time it runs, so the chain never settles."""

    name = "grows"

    def apply(self, text: str, report: Report) -> str:
        end = text.rstrip("\n")
        report.edit(len(end), len(end), "", "。")
        return end + "。" + text[len(end):]


def test_a_segment_that_never_settles_is_reported():
    cleaner = Cleaner()
    cleaner.text_filters.append(Grows())
    result = cleaner.clean("标题\n正文\n")
    assert result.warnings == [f"segment 1 still changed after {cleaner.max_passes} passes of the chain"]
    assert result.segments[0].text == "标题\n正文" + "。" * cleaner.max_passes + "\n"
    assert sum(e.filter == "grows" for e in result.audit) == cleaner.max_passes


def test_an_input_the_filters_empty_is_told_apart_from_an_empty_input():
    cleaner = Cleaner()
    ad = "【哒哒素材库】——每天更新材料1000多篇内部高质量素材，会员群+网盘群同步每日更新，有意加入请联系：1 4367\n"
    result = cleaner.clean(ad)
    assert result.segments == [] and result.warnings == ["no text left after cleaning"]
    assert "".join(e.old for e in result.audit if e.filter == "boilerplate") == ad
    for empty in ("", " \n\u3000\n"):
        assert cleaner.clean(empty).warnings == ["empty input: no text"]
