"""Re-typeset clean paragraphs as a PDF text dump, for the unwrap tests.

Lines break greedily at a width given in Chinese characters, measured as display width
(Han characters and Chinese punctuation 2, ASCII 1) or as characters. A paragraph's
first line is two characters short (its indent was lost in extraction); titles are not
indented. Latin words and numbers are not broken, and a space at a break is dropped.
With ``kinsoku`` (as typesetters do) one punctuation mark that may not start a line is
squeezed into the end of the line before, and an opening quote or bracket that would end
a line moves to the next one. Pages hold ``page_lines`` lines: a page ends with a page
number, the next starts with a running header and, as pdftotext writes it, a space.
"""
from __future__ import annotations

import re
from typing import Callable, Sequence

WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
    "\u2014\u2018\u2019\u201c\u201d\u2026\U00020000-\U0003ffff]"
)
UNITS = re.compile(r"[\x21-\x7e]+| |.", re.S)
NO_START = set("，。、；：？！”’）》〉」』】〕…—·%,.;:?!)]")
NO_END = set("“‘（《〈「『【〔([")
SENTENCE_END = set("。！？；：…")


def width_of(s: str, measure: str) -> int:
    if measure == "chars":
        return len(s)
    return len(s) + len(WIDE.findall(s))


def wrap(paragraph: str, width: int, *, indent: int = 2, measure: str = "width", kinsoku: bool = True) -> list[str]:
    """The lines of one paragraph at ``width`` Chinese characters."""
    unit = 2 if measure == "width" else 1
    cap = width * unit
    room = cap - indent * unit
    lines: list[str] = []
    cur = ""
    for tok in UNITS.findall(paragraph):
        if tok == " ":
            if cur and width_of(cur, measure) + 1 <= room:
                cur += tok
            continue
        if width_of(cur, measure) + width_of(tok, measure) <= room or not cur:
            cur += tok
            continue
        if kinsoku and tok in NO_START and width_of(cur, measure) <= room:
            cur += tok  # squeezed in (once: a second mark starts the next line)
            continue
        carry = ""
        if kinsoku and cur[-1] in NO_END and len(cur) > 1:
            cur, carry = cur[:-1], cur[-1]
        lines.append(cur.rstrip(" "))
        cur, room = carry + tok, cap
    if cur:
        lines.append(cur.rstrip(" "))
    return lines


def gold_titles(lines: Sequence[str]) -> set[int]:
    """Indices of the title lines of a gold segment: its first line, and a subtitle
    right under it (short, no closing punctuation)."""
    found = {0}
    if len(lines) > 1 and len(lines[1]) < 20 and lines[1][-1] not in SENTENCE_END:
        found.add(1)
    return found


def typeset(
    paragraphs: Sequence[str],
    width: int,
    *,
    measure: str = "width",
    blank: bool = True,
    kinsoku: bool = True,
    titles: Callable[[int, str], bool] | None = None,
    page_lines: int | None = None,
    page_number: Callable[[int], str] | None = None,
    header: str | None = None,
    page_space: bool = True,
) -> str:
    """The dump of ``paragraphs``: lines joined by a blank line (``blank``) or not."""
    flow: list[str] = []
    for i, p in enumerate(paragraphs):
        title = titles(i, p) if titles else False
        flow.extend(wrap(p, width, indent=0 if title else 2, measure=measure, kinsoku=kinsoku))
    sep = "\n\n" if blank else "\n"
    out: list[str] = []
    for n, line in enumerate(flow):
        if page_lines and n and n % page_lines == 0:
            page = n // page_lines
            if page_number:
                out.append(sep + page_number(page) + sep)
            if header:
                out.append(("" if page_number else sep) + header + sep)
            if not page_number and not header:
                out.append("\n")
            out.append((" " if page_space else "") + line)
        else:
            out.append((sep if n else "") + line)
    if page_lines and page_number:
        out.append(sep + page_number((len(flow) - 1) // page_lines + 1))
    return "".join(out) + "\n"


def typeset_documents(documents: Sequence[Sequence[str]], width: int, **options: object) -> str:
    """Several documents, each starting on a new page as in seed 002: the page boundary
    is a line break without a blank line, and the next page's first line (the title)
    starts with a space."""
    dumps = []
    for doc in documents:
        heads = gold_titles(doc)
        dump = typeset(doc, width, titles=lambda i, p: i in heads, **options)  # type: ignore[arg-type]
        dumps.append(dump.rstrip("\n"))
    return "\n".join(" " + d for d in dumps) + "\n"
