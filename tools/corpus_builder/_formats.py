"""Readers for the file formats sources use (extractors build on these)."""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterator
from typing import Any

import yaml

__all__ = ["csv_rows", "decode", "json_doc", "jsonl", "lines", "pick", "yaml_doc"]

MAX_CHARS = 20_000
"""Rows longer than this are cut (the detector reads long texts in windows anyway)."""

csv.field_size_limit(10_000_000)


def decode(data: bytes) -> str:
    """UTF-8 text of ``data`` (gunzipped when it is gzip; a BOM is dropped)."""
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data.decode("utf-8-sig", errors="replace")


def jsonl(data: bytes) -> Iterator[Any]:
    """One JSON value per non-empty line."""
    for n, line in enumerate(decode(data).split("\n"), 1):
        if line.strip():
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"line {n}: {exc}") from exc


def json_doc(data: bytes) -> Any:
    """The JSON document in ``data``."""
    return json.loads(decode(data))


def yaml_doc(data: bytes) -> Any:
    """The YAML document in ``data`` (safe loader)."""
    return yaml.safe_load(decode(data))


def csv_rows(data: bytes, *, delimiter: str = ",") -> Iterator[dict[str, str]]:
    """Rows of a CSV file with a header line, as dicts."""
    yield from csv.DictReader(io.StringIO(decode(data)), delimiter=delimiter)


def lines(data: bytes, *, comment: str | None = None) -> Iterator[str]:
    """Non-empty, stripped lines (lines starting with ``comment`` skipped)."""
    for line in decode(data).splitlines():
        text = line.strip()
        if text and not (comment and text.startswith(comment)):
            yield text


def pick(record: Any, *path: str | int) -> Any:
    """``record[path[0]][path[1]]...``, or None where a step is missing."""
    cur = record
    for step in path:
        try:
            cur = cur[step]
        except (KeyError, IndexError, TypeError):
            return None
    return cur
