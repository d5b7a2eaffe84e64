"""The README's library example runs as written."""
from __future__ import annotations

import re
from pathlib import Path

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_library_example_runs(capsys):
    [block] = [b for b in re.findall(r"```python\n(.*?)```", README, re.S) if "from cleaner import" in b]
    exec(compile(block, "README.md", "exec"), {})
    printed = capsys.readouterr().out
    assert printed.startswith("XX县人才工作总结\nXX县人才工作总结\n今年以来，全县引进XX名人才。\n")
