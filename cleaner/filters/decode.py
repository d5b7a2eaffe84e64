"""decode: bytes to text, and every line ending to LF.

Changes: detects the encoding (UTF-8 with or without BOM, UTF-16/32 with BOM, then the
profile's candidate encodings, GB18030 and Big5 by default: of the readings that decode,
the one whose characters are most often common Chinese ones, and charset-normalizer's
choice when none looks like Chinese), drops a leading BOM, turns CRLF and lone CR into LF.
Never: guesses an encoding for data that is not text (images, archives, PDFs, random
bytes); those raise :class:`NotText` with the reason. A mostly-UTF-8 file with a few
broken byte sequences is decoded with U+FFFD in their place, each one reported.
Line-ending changes are counted, not listed span by span: they lose nothing.
"""
from __future__ import annotations

import codecs
import functools
import re

from cleaner.core import Filter, Option, Report

SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"%PDF-", "a PDF document (extract its text first)"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document (.doc/.xls)"),
    (b"\x7fELF", "an executable"),
)

BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

NEWLINES = re.compile(r"\r\n?")
_ESCAPED = re.compile("[\udc80-\udcff]+")
_HEAD = 1 << 12


class NotText(Exception):
    """The input cannot be read as text; ``str()`` says why."""


_SIGNATURE_FIRST = frozenset(magic[:1] for magic, _ in SIGNATURES)
"""The first bytes of the signatures: most inputs are ruled out with one set lookup."""


def _signature(data: bytes) -> str | None:
    for magic, what in SIGNATURES:
        if data.startswith(magic):
            return what
    return None


class Decode(Filter):
    name = "decode"
    summary = "detect the encoding and decode; CRLF and CR become LF"
    options = (
        Option(
            "encodings",
            list,
            ["gb18030", "big5", "utf_16"],
            "encodings tried, in this order of preference, when the input is neither valid UTF-8 nor marked by a BOM",
        ),
        Option(
            "max_invalid_utf8",
            float,
            0.001,
            "largest share of broken byte sequences in an otherwise UTF-8 file that is still read as UTF-8 (each one becomes U+FFFD and is reported)",
            minimum=0.0,
            maximum=1.0,
        ),
    )

    def __init__(self, **config: object) -> None:
        super().__init__(**config)
        self.encodings = [codecs.lookup(e).name for e in self.config["encodings"]]  # type: ignore[union-attr]
        self.max_invalid = float(self.config["max_invalid_utf8"])  # type: ignore[arg-type]

    # -- bytes -> str ---------------------------------------------------------

    def decode(self, data: bytes, report: Report) -> str:
        """Decode ``data``; set ``report.facts['encoding']``; raise :class:`NotText`."""
        report.filter = self.name
        for bom, encoding in BOMS:
            if data.startswith(bom):
                try:
                    text = data.decode(encoding)
                except UnicodeDecodeError as exc:
                    raise NotText(f"marked as {encoding} by its byte-order mark, but not valid {encoding}: {exc.reason}") from None
                report.facts["encoding"] = "utf-8-sig" if encoding == "utf-8-sig" else encoding
                return self.apply(text.lstrip("\ufeff") if encoding != "utf-8-sig" else text, report)
        if data[:1] in _SIGNATURE_FIRST:
            what = _signature(data)
            if what:
                raise NotText(f"not text: {what}")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is not None:
            # In valid UTF-8 a NUL byte is U+0000 and a CR byte is U+000D, nothing else,
            # so the bytes are searched (several times quicker than the text); and no
            # BOM starts the text (a UTF-8 BOM was taken care of above): the usual input
            # costs one decode.
            if b"\x00" in data:
                raise NotText("not text: it contains NUL bytes (binary data)")
            report.facts["encoding"] = "utf-8"
            return text if b"\r" not in data else self.apply(text, report)
        if b"\x00" in data:
            raise NotText("not text: it contains NUL bytes and no byte-order mark (binary data)")
        return self.apply(self._detect(data, report), report)

    def _detect(self, data: bytes, report: Report) -> str:
        """Choose among the readings of ``data`` that are not plain UTF-8: mostly-UTF-8
        with a few broken bytes, and each candidate encoding that decodes it.

        GB18030 decodes nearly any Big5 file and Big5 many GBK files, and in short texts
        charset-normalizer's statistics can reject the right reading (one with `××`, say)
        or prefer the wrong one. So each reading of the head is first scored by the share
        of its non-ASCII characters that are common Chinese ones; the best reading above
        :data:`TRUSTED_SHARE` wins (ties: the earlier one). When no reading looks like
        Chinese, a mostly-UTF-8 reading is taken, and otherwise charset-normalizer chooses.
        """
        lossy = self._lossy_utf8(data)
        ranked: list[tuple[float, int, str]] = []
        if lossy is not None:
            ranked.append((chinese_share(lossy[0]), 0, "utf-8"))
        head = data[:_SAMPLE]
        for order, encoding in enumerate(self.encodings, 1):
            try:
                sample = codecs.getincrementaldecoder(encoding)().decode(head, final=len(data) <= _SAMPLE)
            except UnicodeError:  # (UTF-16's incremental decoder wants a BOM)
                continue
            ranked.append((chinese_share(sample), -order, encoding))
        for share, _, encoding in sorted(ranked, reverse=True):
            if share < TRUSTED_SHARE:
                break
            if lossy is not None and encoding == "utf-8":
                return self._take_lossy(*lossy, report)
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if _plausible(text):
                report.facts["encoding"] = encoding
                return text
        if lossy is not None:
            return self._take_lossy(*lossy, report)
        return self._normalizer_choice(data, report)

    def _lossy_utf8(self, data: bytes) -> tuple[str, list[re.Match[str]]] | None:
        """``data`` decoded as UTF-8 with its broken bytes escaped, and the runs of them,
        when they are few enough (``max_invalid_utf8``)."""
        limit = max(1, int(len(data) * self.max_invalid))
        if len(data) > _HEAD:
            # Text in another encoding breaks UTF-8 from its first lines on: count what
            # its head breaks before escaping the whole input. (The last 3 bytes of the
            # head may be a sequence the cut split: they do not count.)
            head = data[:_HEAD].decode("utf-8", errors="surrogateescape")
            broken = 0
            for m in _ESCAPED.finditer(head, 0, len(head) - 3):
                broken += m.end() - m.start()
                if broken > limit:
                    return None
        escaped = data.decode("utf-8", errors="surrogateescape")
        runs = []
        broken = 0
        for m in _ESCAPED.finditer(escaped):  # stop as soon as there are too many
            broken += m.end() - m.start()
            if broken > limit:
                return None
            runs.append(m)
        return escaped, runs

    def _take_lossy(self, escaped: str, runs: list[re.Match[str]], report: Report) -> str:
        report.facts["encoding"] = "utf-8"
        report.warn(f"{len(runs)} invalid UTF-8 byte sequence(s) replaced with U+FFFD")

        # The audit shows the lost bytes as hex, since they are not text.
        parts: list[str] = []
        pos = 0
        for m in runs:
            raw = m.group().encode("utf-8", errors="surrogateescape")
            parts.append(escaped[pos:m.start()])
            report.edit(m.start(), m.end(), f"<invalid bytes {raw.hex(' ')}>", "\ufffd")
            parts.append("\ufffd")
            pos = m.end()
        parts.append(escaped[pos:])
        return "".join(parts)

    def _normalizer_choice(self, data: bytes, report: Report) -> str:
        import charset_normalizer  # only for the inputs that are not UTF-8 (saves its import otherwise)

        matches = charset_normalizer.from_bytes(data, cp_isolation=self.encodings)
        best = matches.best()
        if best is None:
            tried = ", ".join(["utf-8", *self.encodings])
            raise NotText(f"not text in any supported encoding (tried {tried})")
        text = str(best)
        if not _plausible(text):
            raise NotText(f"not text: decodes as {best.encoding} only to gibberish")
        report.facts["encoding"] = best.encoding
        return text

    # -- str -> str -----------------------------------------------------------

    def apply(self, text: str, report: Report) -> str:
        if text.startswith("\ufeff"):
            text = text[1:]
            report.edit(0, 1, "\ufeff", "")
        if "\r" not in text:
            return text
        n = text.count("\r")
        report.count(n)
        return NEWLINES.sub("\n", text)


