"""Structured outputs (``parse``): re-derive the parsed value from the checked answer text.

The SDK's ``parse`` fills ``message.parsed`` (chat) or the ``parsed`` field of ``output_text``
parts (Responses) from the unchecked text. After the output checks rewrite that text (restored
pseudonyms) or replace it (a refusal), the parsed value is derived again from the checked text, so
``parsed`` never carries what the checks removed. A text that no longer validates gives ``None``,
as the SDK does for a refusal.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from genai_guard.integrations._adapters import build_sdk_object
from genai_guard.integrations._paths import get, lookup, replaced

__all__ = ["reparse_chat", "reparse_response"]


def _parsed(text: Any, fmt: Any) -> Any:
    if not isinstance(text, str):
        return None
    validate = getattr(fmt, "model_validate_json", None)
    try:
        if callable(validate):
            return validate(text)
        if isinstance(fmt, Mapping) and fmt.get("type") in ("json_schema", "json_object"):
            return json.loads(text)
    except ValueError:  # pydantic's ValidationError is a ValueError
        return None
    return None


def _as(module: str, cls: str, response: Any) -> Any:
    if type(response).__name__.startswith("Parsed"):
        return response
    dump = getattr(response, "model_dump", None)
    return build_sdk_object(module, cls, dump()) if callable(dump) else response


def reparse_chat(response: Any, kwargs: Mapping[str, Any]) -> Any:
    """A ``ParsedChatCompletion`` whose ``message.parsed`` comes from the checked content."""
    response = _as("openai.types.chat", "ParsedChatCompletion", response)
    fmt = kwargs.get("response_format")
    for i, choice in enumerate(get(response, "choices") or ()):
        content = lookup(choice, ("message", "content"))
        refusal = lookup(choice, ("message", "refusal"))
        value = None if refusal else _parsed(content, fmt)
        response = replaced(response, ("choices", i, "message", "parsed"), value)
    return response


def reparse_response(response: Any, kwargs: Mapping[str, Any]) -> Any:
    """A ``ParsedResponse`` whose ``output_text`` parts carry ``parsed`` from the checked text."""
    response = _as("openai.types.responses", "ParsedResponse", response)
    fmt = kwargs.get("text_format")
    for i, item in enumerate(get(response, "output") or ()):
        if get(item, "type") != "message":
            continue
        refused = any(get(p, "type") == "refusal" for p in get(item, "content") or ())
        for j, part in enumerate(get(item, "content") or ()):
            if get(part, "type") == "output_text":
                value = None if refused else _parsed(get(part, "text"), fmt)
                response = replaced(response, ("output", i, "content", j, "parsed"), value)
    return response
