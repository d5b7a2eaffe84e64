"""Tests of the segment filter (SPEC §3.11).

The segmenter turns one text into several documents, so it has no case file: the
compilations here are built from the gold segments (every header form, every
delimiter style, blank-line runs, repeated titles) and must split back into exactly
the gold segments, modulo blank lines and line-edge space (the pipeline's final layout
step). Traps check that documents are never split at their own headings, salutations
and the like.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner.core import Report
from cleaner.filters.segment import Segment, parse_number
from cleaner.pipeline import layout
from tests.filters.casefile import build, default_options

NAME = "segment"
GOLD = Path(__file__).resolve().parents[1] / "data" / "gold"
SEEDS = Path(__file__).resolve().parents[2] / "samples"  # the seed documents, as bundled
GOLD_JSON = json.loads((GOLD / "gold.json").read_text(encoding="utf-8"))
CN = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]


def gold_segments(stem: str) -> list[str]:
    folder = GOLD / stem
    if folder.is_dir():
        return [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    return [(GOLD / f"{stem}.txt").read_text(encoding="utf-8")]


MULTI = [stem for stem in sorted(GOLD_JSON) if len(GOLD_JSON[stem]["segments"]) > 1]
ALL_SEGMENTS = [(stem, i, text) for stem in sorted(GOLD_JSON) for i, text in enumerate(gold_segments(stem))]


DEFAULT = build(NAME)


def split(text: str, **options: object) -> tuple[list, Report]:
    flt = build(NAME, **options) if options else DEFAULT
    report = Report()
    report.filter = NAME
    return flt.split(text, report), report


def laid_out(pieces: list) -> list[str]:
    return [layout(p.text, Report()) for p in pieces]


def check_accounted(text: str, pieces: list, report: Report) -> None:
    """Nothing lost or invented: the pieces, joined, are the input minus the reported removals."""
    kept, pos = [], 0
    for e in sorted(report.edits, key=lambda e: e.start):
        assert e.filter == NAME and e.new == "" and text[e.start : e.end] == e.old
        assert e.start >= pos
        kept.append(text[pos : e.start])
        pos = e.end
    kept.append(text[pos:])
    assert "".join(p.text for p in pieces) == "".join(kept)


# --- building compilations from the gold ------------------------------------------


def title_and_rest(seg: str) -> tuple[str, str]:
    title, _, rest = seg.partition("\n")
    return title, rest


def with_delimiter(style: str, i: int, seg: str) -> str:
    """Document ``i`` (1-based) preceded by a delimiter in ``style``."""
    title, rest = title_and_rest(seg)
    n, cn = str(i), CN[i]
    inline = {
        "篇1：": f"篇{n}：",
        "篇一：": f"篇{cn}：",
        "篇一 ": f"篇{cn} ",
        "【篇一】": f"【篇{cn}】",
        "第二篇：": f"第{cn}篇：",
        "范文3：": f"范文{n}：",
        "【范文3】": f"【范文{n}】",
        "篇1:": f"篇{n}: ",
    }
    alone = {
        "篇一⏎": f"篇{cn}",
        "【篇一】⏎": f"【篇{cn}】",
        "第2篇⏎": f"第{n}篇",
        "第二篇：⏎": f"第{cn}篇：",
        "范文3：⏎": f"范文{n}：",
    }
    if style in inline:
        return f"{inline[style]}{title}\n{rest}"
    return f"{alone[style]}\n{title}\n{rest}"


DELIMITER_STYLES = ["篇1：", "篇一：", "篇一 ", "【篇一】", "第二篇：", "范文3：", "【范文3】", "篇1:", "篇一⏎", "【篇一】⏎", "第2篇⏎", "第二篇：⏎", "范文3：⏎"]


def header(form: str, title: str, count: int) -> str:
    return {
        "before": f"（{count}篇）{title}",
        "after": f"{title}（{count}篇）",
        "own line": f"{title}\n（{count}篇）",
        "共": f"{title}（共{count}篇）",
        "【】": f"【{count}篇】{title}",
        "bare": f"{title}{count}篇",
        "chinese": f"{title}（{CN[count] if count < len(CN) else count}篇）",
        "共 chinese": f"（共{CN[count] if count < len(CN) else count}篇）{title}",
        "own line 共": f"{title}\n（共{count}篇）",
        "ascii": f"({count}篇){title}",
    }[form]


HEADER_FORMS = ["before", "after", "own line", "共", "【】", "bare", "chinese", "共 chinese", "own line 共", "ascii"]


def expect_gold(stem: str, pieces: list, report: Report, text: str) -> None:
    gold = gold_segments(stem)
    assert laid_out(pieces) == gold
    assert [p.title for p in pieces] == [s["title"] for s in GOLD_JSON[stem]["segments"]]
    check_accounted(text, pieces, report)


# --- the gold structure -----------------------------------------------------------


@pytest.mark.parametrize("stem", MULTI)
@pytest.mark.parametrize("style", DELIMITER_STYLES)
def test_delimiters_give_back_the_gold(stem: str, style: str) -> None:
    segs = gold_segments(stem)
    text = "\n".join(with_delimiter(style, i + 1, s) for i, s in enumerate(segs))
    pieces, report = split(text)
    expect_gold(stem, pieces, report, text)
    assert report.changes[NAME] == len(segs), "each delimiter is a reported edit"
    assert not report.warnings and "declared_count" not in report.facts


@pytest.mark.parametrize("stem", MULTI)
@pytest.mark.parametrize("blank", [2, 3, 5])
def test_blank_line_runs_give_back_the_gold(stem: str, blank: int) -> None:
    segs = gold_segments(stem)
    text = ("\n" * blank).join(segs)  # segments end with LF: exactly `blank` blank lines
    pieces, report = split(text)
    expect_gold(stem, pieces, report, text)
    assert not report.edits


def test_unwrap_style_pdf_dump() -> None:
    """unwrap emits paragraphs as lines, two blank lines before each title; titles may keep a space."""
    segs = gold_segments("002_e6f53a7cf0d87430")
    text = "\n\n".join(" " + s for s in segs)
    pieces, report = split(text)
    assert laid_out(pieces) == segs
    assert [p.title for p in pieces] == [s["title"] for s in GOLD_JSON["002_e6f53a7cf0d87430"]["segments"]]


def test_one_blank_line_is_not_a_boundary() -> None:
    segs = gold_segments("001_ab937eb7a2cd7c31")
    pieces, _ = split("\n".join(segs))  # segments end with LF: one blank line
    assert len(pieces) == 1


PARAGRAPH = (
    "今年以来，我局坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实党的二十大精神，围绕中心、服务大局，"
    "扎实推进各项工作，取得了明显成效。全年共组织培训班12期，培训干部1,200余人次，较上年增长15.3%。"
)
SPACED_REPORT = (
    f"XX县林业局2023年工作总结\n\n{PARAGRAPH}\n\n\n主要工作成效\n\n{PARAGRAPH}\n\n{PARAGRAPH}\n\n\n"
    f"存在的问题和不足\n\n{PARAGRAPH}\n\n\n2024年工作打算\n\n{PARAGRAPH}\n"
)


def test_a_text_spaced_with_blank_lines_is_not_split_at_its_longer_gaps() -> None:
    # A web page's <p> spacing: one blank line between paragraphs, two before headings.
    pieces, report = split(SPACED_REPORT)
    assert [p.text for p in pieces] == [SPACED_REPORT] and not report.edits
    pieces, _ = split(SPACED_REPORT.replace("\n\n\n", "\n\n\n\n\n"))
    assert len(pieces) == 1


def test_a_spaced_text_is_split_at_blank_lines_under_a_header_or_when_asked() -> None:
    assert len(split(SPACED_REPORT, split_spaced_text_on_blank_lines=True)[0]) == 4
    pieces, report = split("工作总结汇编（4篇）\n" + SPACED_REPORT)
    assert len(pieces) == 4 and report.facts["declared_count"] == 4


@pytest.mark.parametrize("stem", MULTI)
@pytest.mark.parametrize("form", HEADER_FORMS)
def test_header_forms(stem: str, form: str) -> None:
    segs = gold_segments(stem)
    info = GOLD_JSON[stem]
    ctitle = info["collection_title"] or "人才工作材料汇编"
    count = info["declared"] or len(segs)
    head = header(form, ctitle, count)
    text = "\n\n" + head + "\n\n\n\n" + "\n".join(with_delimiter("篇1：", i + 1, s) for i, s in enumerate(segs))
    pieces, report = split(text)
    expect_gold(stem, pieces, report, text)
    assert report.facts["collection_title"] == ctitle
    assert report.facts["declared_count"] == count
    assert head in report.edits[0].old
    if count == len(segs):
        assert not report.warnings
    else:
        assert report.warnings == [
            f"the compilation header declares {count} documents but {len(segs)} were found; all text is kept (the source may be truncated)"
        ]


def test_header_with_blank_line_runs() -> None:
    stem = "001_ab937eb7a2cd7c31"
    segs = gold_segments(stem)
    text = "\n2023年人才工作总结及2024年工作打算材料汇编（4篇）\n\n\n\n\n" + "\n\n".join(segs)
    pieces, report = split(text)
    expect_gold(stem, pieces, report, text)
    assert report.facts == {"collection_title": "2023年人才工作总结及2024年工作打算材料汇编", "declared_count": 4}
    assert not report.warnings


def test_repeated_title_under_a_header() -> None:
    """000: the same title line starts each document; 10 declared, 3 present."""
    stem = "000_ec226d4242084735"
    segs = gold_segments(stem)
    text = "（10篇）2025年人才工作总结和2026年工作计划汇编\n" + "".join(segs) + "\n"
    pieces, report = split(text)
    expect_gold(stem, pieces, report, text)
    assert report.facts == {"collection_title": "2025年人才工作总结和2026年工作计划汇编", "declared_count": 10}
    assert len(report.warnings) == 1 and "declares 10" in report.warnings[0] and "3 were found" in report.warnings[0]


def test_repeated_title_needs_a_header_by_default() -> None:
    text = "".join(gold_segments("000_ec226d4242084735"))
    pieces, _ = split(text)
    assert len(pieces) == 1
    pieces, _ = split(text, repeated_title_needs_header=False)
    assert len(pieces) == 3


# --- the seeds, as the chain hands them over ---------------------------------------


def seed(stem: str) -> str:
    path = SEEDS / f"{stem}.txt"
    if not path.exists():
        pytest.skip("seeds not available")
    return path.read_text(encoding="utf-8")


def test_seed_004() -> None:
    pieces, report = split(seed("004_ebcb78f7f500a636"))
    assert [p.title for p in pieces] == ["在全市招才引智工作推进会上的汇报发言材", "在全市招才引智工作推进会上的汇报发言材料"]
    assert report.facts == {"collection_title": "XX县委组织部在全市招才引智工作推进会上的汇报发言材料", "declared_count": 2}
    assert [e.old for e in report.edits] == ["XX县委组织部在全市招才引智工作推进会上的汇报发言材料\n（2篇）\n", "篇1：", "篇2："]
    assert not report.warnings


def test_seed_001() -> None:
    text = seed("001_ab937eb7a2cd7c31")
    pieces, report = split(text)
    assert [p.title for p in pieces] == [s["title"].replace("XX", "xx") for s in GOLD_JSON["001_ab937eb7a2cd7c31"]["segments"]]
    assert report.facts["declared_count"] == 4
    check_accounted(text, pieces, report)


def test_seed_000_after_boilerplate() -> None:
    text = seed("000_ec226d4242084735").replace("正文复制\n", "", 1).replace("(10篇)", "（10篇）", 1)
    pieces, report = split(text)
    assert len(pieces) == 3 and report.facts["declared_count"] == 10
    assert len(report.warnings) == 1


def test_seed_003_is_one_unchanged_document() -> None:
    text = seed("003_15531fa594c20b79")
    pieces, report = split(text)
    assert [p.text for p in pieces] == [text]
    assert not report.edits and not report.warnings and not report.facts


# --- must not split ----------------------------------------------------------------


@pytest.mark.parametrize("stem,i,text", ALL_SEGMENTS, ids=[f"{s}-{i + 1}" for s, i, _ in ALL_SEGMENTS])
def test_a_clean_segment_is_one_document(stem: str, i: int, text: str) -> None:
    pieces, report = split(text)
    assert [p.text for p in pieces] == [text]
    assert pieces[0].title == GOLD_JSON[stem]["segments"][i]["title"]
    assert not report.edits and not report.warnings and not report.facts


BODY = (
    "2023年以来，XX县深入学习贯彻习近平总书记关于人才工作的重要论述和指示批示精神，认真贯彻落实党的XX大对人才工作作出的重大部署，"
    "以及中央、省委和市委人才工作会议精神，坚持以育为根、以用为本，扎实做好人才培养、引进、使用、服务各项工作。"
)
TITLE = "XX县2023年度人才工作情况述职报告"


@pytest.mark.parametrize(
    "line",
    [
        "一、工作开展情况",
        "（一）坚持党管人才，构建人才工作“大格局”",
        "(二)深化机制改革",
        "1.加强组织领导",
        "2、带头研究政策",
        "一是加强组织领导",
        "第一部分 总体要求",
        "第二章 主要任务",
        "尊敬的各位领导、同志们：",
        "XXX：",
        "同志们：",
        "政策靶向性持续增强。",
        "附件：XX县人才工作任务清单",
        "①坚持党管人才",
    ],
)
def test_headings_and_salutations_after_blank_lines_do_not_split(line: str) -> None:
    text = f"{TITLE}\n{BODY}\n\n\n{line}\n{BODY}\n{BODY}\n"
    pieces, report = split(text)
    assert [p.text for p in pieces] == [text]
    assert not report.edits


def test_long_paragraph_after_blank_lines_does_not_split() -> None:
    text = f"{TITLE}\n{BODY}\n\n\n政策靶向性持续增强。{BODY}\n{BODY}\n"
    assert len(split(text)[0]) == 1


def test_signature_and_date_after_blank_lines_do_not_split() -> None:
    text = f"{TITLE}\n{BODY}\n{BODY}\n\n\nXX县委组织部\n2023年12月31日\n"
    assert len(split(text)[0]) == 1


def test_title_and_subtitle_separated_by_blank_lines_stay_together() -> None:
    text = f"增强农村实用人才支撑力\n\n\n跑出乡村全面振兴加速度\n{BODY}\n{BODY}\n"
    pieces, _ = split(text)
    assert len(pieces) == 1 and pieces[0].title == "增强农村实用人才支撑力"


def test_title_quoted_on_its_own_line_inside_the_body() -> None:
    """Decision: without a compilation header a repeated title line is a quotation, not a boundary."""
    text = f"{TITLE}\n{BODY}\n{BODY}\n{TITLE}\n{BODY}\n{BODY}\n"
    pieces, report = split(text)
    assert [p.text for p in pieces] == [text] and not report.edits


def test_plan_parts_named_di_n_pian_need_a_header() -> None:
    text = f"“十四五”人才发展规划\n{BODY}\n第一篇 总体要求\n{BODY}\n第二篇 主要任务\n{BODY}\n"
    pieces, report = split(text)
    assert [p.text for p in pieces] == [text] and not report.edits
    pieces, report = split("（2篇）人才规划汇编\n" + text)
    assert [p.title for p in pieces] == ["“十四五”人才发展规划", "总体要求", "主要任务"]
    assert "declares 2" in report.warnings[0]


def test_delimiter_lines_without_a_body_are_a_table_of_contents() -> None:
    """Delimiter lines with no body are no boundary: the table of contents stays, as
    text, in front of the first document (its delimiters go, so a rerun agrees)."""
    toc = "篇1：人才工作总结\n篇2：人才工作计划\n"
    docs = f"篇1：人才工作总结\n{BODY}\n篇2：人才工作计划\n{BODY}\n"
    pieces, report = split("（2篇）汇编\n" + toc + docs)
    assert [p.text for p in pieces] == ["人才工作总结\n人才工作计划\n", f"人才工作总结\n{BODY}\n", f"人才工作计划\n{BODY}\n"]
    assert [e.old for e in report.edits] == ["（2篇）汇编\n", "篇1：", "篇2：", "篇1：", "篇2："]
    assert "declares 2" in report.warnings[0] and "3 were found" in report.warnings[0]


def test_a_delimiter_at_the_end_without_a_body_stays() -> None:
    text = f"篇1：人才工作总结\n{BODY}\n篇2：人才工作计划\n"
    pieces, report = split(text)
    assert [p.text for p in pieces] == [f"人才工作总结\n{BODY}\n篇2：人才工作计划\n"]
    assert [e.old for e in report.edits] == ["篇1："]


def test_words_with_pian_are_not_delimiters() -> None:
    text = f"{TITLE}\n{BODY}\n篇幅较长的材料要精简。\n千篇一律的做法要改进。\n新篇章：奋力谱写人才工作\n{BODY}\n"
    pieces, report = split(text)
    assert [p.text for p in pieces] == [text] and not report.edits


def test_a_count_line_inside_the_text_is_not_a_header() -> None:
    text = f"{TITLE}\n{BODY}\n人才工作材料汇编（4篇）\n{BODY}\n"
    pieces, report = split(text)
    assert [p.text for p in pieces] == [text] and not report.facts and not report.edits


def test_a_header_alone_is_kept() -> None:
    text = "2023年人才工作材料汇编（4篇）\n"
    pieces, report = split(text)
    assert [p.text for p in pieces] == [text] and not report.facts


def test_a_title_with_a_number_is_not_a_header() -> None:
    for title in ["2023年人才工作总结报告", "做好新时代人才工作的三篇文章", "第3篇章", "奋力谱写人才强县新篇"]:
        text = f"{title}\n{BODY}\n"
        pieces, report = split(text)
        assert [p.text for p in pieces] == [text] and not report.facts, title


# --- counts, facts and warnings -------------------------------------------------------


def test_more_documents_than_declared_warns() -> None:
    text = "人才工作汇编（共2篇）\n" + "".join(f"篇{i}：标题{i}\n{BODY}\n" for i in range(1, 4))
    pieces, report = split(text)
    assert len(pieces) == 3
    assert report.warnings == [
        "the compilation header declares 2 documents but 3 were found; all text is kept (some may not be separate documents)"
    ]


def test_no_header_no_facts_no_warning() -> None:
    text = "".join(f"篇{i}：标题{i}\n{BODY}\n" for i in range(1, 4))
    pieces, report = split(text)
    assert [p.title for p in pieces] == ["标题1", "标题2", "标题3"]
    assert not report.facts and not report.warnings


def test_a_leading_text_before_the_first_delimiter_is_kept() -> None:
    text = f"编者按：以下材料供参考。\n篇1：标题1\n{BODY}\n篇2：标题2\n{BODY}\n"
    pieces, report = split(text)
    assert [p.title for p in pieces] == ["编者按：以下材料供参考。", "标题1", "标题2"]
    check_accounted(text, pieces, report)


@pytest.mark.parametrize(
    "head,title,count",
    [
        ("（十篇）人才工作汇编", "人才工作汇编", 10),
        ("人才工作汇编（共十二篇）", "人才工作汇编", 12),
        ("【精选5篇】人才工作总结", "人才工作总结", 5),
        ("人才工作总结范文3篇", "人才工作总结范文", 3),
        ("人才工作总结（通用10篇）", "人才工作总结", 10),
        ("（共3篇）", None, 3),
        ("人才工作总结 —— （3篇）", "人才工作总结", 3),
    ],
)
def test_header_facts(head: str, title: str | None, count: int) -> None:
    text = f"{head}\n篇1：标题\n{BODY}\n"
    pieces, report = split(text)
    assert report.facts.get("collection_title") == title
    assert report.facts["declared_count"] == count
    assert report.edits[0].old == head + "\n"
    assert [p.title for p in pieces] == ["标题"]


def test_stacked_count_lines_all_go() -> None:
    text = f"人才工作汇编\n（2篇）\n（2篇）\n篇1：标题\n{BODY}\n篇2：标题二\n{BODY}\n"
    flt = build(NAME)
    once = flt.apply(text, Report())
    assert flt.apply(once, Report()) == once
    assert not once.startswith("（2篇）")


@pytest.mark.parametrize("text,value", [("1", 1), ("12", 12), ("十", 10), ("十二", 12), ("二十", 20), ("二十三", 23), ("一百零五", 105), ("两", 2)])
def test_parse_number(text: str, value: int) -> None:
    assert parse_number(text) == value


# --- options ------------------------------------------------------------------------


def test_option_split_on_blank_lines() -> None:
    segs = gold_segments("001_ab937eb7a2cd7c31")
    text = "\n\n".join(segs)
    assert len(split(text)[0]) == 4
    assert len(split(text, split_on_blank_lines=False)[0]) == 1
    assert len(split(text, min_blank_lines=3)[0]) == 1
    assert len(split("\n\n\n".join(segs), min_blank_lines=3)[0]) == 4


def test_option_custom_delimiter() -> None:
    text = f"材料1：标题一\n{BODY}\n材料2：标题二\n{BODY}\n"
    assert len(split(text)[0]) == 1
    pieces, _ = split(text, delimiters=[*default_options(NAME)["delimiters"], r"材料{N}："])
    assert [p.title for p in pieces] == ["标题一", "标题二"]


def test_option_min_body_and_max_title() -> None:
    text = "标题一\n短正文。\n\n\n标题二\n短正文。\n"
    assert len(split(text)[0]) == 1
    assert len(split(text, min_body_chars=2)[0]) == 2
    assert len(split(text, min_body_chars=2, max_title_chars=2)[0]) == 1


def test_defaults_match_the_profile() -> None:
    assert default_options(NAME) == Segment.defaults()


def test_apply_is_the_text_without_header_and_delimiters() -> None:
    text = "人才工作汇编（2篇）\n篇1：标题一\n" + BODY + "\n篇2：标题二\n" + BODY + "\n"
    out = build(NAME).apply(text, Report())
    assert out == "标题一\n" + BODY + "\n标题二\n" + BODY + "\n"


# --- properties -------------------------------------------------------------------------

LINES = [
    TITLE, BODY, "", "", "一、工作开展情况", "（一）坚持党管人才", "尊敬的各位领导：", "XXX：", "篇1：人才工作总结", "篇二",
    "【篇三】", "第2篇", "第二篇：人才工作计划", "范文3：综述", "（3篇）", "人才工作汇编（2篇）", "（10篇）人才工作汇编",
    "人才工作材料3篇", "2023年12月31日", "短句", "   ", "第一篇 总体要求", "增强农村实用人才支撑力", "【篇一】", "范文2",
]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(LINES), st.text(alphabet="人才工作篇一二1第范文：（）【】 。\n", max_size=20)), max_size=30))
def test_property_nothing_lost_and_idempotent(lines: list[str]) -> None:
    """Every character that disappears (Han or not) is a reported removal, and a second
    run over the output removes nothing more."""
    text = "\n".join(lines)
    pieces, report = split(text)
    check_accounted(text, pieces, report)
    assert all(p.text.strip() for p in pieces) or len(pieces) == 1
    flt = DEFAULT
    once = flt.apply(text, Report())
    again = Report()
    assert flt.apply(once, again) == once and not again.edits


DOC_TITLES = ["人才工作总结", "2023年人才工作总结报告", "“三突出三强化”全力抓好青年人才工作", "建设国际科创人才港", TITLE]
DOC_LINES = [BODY, "一、工作开展情况", "（一）坚持党管人才", "1.加强组织领导", "一是加强组织领导", "尊敬的各位领导：", "XXX：", "政策靶向性持续增强。" + BODY]


@st.composite
def compilation(draw: st.DrawFn) -> tuple[str, int]:
    n = draw(st.integers(1, 5))
    style = draw(st.sampled_from(["blank", "repeat", *DELIMITER_STYLES]))
    docs = []
    same = draw(st.sampled_from(DOC_TITLES))
    for i in range(n):
        title = same if style == "repeat" else draw(st.sampled_from(DOC_TITLES))
        body = "\n".join([BODY, *draw(st.lists(st.sampled_from(DOC_LINES), max_size=4))])
        seg = f"{title}\n{body}\n"
        docs.append(seg if style in ("blank", "repeat") else with_delimiter(style, i + 1, seg))
    sep = "\n\n" if style == "blank" else draw(st.sampled_from(["", "\n"]))
    text = sep.join(docs)
    if style == "repeat" or draw(st.booleans()):
        text = header(draw(st.sampled_from(HEADER_FORMS)), "人才工作材料汇编", draw(st.integers(1, 12))) + "\n" + text
    return text, n


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(compilation())
def test_property_compilations(case: tuple[str, int]) -> None:
    """Built compilations split into their documents; the split is idempotent and each
    document, cleaned, is one document that a second run leaves alone."""
    text, n = case
    flt = DEFAULT
    pieces, report = split(text)
    assert len(pieces) == n
    check_accounted(text, pieces, report)
    once = flt.apply(text, Report())
    assert flt.apply(once, Report()) == once
    for doc in laid_out(pieces):
        again, rep = split(doc)
        assert [p.text for p in again] == [doc] and not rep.edits


# --- the shortcuts of the split (speed) give what the full search gives -------------------

ALL_CHARS = "".join(map(chr, range(0x110000)))


def test_white_space_classes_are_regexs() -> None:
    # The split looks for blank lines and non-space with ``re`` and str.strip; the
    # character sets must be the ``regex`` ones its patterns use.
    import re

    import regex

    from cleaner.filters import segment as mod

    line_space = regex.findall(r"[^\S\n]", ALL_CHARS)
    assert "".join(line_space) == mod._LINE_SPACE
    assert re.findall(r"[^\S\n\x1c-\x1f]", ALL_CHARS) == line_space
    assert mod._NON_SPACE.findall(ALL_CHARS) == regex.findall(r"\S", ALL_CHARS)


def test_required_strings_of_the_default_delimiters() -> None:
    from cleaner.filters.segment import _needles, _required_strings

    assert DEFAULT.delimiter_needles == ("篇", "范文")
    assert _needles([r"材料{N}：".replace("{N}", "[0-9]")]) == ("材料",)
    assert _required_strings(r"x(?:ab|cd)+y?") == [frozenset({"x"}), frozenset({"ab", "cd"})]
    for unknown in [r"(?i)篇", r"(?i:篇)", r"[[:digit:]]篇?", r"\p{Han}", r"a*", r"(?:a|b*)", r"\d+", r"\G篇"]:
        assert _needles([unknown, "篇"]) is None, unknown


def test_delimiters_within_a_line() -> None:
    from cleaner.filters.segment import _within_a_line

    assert DEFAULT.delimiter_lines
    for inside in [r"a[^\S\n]*b", r"a.b", r"\d+\S", r"(a)\1", r"a(?=\n)", r"篇$"]:
        assert _within_a_line(inside), inside
    for across in [r"a\sb", r"(?s)a.b", r"a[^x]b", r"a\n", r"\W", r"[\x00-\x7f]"]:
        assert not _within_a_line(across), across
    pieces, _ = split(f"甲\n{BODY}\n材料1\n标题二\n{BODY}\n", delimiters=[r"材料{N}\s"])
    assert [p.title for p in pieces] == ["甲", "标题二"]  # a delimiter that takes the line feed


def test_a_delimiter_without_a_needle_is_still_found() -> None:
    # A custom delimiter the structure test cannot read switches the shortcut off.
    pieces, _ = split(f"(?i)甲\n{BODY}\n材料1：标题二\n{BODY}\n", delimiters=[r"(?i:材料){N}："])
    assert [p.title for p in pieces] == ["(?i)甲", "标题二"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(["标题", " 标题 ", "\u3000标题", "标题\x1c", "\x1c标题", "标题标题", "\t\r标题\x0b", "正文标题。", "", " "]), max_size=12),
    st.integers(0, 40),
)
def test_lines_holding_a_title_are_the_regex_matches(lines: list[str], after: int) -> None:
    import regex

    from cleaner.filters.segment import _lines_holding

    text = "\n".join(lines)
    after = min(after, len(text))
    again = regex.compile(r"\n[^\S\n]*" + regex.escape("标题") + r"[^\S\n]*$", regex.M)
    assert _lines_holding(text, "标题", after) == [m.start() + 1 for m in again.finditer(text, after)]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.one_of(st.sampled_from(LINES), st.text(alphabet="人才工作篇一二1第范文：（）【】 。\n\x1c\u3000", max_size=20)), max_size=30))
def test_property_shortcuts_change_nothing(lines: list[str]) -> None:
    """Without the needle tests (the full search of every line), the split is the same."""
    text = "\n".join(lines)
    slow = build(NAME)
    slow.delimiter_needles = None
    slow.delimiter_lines = False
    fast_pieces, fast = split(text)
    slow_report = Report()
    slow_report.filter = NAME
    slow_pieces = slow.split(text, slow_report)
    assert [(p.text, p.title) for p in fast_pieces] == [(p.text, p.title) for p in slow_pieces]
    assert fast.edits == slow_report.edits and fast.warnings == slow_report.warnings and fast.facts == slow_report.facts


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="范文规x篇\n", max_size=80), st.sampled_from(["范文", "篇", "规范文"]), st.integers(0, 5))
def test_positions_are_every_occurrence(text: str, needle: str, start: int) -> None:
    from cleaner.filters.segment import _positions

    assert list(_positions(text, needle, start)) == [i for i in range(start, len(text)) if text.startswith(needle, i)]
