"""Shared machinery for filter case files.

Each filter has ``tests/filters/cases/<filter>.toml`` with two kinds of cases::

    [[change]]               # the filter must turn input into expected
    input = "局D组班子成员"
    expected = "局党组班子成员"
    note = "SPEC §3.9"        # optional: where the case comes from
    xfail = "why not yet"     # optional: a known gap, run as xfail(strict=True)

    [[keep]]                 # a must-not-change trap: the filter leaves input as it is
    input = "3D打印"

Every ``change`` case is also checked stable: the filter leaves ``expected`` unchanged.
Filters are built with the options the default profile gives them (``options`` in a
case overrides some of them).
"""
from __future__ import annotations

import collections
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from cleaner.core import HAN_RANGES, Filter, Report
from cleaner.filters import filter_class

ROOT = Path(__file__).resolve().parents[2]
CASES = Path(__file__).resolve().parent / "cases"
HAN = re.compile(f"[{HAN_RANGES}]")


def default_options(name: str) -> dict[str, Any]:
    """The filter's options as profiles/default.toml sets them (on top of the defaults)."""
    data = tomllib.loads((ROOT / "profiles" / "default.toml").read_text(encoding="utf-8"))
    options = filter_class(name).defaults()
    options.update(data.get("filters", {}).get(name, {}))
    return options


def build(name: str, **overrides: Any) -> Filter:
    options = default_options(name)
    options.update(overrides)
    return filter_class(name)(**options)


def run(flt: Filter, text: str) -> tuple[str, Report]:
    report = Report()
    report.filter = flt.name
    return flt.apply(text, report), report


def load_cases(name: str) -> tuple[list[Any], list[Any]]:
    """pytest params for the ``change`` and ``keep`` cases of a filter."""
    data = tomllib.loads((CASES / f"{name}.toml").read_text(encoding="utf-8"))
    changes, keeps = [], []
    for i, case in enumerate(data.get("change", [])):
        marks = [pytest.mark.xfail(reason=case["xfail"], strict=True)] if "xfail" in case else []
        changes.append(pytest.param(case, id=f"change{i}-{case['input'][:12]}", marks=marks))
    for i, case in enumerate(data.get("keep", [])):
        marks = [pytest.mark.xfail(reason=case["xfail"], strict=True)] if "xfail" in case else []
        keeps.append(pytest.param(case, id=f"keep{i}-{case['input'][:12]}", marks=marks))
    return changes, keeps


def case_tests(name: str) -> tuple[Any, Any]:
    """``test_changes`` and ``test_keeps`` over the filter's case file, for a test module
    to bind at module level: ``test_changes, test_keeps = case_tests(NAME)``."""
    changes, keeps = load_cases(name)

    @pytest.mark.parametrize("case", changes)
    def test_changes(case: dict[str, Any]) -> None:
        check_change(name, case)

    @pytest.mark.parametrize("case", keeps)
    def test_keeps(case: dict[str, Any]) -> None:
        check_keep(name, case)

    return test_changes, test_keeps


def check_change(name: str, case: dict[str, Any]) -> None:
    flt = build(name, **case.get("options", {}))
    out, report = run(flt, case["input"])
    assert out == case["expected"], case.get("note", "")
    assert report.changes[name] > 0 or out == case["input"], "a change must be reported"
    again, _ = run(flt, case["expected"])
    assert again == case["expected"], "the expected output must be stable"


def check_keep(name: str, case: dict[str, Any]) -> None:
    flt = build(name, **case.get("options", {}))
    out, report = run(flt, case["input"])
    assert out == case["input"], case.get("note", "")
    assert not report.edits


def replay(text: str, edits: Any, *, ordered: bool = True) -> str:
    """Rebuild a filter's output from its input and its reported edits alone.

    ``edits`` is a :class:`Report` or its list of edits. Fails when an edit's ``old``
    is not what stands at its span, or when spans overlap, or (with ``ordered``) when
    they are not reported in text order: the audit trail must be enough to see, and
    undo, every change. Filters that work in several passes report out of order.
    """
    edits = list(getattr(edits, "edits", edits))
    if not ordered:
        edits.sort(key=lambda e: (e.start, e.end))
    parts, pos = [], 0
    for e in edits:
        assert pos <= e.start <= e.end <= len(text), f"span {e.start}-{e.end} out of order"
        assert text[e.start:e.end] == e.old, f"{e.old!r} is not at {e.start}-{e.end}"
        parts += [text[pos:e.start], e.new]
        pos = e.end
    return "".join(parts) + text[pos:]


def spans(report: Report) -> list[tuple[int, int, str, str]]:
    """A report's edits as ``(start, end, old, new)``, for comparing with a list."""
    return [(e.start, e.end, e.old, e.new) for e in report.edits]


def han(text: str) -> collections.Counter[str]:
    return collections.Counter(HAN.findall(text))


def check_stable(flt: Filter, text: str, *, ordered: bool = True) -> tuple[str, Report]:
    """Run ``flt`` on ``text``: a second run changes and reports nothing, and the edits
    alone rebuild the output (see :func:`replay`). Returns the first run."""
    out, report = run(flt, text)
    again, report2 = run(flt, out)
    assert again == out, "idempotent"
    assert not report2.edits
    assert replay(text, report, ordered=ordered) == out, "the edits account for every change"
    return out, report


def check_han_accounted(text: str, out: str, report: Report, *, exact: bool = False) -> None:
    """Every Han character that disappears is in a reported edit (one the edit took and
    did not put back); with ``exact``, the edits account for every change in the Han
    characters, and for nothing more."""
    if exact:
        lost = han(text)
        lost.subtract(han(out))
        reported: collections.Counter[str] = collections.Counter()
        for edit in report.edits:
            reported.update(han(edit.old))
            reported.subtract(han(edit.new))
        assert {k: v for k, v in lost.items() if v} == {k: v for k, v in reported.items() if v}
    else:
        taken: collections.Counter[str] = collections.Counter()
        for edit in report.edits:
            taken.update(han(edit.old) - han(edit.new))
        assert not (han(text) - han(out)) - taken, "every Han character that disappears is in a reported edit"