TRUSTED_SHARE = 0.7
"""Smallest share of common Chinese characters (among the non-ASCII ones) for which a
reading is taken without asking charset-normalizer. A right reading of Chinese text
scores above 0.95; GBK read as Big5, or Big5 as GB18030, scores 0.6 or less."""

_SAMPLE = 1 << 16
"""Bytes of the head that each candidate encoding's reading is scored on."""

@functools.cache
def _common_chinese() -> dict[int, None]:
    """A ``str.translate`` table deleting common Chinese characters: the 3,755 of GB2312
    level 1 and its rows of symbols and full-width forms, the 5,401 of Big5's frequent
    block, and Chinese punctuation. Built on first use (only non-UTF-8 inputs need it)."""
    chars = set(chr(c) for c in range(0x3000, 0x3040)) | set(chr(c) for c in range(0xFF01, 0xFF66))
    chars.update("\u2014\u2018\u2019\u201c\u201d\u2026\u00b7\u2022\u2027")
    both = [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
    for encoding, leads, trails in (
        ("gb2312", [0xA1, 0xA3, *range(0xB0, 0xD8)], range(0xA1, 0xFF)),
        ("big5", range(0xA4, 0xC6), both),
        ("big5", [0xC6], range(0x40, 0x7F)),
    ):
        for lead in leads:
            for trail in trails:
                try:
                    chars.add(bytes((lead, trail)).decode(encoding))
                except UnicodeDecodeError:
                    pass
    return dict.fromkeys(map(ord, chars))


def chinese_share(text: str) -> float:
    """Share of the non-ASCII characters at the head of ``text`` that are common Chinese
    characters or punctuation (1.0 for a head that is all ASCII)."""
    head = text[: _SAMPLE // 2]
    non_ascii = len(head) - len(head.encode("ascii", "ignore"))
    if not non_ascii:
        return 1.0
    rest = head.translate(_common_chinese())
    uncommon = len(rest) - len(rest.encode("ascii", "ignore"))
    return 1.0 - uncommon / non_ascii


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000-\uf8ff\ufffd]")


def _plausible(text: str) -> bool:
    """Text a person wrote has few control characters and private-use code points."""
    if not text:
        return True
    return len(_CONTROL.findall(text)) <= max(2, len(text) // 100)
