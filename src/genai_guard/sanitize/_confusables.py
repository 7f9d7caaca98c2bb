"""The homoglyph fold table, built once from the Unicode TR39 confusables data.

The data comes from the maintained ``confusable-homoglyphs`` package (its ``confusables.json``
is generated from ``confusables.txt`` of Unicode TR39). We read the JSON file directly as a
package resource: the package's own API can fetch data over the network, which we never do.

The table maps every non-ASCII character that TR39 lists as confusable with exactly one printable
ASCII character to that character, for use with ``str.translate``. Combining marks are left out
(folding one next to an ASCII letter would change what NFKC composes), and so are spaces
(the sanitizer turns every space separator into U+0020 itself). Characters that NFKC
already rewrites are left out too, since the sanitizer applies NFKC first.
"""

from __future__ import annotations

import functools
import json
import unicodedata
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType

from genai_guard.errors import ResourceUnavailable

__all__ = ["fold_table"]


@functools.cache
def fold_table() -> Mapping[int, str]:
    """``str.translate`` table: confusable code point -> ASCII character. Built once, read-only.

    Raises:
        ResourceUnavailable: the ``confusable-homoglyphs`` package is not installed.
    """
    try:
        raw = (
            resources.files("confusable_homoglyphs")
            .joinpath("confusables.json")
            .read_text(encoding="utf-8")
        )
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise ResourceUnavailable(
            "homoglyph folding needs the TR39 data of the 'confusable-homoglyphs' package: "
            "pip install confusable-homoglyphs"
        ) from exc
    data: dict[str, list[dict[str, str]]] = json.loads(raw)
    table: dict[int, str] = {}
    for char, entries in data.items():
        if len(char) != 1 or char.isascii():
            continue
        if unicodedata.category(char).startswith("M") or char.isspace():
            continue
        if unicodedata.normalize("NFKC", char) != char:
            continue
        targets = {
            e["c"]
            for e in entries
            if len(e["c"]) == 1 and e["c"].isascii() and e["c"].isprintable()
        }
        if len(targets) == 1:
            table[ord(char)] = targets.pop()
    return MappingProxyType(table)
