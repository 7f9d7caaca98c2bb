from __future__ import annotations

import gzip
import importlib.util
import itertools
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests._streams import streamed_findings

from genai_guard import Context, Direction
from genai_guard.pii import NameRecognizer, PIIDetector, PIIMasker, build_analyzer, restore
from genai_guard.pii._names import load_gazetteer

ROOT = Path(__file__).resolve().parents[2]
NAMES = NameRecognizer()


def found(text: str, entity: str = "PERSON") -> list[str]:
    return [
        text[e.start : e.end] for e in NAMES.analyze(text, threshold=0.4) if e.entity_type == entity
    ]


def test_issue_reproduction_is_masked_by_the_default_masker() -> None:
    out = PIIMasker().check("I'm John Smith from 12 Baker Street London", Context())
    assert out.text == "I'm <PERSON_1> from <ADDRESS_1>"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("My name is Sarah Connolly.", "Sarah Connolly"),
        ("Dear Frau Müller, danke.", "Frau Müller"),
        ("Chère Mme Lefèvre, merci.", "Mme Lefèvre"),
        ("Estimado Sr. Ramírez, gracias.", "Sr. Ramírez"),
        ("Please forward this to Dr. Emily Carter today.", "Dr. Emily Carter"),
        ("Jean-Luc van der Berg joined.", "Jean-Luc van der Berg"),
        ("Ask Mohammed Al-Rashid about it.", "Mohammed Al-Rashid"),
        ("Meeting with Kim Min-jun tomorrow.", "Kim Min-jun"),
        ("Mi chiamo Federico Gallo.", "Federico Gallo"),
        ("Mijn naam is Sanne Jansen.", "Sanne Jansen"),
        ("Nazywam się Katarzyna Nowak.", "Katarzyna Nowak"),
        ("Benim adım Ayşe Yılmaz.", "Ayşe Yılmaz"),
        ("Me chamo Thiago Carvalho.", "Thiago Carvalho"),
        ("Hi, I'm Priya Sharma.", "Priya Sharma"),
    ],
)
def test_full_names_with_titles_are_one_span(text: str, name: str) -> None:
    assert found(text) == [name]


def test_an_unknown_word_after_a_naming_phrase_is_a_name() -> None:
    assert found("my name is Xochitl Quetzalcoatl") == ["Xochitl Quetzalcoatl"]


def test_a_greeting_needs_a_name_word() -> None:
    assert found("Hi Team, the build is green.") == []
    assert found("Thanks Anna, looks good.") == ["Anna"]


@pytest.mark.parametrize(
    "text",
    [
        "Will you send it in May?",
        "Grace periods for loans usually last fifteen days.",
        "Jordan borders Israel, Syria, Iraq and Saudi Arabia.",
        "Explain how Apple and Amazon report revenue.",
        "Paris is a good place to visit in April.",
        "Write a haiku about the Golden Gate Bridge.",
        "Translate into German: turn off the machine.",
        "Ask Claude or Gemini to summarize it.",
        "I'm Canadian and moving to Germany next year.",
        "Lundi prochain, nous lançons le site.",
        "¿Cómo se calcula el IVA en España?",
    ],
)
def test_name_free_look_alikes_are_left_alone(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("I live at 221B Baker Street, so send it there.", "221B Baker Street"),
        ("j'habite au 12 rue de Rivoli, 75001 Paris.", "12 rue de Rivoli, 75001 Paris"),
        ("Ich wohne in der Hauptstraße 5, 10115 Berlin.", "Hauptstraße 5, 10115 Berlin"),
        ("Abito in Via Roma 10, Milano.", "Via Roma 10, Milano"),
        ("Mieszkam przy ul. Długa 5, 00-238 Warszawa.", "ul. Długa 5, 00-238 Warszawa"),
        ("Atatürk Caddesi No: 12 adresinde.", "Atatürk Caddesi No: 12"),
        ("Woon op Keizersgracht 123, 1015 CJ Amsterdam.", "Keizersgracht 123, 1015 CJ Amsterdam"),
    ],
)
def test_street_addresses(text: str, address: str) -> None:
    assert found(text, "ADDRESS") == [address]


def test_a_place_is_a_location_only_after_a_personal_phrase() -> None:
    analyzer = build_analyzer(entities=("LOCATION",))
    spans = [(e.start, e.end) for e in analyzer.analyze("I live in Manchester.")]
    assert spans == [(10, 20)]
    assert analyzer.analyze("Manchester has two football clubs.") == []


def test_location_is_not_a_default_entity() -> None:
    out = PIIMasker().check("I live in Manchester.", Context())
    assert out.text is None


def test_unknown_entities_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown entity types"):
        NameRecognizer(entities=("ORGANIZATION",))


