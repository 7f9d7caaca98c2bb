"""Extractors of corpus_builder.sources.github_benign on small made-up fixtures."""

from __future__ import annotations

import bz2
import gzip
import json

import pytest
from corpus_builder._spec import RawRow, check_source
from corpus_builder.sources import github_benign as gb
from corpus_builder.sources.github_benign import SOURCES


def _row(text: str, kind: str, lang: str | None = "en") -> RawRow:
    return RawRow(text=text, label="benign", category="benign", lang=lang, kind=kind)


def _json(obj: object) -> bytes:
    return json.dumps(obj).encode()


def _jsonl(*records: object) -> bytes:
    return "\n".join(json.dumps(r) for r in records).encode() + b"\n"


TM4 = {
    "TM-4-2024/data/data_00.json": _json(
        [
            {
                "conversation_id": "dlg-1",
                "utterances": [
                    {
                        "speaker": "user",
                        "text": "One small tea please.",
                        "annotations": [
                            {"name": "api_call", "value": "find_item"},
                            {
                                "name": "response",
                                "value": '{"items": [{"id": "tea-01", "size": "S"}]}',
                            },
                            {"name": "response", "value": '{"ok": true}'},
                        ],
                    },
                    {"speaker": "assistant", "text": "Sure, anything else?", "annotations": []},
                ],
            }
        ]
    )
}


def test_taskmaster4_extractors() -> None:
    assert list(gb.tm4_user_turns(TM4)) == [_row("One small tea please.", "chat")]
    assert list(gb.tm4_conversations(TM4)) == [
        _row("User: One small tea please.\nAssistant: Sure, anything else?", "conversation")
    ]
    assert list(gb.tm4_tool_results(TM4)) == [
        _row('{"items": [{"id": "tea-01", "size": "S"}]}', "tool_result")
    ]


SGD = {
    "train/dialogues_001.json": _json(
        [
            {
                "dialogue_id": "1_00000",
                "turns": [
                    {"speaker": "USER", "utterance": "Find me a bus to Fresno."},
                    {"speaker": "SYSTEM", "utterance": "When do you leave?"},
                    {"speaker": "USER", "utterance": " "},
                ],
            }
        ]
    )
}


def test_sgd_extractors() -> None:
    assert list(gb.sgd_user_turns(SGD)) == [_row("Find me a bus to Fresno.", "chat")]
    assert list(gb.sgd_conversations(SGD)) == [
        _row("User: Find me a bus to Fresno.\nSystem: When do you leave?", "conversation")
    ]


def test_jsonl_questions() -> None:
    files = {"train.jsonl": _jsonl({"question": "Ann has 3 pens. How many?", "answer": "3"})}
    assert list(gb.jsonl_questions(files)) == [_row("Ann has 3 pens. How many?", "question")]


@pytest.mark.parametrize("compress", [False, True])
def test_humaneval_code(compress: bool) -> None:
    data = _jsonl({"prompt": 'def f():\n    """One."""\n', "canonical_solution": "    return 1\n"})
    files = {"HumanEval.jsonl.gz": gzip.compress(data) if compress else data}
    expected = [_row('def f():\n    """One."""\n    return 1\n', "code")]
    assert list(gb.humaneval_code(files)) == expected
    assert list(gb.humaneval_x_code(files)) == expected


def test_banking77_requests() -> None:
    files = {"train.csv": b"text,category\nWhere is my card?,card_arrival\n"}
    assert list(gb.banking77_requests(files)) == [_row("Where is my card?", "support_request")]


def test_clinc150_requests() -> None:
    files = {
        "data_full.json": _json({"train": [["book a table", "book"]], "oos_val": [["hi", "oos"]]})
    }
    assert list(gb.clinc150_requests(files)) == [
        _row("book a table", "request"),
        _row("hi", "request"),
    ]


def test_owasp_sections() -> None:
    body = "Use a slow hash for every stored secret. " * 6
    page = (
        f"# Title\n\nIntro.\n\n## Storage\n\n{body}\n\n```\nsecret = 1\n```\n\n## Short\n\nTiny.\n"
    )
    rows = list(gb.owasp_sections({"a.md": page.encode()}))
    assert rows == [_row(f"## Storage\n\n{body.strip()}", "security_doc")]


def test_markdown_sections_cuts_long_sections() -> None:
    para = "word " * 500
    sections = list(gb.markdown_sections(f"## Long\n\n{para}\n\n{para}\n\n{para}\n"))
    assert len(sections) == 1 and len(sections[0]) <= gb.MAX_SECTION + 3


