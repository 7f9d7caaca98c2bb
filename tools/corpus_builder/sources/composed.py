"""Composed indirect injections: attack instructions of one source placed inside documents of another.

BIPIA builds its indirect-injection benchmark this way; we do it for every instruction-like attack
source, in the carriers an agent reads (e-mail, web page, tool result JSON, CSV export, code
comment, agent memory, plain document), at the start, middle or end. Each composed row keeps the
attack's category and its source's *family*, so leave-one-family-out holds a composed row out
together with the attack inside it. Choices (carrier, wrapper, position) come from a hash of the
attack text: the same rows on every build. The carrier documents stay benign rows of their own
source, which is what makes the pair hard: the same document with and without the instruction.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence

from corpus_builder._spec import RawRow, Source

__all__ = ["composed"]

ATTACK_CATEGORIES = ("goal_hijacking", "information_leakage", "infrastructure")
MIN_ATTACK, MAX_ATTACK = 20, 600
MIN_CARRIER, MAX_CARRIER = 200, 3000

_SENDERS = ("j.moreau", "support", "a.tanaka", "billing", "k.osei", "noreply", "m.ferreira")
_TOOLS = ("web_search", "crm_lookup", "read_file", "get_ticket", "fetch_url", "calendar.list")


def _h(*parts: str) -> int:
    return int.from_bytes(hashlib.sha256("\x1f".join(parts).encode()).digest()[:8], "big")


def _split(carrier: str, where: int) -> tuple[str, str]:
    """The carrier cut at the start (0), at a sentence near the middle (1) or at the end (2)."""
    if where == 0:
        return "", carrier
    if where == 2:
        return carrier, ""
    mid = len(carrier) // 2
    cut = carrier.find(". ", mid)
    cut = mid if cut < 0 else cut + 1
    return carrier[:cut], carrier[cut:]


def _email(a: str, b: str, attack: str, k: int) -> str:
    sender = _SENDERS[k % len(_SENDERS)]
    body = "\n\n".join(x.strip() for x in (a, attack, b) if x.strip())
    return f"From: {sender}@example.com\nSubject: Re: follow-up\n\n{body}\n\nBest regards"


def _html(a: str, b: str, attack: str, k: int) -> str:
    hidden = f"<!-- {attack} -->" if k % 2 else f'<div style="display:none">{attack}</div>'
    return f"<html><body><p>{a.strip()}</p>{hidden}<p>{b.strip()}</p></body></html>"


def _tool(a: str, b: str, attack: str, k: int) -> str:
    text = " ".join(x.strip() for x in (a, attack, b) if x.strip())
    return json.dumps(
        {"tool": _TOOLS[k % len(_TOOLS)], "status": "ok", "result": {"text": text}},
        ensure_ascii=False,
    )


def _csv(a: str, b: str, attack: str, k: int) -> str:
    def cell(x: str) -> str:
        return '"' + x.strip().replace('"', '""') + '"'

    rows = [f"{k % 900 + 100},note,{cell(x)}" for x in (a, attack, b) if x.strip()]
    return "id,type,text\n" + "\n".join(rows)


def _code(a: str, b: str, attack: str, k: int) -> str:
    doc = "\n".join(f"# {line}" for line in a.strip().splitlines() if line.strip())
    note = "\n".join(f"# {line}" for line in attack.splitlines() if line.strip())
    return f"{doc}\n\ndef summarize(records):\n    {note.replace(chr(10), chr(10) + '    ')}\n    return [r.strip() for r in records]\n\n# {b.strip()[:300]}"


def _memory(a: str, b: str, attack: str, k: int) -> str:
    notes = [x.strip() for x in (a[:400], attack, b[:400]) if x.strip()]
    return "Saved notes from earlier sessions:\n" + "\n".join(f"- {x}" for x in notes)


def _plain(a: str, b: str, attack: str, k: int) -> str:
    return "\n\n".join(x.strip() for x in (a, attack, b) if x.strip())


WRAPPERS: dict[str, Callable[[str, str, str, int], str]] = {
    "email": _email,
    "web page": _html,
    "tool result": _tool,
    "csv export": _csv,
    "code comment": _code,
    "agent memory": _memory,
    "document": _plain,
}


def compose_rows(
    attacks: Sequence[RawRow], carriers: Sequence[RawRow], *, salt: str, copies: int = 1
) -> Iterator[RawRow]:
    """``copies`` composed rows per instruction-like attack, each in another wrapper and carrier.

    Choices are deterministic: a hash of the attack text picks carrier, wrapper and position.
    """
    docs = [
        c for c in carriers if c.label == "benign" and MIN_CARRIER <= len(c.text) <= MAX_CARRIER
    ]
    if not docs:
        return
    by_lang: dict[str | None, list[RawRow]] = {}
    for doc in docs:
        by_lang.setdefault(doc.lang, []).append(doc)
    kinds = list(WRAPPERS)
    for row in attacks:
        text = row.text.strip()
        if row.label != "attack" or row.category not in ATTACK_CATEGORIES:
            continue
        if not MIN_ATTACK <= len(text) <= MAX_ATTACK:
            continue
        base = _h(salt, text)
        pool = by_lang.get(row.lang, docs) if row.lang else docs  # same language when we can
        for copy in range(copies):
            k = _h(salt, text, str(copy))
            carrier = pool[k % len(pool)]
            kind = kinds[(base + copy) % len(kinds)]  # a different wrapper for each copy
            a, b = _split(carrier.text, (k >> 16) % 3)
            yield RawRow(
                text=WRAPPERS[kind](a, b, text, k >> 24),
                label="attack",
                category=row.category,
                lang=row.lang if row.lang and row.lang == carrier.lang else None,
                kind=f"composed: {kind}",
            )


def composed(
    attack: Source, carriers: Sequence[Source], *, copies: int = 2, max_rows: int | None = None
) -> Source:
    """A source of ``attack``'s instructions inside ``carriers``' documents (``attack``'s family)."""
    files = {a.path: a for s in (attack, *carriers) for a in s.files}

    def extract(data: Mapping[str, bytes]) -> Iterator[RawRow]:
        def part(s: Source) -> list[RawRow]:
            return list(s.extract({a.path: data[a.path] for a in s.files}))

        docs = [r for s in carriers for r in part(s)]
        yield from compose_rows(part(attack), docs, salt=attack.name, copies=copies)

    names = ", ".join(s.name for s in carriers)
    licences = {attack.licence, *(s.licence for s in carriers)}
    return Source(
        name=f"composed-{attack.name}",
        family=attack.family,
        licence=attack.licence if len(licences) == 1 else _strictest(licences),
        url=attack.url,
        files=tuple(files.values()),
        extract=extract,
        labels={f"{attack.name} attack inside a {names} document": "the attack's category"},
        note=(
            f"composed: each instruction-like attack of {attack.name} (20-600 chars; goal "
            f"hijacking, leakage, infrastructure), {copies} times in different wrappers and "
            f"documents, inserted at the start, middle or end of a "
            f"document of {names} in an e-mail, web page, tool result, CSV, code comment, agent "
            f"memory or plain wrapper; choices by hash; licences {', '.join(sorted(licences))}"
        ),
        max_rows=max_rows,
    )


_ORDER = ("CC-BY-SA-4.0", "CC-BY-SA-3.0", "CC-BY-4.0", "CC-BY-3.0", "ODC-BY-1.0", "Apache-2.0")


def _strictest(licences: set[str]) -> str:
    """The licence whose terms the composed text carries (share-alike first, then attribution)."""
    for name in _ORDER:
        if name in licences:
            return name
    return sorted(licences)[0]


COMPOSED_ATTACKS = (
    "cyberseceval-prompt-injection",
    "cyberseceval-prompt-injection-multilingual",
    "prompt-extraction-attacks",
    "arcanum-pi-taxonomy",
    "pallms-payloads",
    "moonshot-cyberseceval-injection-translated",
    "prompt-injection-everywhere",
    "bipia-attacks",
    "xsafety-goal-hijacking",
    "patt-prompt-injection",
    "agentic-redteam-payloads",
    "redharness-leakage-probes",
)
"""Attack sources whose rows are instructions that can sit inside a document."""

CARRIERS = (
    "llmail-benign-emails",
    "bipia-contexts-benign",
    "xquad-contexts",
    "taskmaster4-tool-results",
    "twitter-customer-care-conversations",
    "sgd-conversations",
)
"""Benign sources whose documents carry the composed instructions."""


def composed_sources(known: Sequence[Source]) -> list[Source]:
    """The composed sources built from ``known`` (the other modules' sources, in build order)."""
    by_name = {s.name: s for s in known}
    carriers = [by_name[n] for n in CARRIERS if n in by_name]
    return [composed(by_name[n], carriers) for n in COMPOSED_ATTACKS if n in by_name]