def test_the_presidio_engine_finds_names_without_a_spacy_model() -> None:
    analyzer = build_analyzer(engine="presidio", entities=("PERSON", "ADDRESS"))
    text = "I'm John Smith from 12 Baker Street London"
    assert [(text[e.start : e.end], e.entity_type) for e in analyzer.analyze(text)] == [
        ("John Smith", "PERSON"),
        ("12 Baker Street London", "ADDRESS"),
    ]


def test_the_presidio_recognizer_plugs_into_a_users_registry() -> None:
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

    from genai_guard.pii import build_name_recognizer
    from genai_guard.pii._presidio import tokenizing_nlp_engine

    registry = RecognizerRegistry(supported_languages=["en"])
    registry.add_recognizer(build_name_recognizer(entities=["PERSON"]))
    engine = AnalyzerEngine(
        registry=registry, nlp_engine=tokenizing_nlp_engine(), supported_languages=["en"]
    )
    results = engine.analyze(text="Dear Mrs. Patterson, hello.", language="en")
    assert [(r.entity_type, r.start, r.end) for r in results] == [("PERSON", 5, 19)]


def test_the_gazetteer_is_the_build_tools_output() -> None:
    if importlib.util.find_spec("faker") is None or importlib.util.find_spec("spacy") is None:
        pytest.skip("the build tool needs Faker and spaCy (dev extra)")
    shipped = gzip.decompress(
        (ROOT / "src" / "genai_guard" / "pii" / "_data" / "names.txt.gz").read_bytes()
    ).decode("utf-8")
    header = shipped.split("\n", 1)[0].split()
    built_with = (header[header.index("faker") + 1], header[header.index("spacy") + 1])
    if built_with != (version("faker"), version("spacy")):
        pytest.skip(f"built with faker/spacy {built_with}; other versions list other names")
    sys.path.insert(0, str(ROOT / "tools" / "name_gazetteer"))
    try:
        import build  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    assert shipped == build.build()


def test_the_gazetteer_has_names_of_many_languages() -> None:
    gaz = load_gazetteer()
    for first in ("john", "jürgen", "camille", "lucía", "giulia", "sanne", "joão", "katarzyna"):
        assert first in gaz.first
    for last in ("smith", "müller", "dubois", "garcía", "rossi", "kowalski", "yılmaz", "tanaka"):
        assert last in gaz.last
    assert "may" in gaz.common and "will" in gaz.common


FIRST = ["Anna", "John", "Priya", "Jürgen", "Camille", "Mehmet", "Giulia", "Wang", "Fatima"]
LAST = ["Schmidt", "Smith", "Sharma", "Dubois", "Yılmaz", "Rossi", "Kowalski", "Haddad"]
FRAMES = [
    "My name is {}.",
    "Please ask {} about the invoice.",
    "Dear {}, thanks for the update.",
    "{} moved to 12 Baker Street London last May.",
    "I'm {} and I need help.",
]
_names = st.builds(lambda f, la: f"{f} {la}", st.sampled_from(FIRST), st.sampled_from(LAST))
_sentences = st.builds(lambda frame, n: frame.format(n), st.sampled_from(FRAMES), _names)
_texts = st.lists(_sentences, min_size=1, max_size=5).map(" ".join)
MASKER = PIIMasker()


@settings(max_examples=60, deadline=None)
@given(text=_texts)
def test_masking_then_restoring_texts_with_names_round_trips(text: str) -> None:
    out = MASKER.check(text, Context())
    assert out.text is not None
    assert "<PERSON_1>" in out.text
    assert restore(out.text, out.restorations)[0] == text


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=300))
def test_spans_lie_in_the_text_and_do_not_overlap(text: str) -> None:
    ents = NAMES.analyze(text)
    for e in ents:
        assert 0 <= e.start < e.end <= len(text)
        assert 0.0 < e.score <= 1.0
    people = [e for e in ents if e.entity_type == "PERSON"]
    assert all(a.end <= b.start for a, b in itertools.pairwise(people))


_STREAM_PARTS = [
    "Dear Mrs. Patterson,",
    "I'm John Smith",
    "from 12 Baker Street London.",
    "Thanks Anna",
    "Will",
    "May",
    "Jordan",
    ". ",
    "\n",
    " ",
    "Best regards,\nKarolina Nowak",
]
_DETECTOR = PIIDetector(entities=("PERSON", "ADDRESS", "LOCATION"))


@settings(max_examples=60, deadline=None)
@given(
    parts=st.lists(st.sampled_from(_STREAM_PARTS), max_size=14),
    size=st.integers(min_value=1, max_value=17),
)
def test_streamed_answers_give_the_whole_text_name_findings(parts: list[str], size: int) -> None:
    text = " ".join(parts)
    ctx = Context(direction=Direction.OUTPUT)
    assert streamed_findings(_DETECTOR, text, size, ctx) == _DETECTOR.check(text, ctx).findings