def test_command_line_tips() -> None:
    page = "# T\n\n- Learn `ssh` and passwordless login with ssh-agent.\n  More on keys.\n\n- Short\n\nText\n"
    files = {
        "README-de.md": page.encode(),
        "README.md": b"- Use `man` to read the manual pages of commands.\n",
    }
    assert list(gb.command_line_tips(files)) == [
        _row(
            "Learn `ssh` and passwordless login with ssh-agent.\n  More on keys.",
            "sysadmin_doc",
            "de",
        ),
        _row("Use `man` to read the manual pages of commands.", "sysadmin_doc", "en"),
    ]


TWITTER = {
    "dev.json": _json(
        [
            {
                "dialogContent": [
                    {"client": "ann", "message": "@Shop my parcel is late"},
                    {"agent": "Shop", "message": "@ann Sorry! Which order?"},
                ],
                "agentURL": {"url_utterance": "@ann See https://example.com/help"},
            }
        ]
    )
}


def test_twitter_extractors() -> None:
    assert list(gb.twitter_customer_messages(TWITTER)) == [
        _row("@Shop my parcel is late", "support_request", None)
    ]
    assert list(gb.twitter_conversations(TWITTER)) == [
        _row(
            "Customer: @Shop my parcel is late\nAgent: @ann Sorry! Which order?\n"
            "Agent: @ann See https://example.com/help",
            "conversation",
            None,
        )
    ]


def test_advising_questions_and_sql() -> None:
    rec = {
        "sentences": [
            {"text": "Which course0 sections are open ?", "variables": {"course0": "EECS 280"}}
        ],
        "sql": ['SELECT * FROM COURSE WHERE NAME = "course0" ;'],
        "variables": [{"name": "course0", "example": "EECS 183"}],
    }
    assert list(gb.advising_questions_and_sql({"advising.json": _json([rec])})) == [
        _row("Which EECS 280 sections are open ?", "question"),
        _row('SELECT * FROM COURSE WHERE NAME = "EECS 183" ;', "sql"),
    ]


def test_wikisql_questions() -> None:
    rec = {
        "sentences": [
            {"original": "Who won in 1990?", "text": "Who won in var0?"},
            {"text": "Where?"},
        ]
    }
    files = {"wikisql.json.bz2": bz2.compress(_json([rec]))}
    assert list(gb.wikisql_questions(files)) == [
        _row("Who won in 1990?", "question"),
        _row("Where?", "question"),
    ]


def test_sysadmin_questions() -> None:
    page = (
        "<details>\n<summary><b>How do I list open ports with <code>ss</code>? ***</b></summary><br>\n\n"
        "Run `ss -tulpn` to list listening sockets with their processes.\n</details>\n"
        "<details>\n<summary><b>What is a shell?</b></summary><br>\n\nTo be written.\n</details>\n"
    )
    assert list(gb.sysadmin_questions({"README.md": page.encode()})) == [
        _row("How do I list open ports with ss?", "question"),
        _row(
            "How do I list open ports with ss?\n\n"
            "Run `ss -tulpn` to list listening sockets with their processes.",
            "sysadmin_doc",
        ),
        _row("What is a shell?", "question"),
    ]


def test_frontend_questions() -> None:
    page = "* [General](#general)\n* Explain event delegation.\n  * And bubbling?\n* Hi\n"
    files = {
        "src/translations/german/README.md": page.encode(),
        "src/questions/css-questions.md": b"---\ntitle: CSS\n---\n\n* What is a CSS reset?\n",
    }
    assert list(gb.frontend_questions(files)) == [
        _row("Explain event delegation.\n  * And bubbling?", "question", "de"),
        _row("What is a CSS reset?", "question", "en"),
    ]


def test_hwu64_requests() -> None:
    data = (
        b"answerid;scenario;intent;answer_annotation;answer_from_anno;answer_from_user\n"
        b'1;general;joke;"tell a joke";"tell a joke";"Robot, tell me a joke!"\n'
        b'2;general;quirky;"your salary";"your salary";"xxx"\n'
    )
    assert list(gb.hwu64_requests({"general_joke.csv": data})) == [
        _row("Robot, tell me a joke!", "request"),
        _row("your salary", "request"),
    ]


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.name)
def test_sources_pass_check(source: object) -> None:
    check_source(source)  # type: ignore[arg-type]
    assert source.licence  # type: ignore[attr-defined]


def test_source_names_unique_and_benign_only() -> None:
    names = [s.name for s in SOURCES]
    assert len(names) == len(set(names))
    assert all(set(s.labels.values()) == {"benign"} for s in SOURCES)
    assert all(s.max_rows is None or s.max_rows <= 8000 for s in SOURCES)
