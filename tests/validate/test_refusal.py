"""Refusals in the main languages."""

from __future__ import annotations

import pytest

from genai_guard import ConfigurationError, Context, Direction
from genai_guard.validate import RefusalValidator

CTX = Context(direction=Direction.OUTPUT)
V = RefusalValidator()

REFUSALS = {
    "en": "I'm sorry, but I can't help with creating that kind of content.",
    "es": "Lo siento, pero no puedo ayudar con esa solicitud.",
    "fr": "Désolé, mais je ne peux pas vous aider avec cette demande.",
    "de": "Es tut mir leid, aber ich kann dir dabei nicht helfen.",
    "pt": "Desculpe, mas não posso ajudar com isso.",
    "it": "Mi dispiace, ma non posso aiutarti con questa richiesta.",
    "ru": "Извините, но я не могу помочь с этим запросом.",
    "zh": "抱歉，我无法提供这方面的帮助。",
    "ja": "申し訳ありませんが、そのご依頼にはお答えできません。",
}

ANSWERS = [
    "Sure! Here is a packing list for a weekend in the mountains.",
    "Claro, aquí tienes la receta de la tortilla de patatas.",
    "I can't wait to hear how the trip goes. Here are three ideas.",
    "Bien sûr, voici le résumé demandé.",
]


@pytest.mark.parametrize("lang", sorted(REFUSALS))
def test_refusal_is_flagged_with_its_language(lang: str) -> None:
    out = V.check(REFUSALS[lang], CTX)
    assert [f.rule_id for f in out.findings] == [f"output.refusal.{lang}"]


@pytest.mark.parametrize("text", ANSWERS)
def test_helpful_answer_is_not_a_refusal(text: str) -> None:
    assert V.check(text, CTX).findings == ()


def test_refusal_beyond_the_window_is_ignored() -> None:
    text = "Here is the report.\n" * 10 + REFUSALS["en"]
    assert RefusalValidator(window=50).check(text, CTX).findings == ()


def test_unknown_language_is_rejected() -> None:
    with pytest.raises(ConfigurationError):
        RefusalValidator(languages=["xx"])
