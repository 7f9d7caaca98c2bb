"""The fast PII recognizers: presidio's patterns, validators and context words, run efficiently.

presidio's ``AnalyzerEngine`` runs every recognizer's regexes over the whole text, tokenizes with an
NLP engine and then enhances scores with context words. Most prompts hold no PII at all, so here
each entity has a cheap prefilter (no ``@``: no e-mail; fewer than 13 digits: no card), the patterns
are compiled once, and context words are checked in the few words before a match with a tiny
tokenizer. Checksums (Luhn, IBAN mod 97, base58/bech32, SSN area rules) follow presidio's
recognizers; the stock recall gaps (Mastercard 2-series, Amex/Diners groupings, dates in words,
URLs inside e-mail addresses) are closed.

Everything here is immutable after construction and thread-safe.
"""

from __future__ import annotations

import bisect
import functools
import ipaddress
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from hashlib import sha256
from typing import Final

import regex

from genai_guard._ruleset import Rule, RuleSet, lower_same_length
from genai_guard.pii._entity import Entity
from genai_guard.pii._names import NAME_ENTITIES, NameRecognizer
from genai_guard.pii._national_ids import NATIONAL_ID_ENTITIES, NATIONAL_IDS, NationalId

__all__ = [
    "DEFAULT_ENTITIES",
    "GENERIC_ENTITIES",
    "OUTPUT_ENTITIES",
    "RECOGNIZED_ENTITIES",
    "Entity",
    "FastRecognizers",
]

MAX_SCORE: Final = 1.0
CONTEXT_BOOST: Final = 0.35  # presidio's LemmaContextAwareEnhancer defaults
CONTEXT_MIN: Final = 0.4
CONTEXT_WINDOW: Final = 5  # words before the match

GENERIC_ENTITIES: Final = (
    "CREDIT_CARD",
    "CRYPTO",
    "DATE_TIME",
    "EMAIL_ADDRESS",
    "IBAN_CODE",
    "IP_ADDRESS",
    "PHONE_NUMBER",
    "URL",
    "US_SSN",
)
"""The pattern entity types that are not national identifiers (the PII benchmark scores these)."""

# What identifies a person is masked by default; public URLs, dates and times are left alone
# (the model needs them and they identify nobody). docs/pii.md has the table and the reasons.
DEFAULT_ENTITIES: Final = (
    "CREDIT_CARD",
    "CRYPTO",
    "EMAIL_ADDRESS",
    "IBAN_CODE",
    "IP_ADDRESS",
    "PHONE_NUMBER",
    "US_SSN",
    "PERSON",
    "ADDRESS",
    *NATIONAL_ID_ENTITIES,
)
"""Entity types ``PIIMasker`` and ``PIIDetector`` use unless told otherwise."""

# On output an IP address is usually a documentation or resolver address, not the user's, and
# a name is mostly a public figure or a pseudonym the answer restores: the default policy flags
# the rest only.
OUTPUT_ENTITIES: Final = tuple(e for e in DEFAULT_ENTITIES if e not in {"IP_ADDRESS", "PERSON"})
"""Entity types the default policy flags in answers."""

RECOGNIZED_ENTITIES: Final = frozenset((*GENERIC_ENTITIES, *NATIONAL_ID_ENTITIES)) | NAME_ENTITIES

# Context words: presidio's lists, with a few additions where its lists miss common phrasing.
CONTEXT: Final[dict[str, tuple[str, ...]]] = {
    "CREDIT_CARD": (
        "credit",
        "card",
        "visa",
        "mastercard",
        "amex",
        "discover",
        "jcb",
        "diners",
        "maestro",
        "cc",
    ),
    "CRYPTO": ("wallet", "btc", "bitcoin", "crypto"),
    "DATE_TIME": ("date", "birthday", "born", "dob", "birth"),
    "EMAIL_ADDRESS": ("email", "e-mail", "mail"),
    "IBAN_CODE": ("iban", "bank", "transaction"),
    "IP_ADDRESS": ("ip", "ipv4", "ipv6", "address", "host", "server"),
    "PHONE_NUMBER": ("phone", "number", "telephone", "cell", "cellphone", "mobile", "call", "tel"),
    "URL": ("url", "website", "link"),
    "US_SSN": ("social", "security", "ssn", "ssns", "ssid"),
    **{n.entity: n.context for n in NATIONAL_IDS},
}


# -- validators ---------------------------------------------------------------------------------


def luhn_ok(digits: str) -> bool:
    """Luhn checksum of a digit string."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def card_brand(digits: str) -> str | None:
    """The card network of a digit string by prefix and length, or None."""
    n = len(digits)
    p2 = int(digits[:2])
    p4 = int(digits[:4])
    if digits[0] == "4" and n in (13, 16, 19):
        return "visa"
    if (51 <= p2 <= 55 or 2221 <= p4 <= 2720) and n == 16:
        return "mastercard"
    if p2 in (34, 37) and n == 15:
        return "amex"
    if (digits.startswith("6011") or p2 == 65 or 644 <= int(digits[:3]) <= 649) and n in (16, 19):
        return "discover"
    if 3500 <= p4 <= 3599 and 15 <= n <= 19:
        return "jcb"
    if (300 <= int(digits[:3]) <= 305 or p2 in (36, 38, 39)) and 14 <= n <= 19:
        return "diners"
    if p2 == 62 and 16 <= n <= 19:
        return "unionpay"
    if (p2 == 50 or 56 <= p2 <= 69 or digits[:4] in ("0604", "6390")) and 12 <= n <= 19:
        return "maestro"
    return None


def iban_ok(compact: str) -> bool:
    """ISO 13616 mod-97 check of an IBAN without spaces."""
    if not 15 <= len(compact) <= 34:
        return False
    moved = compact[4:] + compact[:4]
    try:
        number = int("".join(str(int(c, 36)) for c in moved))
    except ValueError:
        return False
    return number % 97 == 1


_B58: Final = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH32: Final = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def base58check_ok(text: str) -> bool:
    """Base58Check checksum (legacy and P2SH bitcoin addresses)."""
    n = 0
    for ch in text:
        idx = _B58.find(ch)
        if idx < 0:
            return False
        n = n * 58 + idx
    pad = len(text) - len(text.lstrip("1"))
    raw = b"\0" * pad + n.to_bytes((n.bit_length() + 7) // 8, "big")
    if len(raw) < 5:
        return False
    return sha256(sha256(raw[:-4]).digest()).digest()[:4] == raw[-4:]


def bech32_ok(text: str) -> bool:
    """Bech32 / Bech32m checksum of a segwit address."""
    if text.lower() != text and text.upper() != text:
        return False
    s = text.lower()
    pos = s.rfind("1")
    if pos < 1 or pos + 7 > len(s) or len(s) > 90:
        return False
    data = [_BECH32.find(c) for c in s[pos + 1 :]]
    if min(data) < 0:
        return False
    hrp = s[:pos]
    values = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp] + data
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk in (1, 0x2BC830A3)


def ssn_invalid(text: str) -> bool:
    """Presidio's US SSN invalidation rules (mixed delimiters, zero groups, unissued areas)."""
    delims = {c for c in text if c in ".- "}
    if len(delims) > 1:
        return True
    digits = "".join(c for c in text if c.isdigit())
    if len(set(digits)) == 1 or digits[3:5] == "00" or digits[5:] == "0000":
        return True
    if digits[:3] in ("000", "666") or digits[0] == "9":
        return True
    return digits in ("123456789", "987654320", "078051120")


# -- the table of recognizers -------------------------------------------------------------------

_MONTHS: Final = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DAY: Final = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
_YEAR: Final = r"(?:1[89]\d\d|2[01]\d\d)"

# Top-level domains that are also common file extensions: a bare "setup.py" or "notes.md" is not a
# URL unless it has a scheme, a "www." or a path.
_FILE_TLDS: Final = frozenset(
    (
        "py",
        "sh",
        "md",
        "rs",
        "pl",
        "cc",
        "cs",
        "js",
        "ts",
        "go",
        "rb",
        "so",
        "ps",
        "mk",
        "zip",
        "mov",
        "csv",
    )
)


@functools.cache  # read-only package data, the same for every engine in the process
def _load_tlds() -> frozenset[str]:
    # presidio's URL recognizer carries a list of top-level domains inside its pattern. Read it from
    # the installed package's source file instead of importing presidio (which takes seconds).
    from importlib.metadata import PackageNotFoundError, files  # noqa: PLC0415

    try:
        for f in files("presidio-analyzer") or ():
            if f.name == "url_recognizer.py":
                source = f.read_text(encoding="utf-8")
                return frozenset(regex.findall(r"\(\?:([a-z]+)\)", source))
    except (PackageNotFoundError, OSError):
        pass
    return frozenset(("com", "org", "net", "edu", "gov", "io", "co", "uk", "de", "fr", "info"))


@functools.cache  # the same read-only package data for every engine in the process
def _load_email_tlds(tlds: frozenset[str]) -> frozenset[str]:
    # The public-suffix snapshot bundled with tldextract, read as a file (offline, never fetched,
    # and without importing tldextract, which pulls in requests): its public section's last labels.
    from importlib.metadata import PackageNotFoundError, files  # noqa: PLC0415

    try:
        for f in files("tldextract") or ():
            if f.name == ".tld_set_snapshot":
                public = f.read_text(encoding="utf-8").split("===BEGIN PRIVATE DOMAINS===")[0]
                return tlds | frozenset(
                    line.strip().rsplit(".", 1)[-1].lower()
                    for line in public.splitlines()
                    if line.strip() and not line.startswith("//")
                )
    except (PackageNotFoundError, OSError):
        pass
    return tlds  # fall back to presidio's list; never fetch


@dataclass(frozen=True, slots=True)
class _Rule:
    entity: str
    score: float
    check: Callable[[str], float | None]  # matched text -> new score, or None to drop


# Keywords of the RuleSet step: literals every match of a rule contains.
_DIGITS: Final = tuple("0123456789")
_DIGIT_REACH: Final = 96  # the longest digit-keyed match (a bech32 address) is 90 characters
_MONTH_STEMS: Final = (
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
)  # fmt: skip


class FastRecognizers:
    """Compiled recognizers for a set of entity types.

    Args:
        entities: Entity types to recognize (a subset of ``RECOGNIZED_ENTITIES``).
        phone_regions: Regions for ``phonenumbers`` (the phone recognizer's main cost).
        context_words: Extra context words per entity, added to the defaults.

    Thread-safe: immutable after construction.
    """

    __slots__ = (
        "_context",
        "_email_tlds",
        "_hidden",
        "_names",
        "_phone_regions",
        "_rules",
        "_table",
        "_tlds",
        "entities",
    )

    def __init__(
        self,
        *,
        entities: Iterable[str] = DEFAULT_ENTITIES,
        phone_regions: Iterable[str] = ("US", "GB", "DE", "FR", "IN", "CA", "BR", "AU"),
        context_words: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        ents = tuple(dict.fromkeys(entities))
        unknown = [e for e in ents if e not in RECOGNIZED_ENTITIES]
        if unknown:
            raise ValueError(
                f"unknown entity types {unknown}; known: {sorted(RECOGNIZED_ENTITIES)}"
            )
        self.entities = frozenset(ents)
        # URLs, dates and IP addresses are matched even when not reported, so that a phone
        # candidate stops where one begins ("2024-01-15 10" is a date and an hour, not a phone).
        self._hidden = (
            frozenset({"URL", "DATE_TIME", "IP_ADDRESS"}) - self.entities
            if "PHONE_NUMBER" in self.entities
            else frozenset()
        )
        self._phone_regions = tuple(r.upper() for r in phone_regions)
        ctx = {k: set(v) for k, v in CONTEXT.items()}
        for k, words in (context_words or {}).items():
            ctx.setdefault(k, set()).update(w.lower() for w in words)
        self._context = {k: frozenset(v) for k, v in ctx.items()}
        needs_tlds = bool({"URL", "EMAIL_ADDRESS"} & (self.entities | self._hidden))
        self._tlds = _load_tlds() if needs_tlds else frozenset()
        self._email_tlds = _load_email_tlds(self._tlds) if needs_tlds else frozenset()
        import importlib.util  # noqa: PLC0415

        # phonenumbers loads on the first phone candidate (about 0.07 s); a missing library
        # still fails here, not per call.
        if "PHONE_NUMBER" in self.entities and importlib.util.find_spec("phonenumbers") is None:
            raise ValueError("phone numbers need the phonenumbers package (pip install it)")
        # Checksums load on the first candidate; a missing library fails here, not per call.
        if (
            self.entities & frozenset(NATIONAL_ID_ENTITIES)
            and importlib.util.find_spec("stdnum") is None
        ):
            raise ValueError("national identifiers need python-stdnum (pip install it)")
        self._rules, self._table = self._compile()
        names = self.entities & NAME_ENTITIES
        self._names = NameRecognizer(entities=names) if names else None

    def _compile(self) -> tuple[RuleSet, tuple[_Rule | None, ...]]:
        f = regex.IGNORECASE | regex.V0
        rules: list[Rule] = []
        table: list[_Rule | None] = []

        def add(  # noqa: PLR0917 - a local table builder, read in one place
            entity: str,
            pat: str,
            score: float,
            check: Callable[[str], float | None],
            keywords: tuple[str, ...],
            reach: int,
            flags: int = f,
        ) -> None:
            if entity in self.entities or entity in self._hidden:
                rules.append(Rule(entity, pat, keywords, reach, flags))
                table.append(_Rule(entity, score, check))

        def keep(_t: str) -> float | None:
            return -1.0  # keep the pattern's score

        # Bounded repetitions throughout, so a match lies within ``reach`` of its keyword. The
        # rules keyed on digits share one reach, so the RuleSet finds their regions once.
        # Parentheses are URL characters (``/wiki/Python_(language)``); ``_balanced`` cuts a
        # match at its first unbalanced ``)``, so "(see https://x.org/a)" keeps its bracket.
        url_end = r"[^\s<>\"'\[\]{}`]{0,2047}[^\s<>\"'\[\]{}`.,;:!?(]"
        label = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
        local = r"[\w!#$%&'*+/=?^`{|}~-]"
        add(
            "EMAIL_ADDRESS",
            # The local part starts where its characters start (the lookbehind excludes them
            # all), so a run of them before an "@" is tried once, not from every position.
            rf"(?<![\w.!#$%&'*+/=?^`{{|}}~-]){local}{{1,64}}(?:\.{local}{{1,64}}){{0,8}}"
            r"@[\w](?:[\w-]{0,61}[\w])?(?:\.[\w](?:[\w-]{0,61}[\w])?){1,8}(?![\w-])",
            0.5,
            self._email_check,
            ("@",),
            600,
        )
        add("URL", rf"\bhttps?://{url_end}", 0.6, self._url_check, ("://",), 2100)
        add(
            "URL",
            rf"(?<![\w@.-])(?:www\d{{0,3}}\.)?{label}(?:\.{label}){{1,8}}"
            rf"(?:/(?:{url_end})?)?(?![\w@-])",
            0.5,
            self._bare_url_check,
            (".",),
            2700,
        )
        add(
            "CREDIT_CARD",
            _CARD,
            0.3,
            _card_check,
            _DIGITS,
            _DIGIT_REACH,
        )
        add(
            "IBAN_CODE",
            _IBAN,
            0.5,
            _iban_check,
            _DIGITS,
            _DIGIT_REACH,
            regex.V0,
        )
        add(
            "US_SSN",
            r"(?<![\d-])\d{3}([- .])\d{2}\1\d{4}(?![\d-])",
            0.5,
            _ssn_check,
            _DIGITS,
            _DIGIT_REACH,
        )
        add("US_SSN", r"(?<![\d-])\d{9}(?![\d-])", 0.05, _ssn_check, _DIGITS, _DIGIT_REACH)
        add(
            "IP_ADDRESS",
            r"(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)"
            r"(?:/(?:3[0-2]|[12]?\d))?(?!\w|\.\d)",
            0.6,
            _ip_check,
            (".",),
            24,
        )
        add(
            "IP_ADDRESS",
            r"(?<![\w:.])(?:[0-9a-f]{0,4}:){2,7}(?:[0-9a-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?"
            r"(?:/\d{1,3})?(?![\w:]|\.\d)",
            0.6,
            _ip6_check,
            (":",),
            60,
        )
        add(
            "CRYPTO",
            r"(?<!\w)(?:bc1[a-z0-9]{25,87}|[13][a-km-zA-HJ-NP-Z1-9]{25,34})(?!\w)",
            0.5,
            _crypto_check,
            _DIGITS,
            _DIGIT_REACH,
        )
        add("CRYPTO", r"(?<!\w)0x[0-9a-f]{40}(?!\w)", 0.4, keep, ("0x",), _DIGIT_REACH)
        # Dates: presidio's numeric forms plus dates written in words.
        add(
            "DATE_TIME",
            r"\b\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T[0-2]\d:[0-5]\d"
            r"(?::[0-5]\d(?:\.\d{1,9})?)?(?:[+-][0-2]\d:[0-5]\d|Z)?\b",
            0.8,
            keep,
            (":",),  # every ISO date-time has its hour and minute
            _DIGIT_REACH,
        )
        day = r"(?:0?[1-9]|[12]\d|3[01])"
        mon = r"(?:0?[1-9]|1[0-2])"
        # Numeric dates, keyed on their separators (fewer rules on digit-dense text).
        for pat, check, seps in (
            (
                rf"(?<![\d/.-]){day}/{day}/(?:\d{{4}}|\d{{2}})(?![\d/-]|\.\d)",
                _numeric_date_check,
                ("/",),
            ),
            (rf"(?<![\d/.-])\d{{4}}([/-]){mon}\1{day}(?![\d/-]|\.\d|T\d)", keep, ("/", "-")),
            (rf"(?<![\d/.-]){day}-{day}-\d{{4}}(?![\d/-]|\.\d)", keep, ("-",)),
            (rf"(?<![\w/.-]){day}\.{mon}\.\d{{4}}(?![\d/-]|\.\d)", keep, (".",)),
        ):
            add("DATE_TIME", pat, 0.6, check, seps, 16)
        for pat, sc in (
            (
                rf"\b{_DAY}(?:[^\S\n]{{1,9}}of)?(?:[^\S\n]|-){{1,9}}{_MONTHS}\.?,?(?:[^\S\n]|-){{1,9}}"
                rf"(?:{_YEAR}|'\d\d)\b",
                0.6,
            ),
            (rf"\b{_MONTHS}\.?[^\S\n]{{1,9}}{_DAY},?[^\S\n]{{1,9}}{_YEAR}\b", 0.6),
            (rf"\b{_MONTHS}\.?[^\S\n]{{1,9}}{_DAY}\b(?![^\S\n]{{0,9}}(?:,[^\S\n]{{0,9}})?\d)", 0.3),
            (rf"\b{_MONTHS}\.?,?[^\S\n]{{1,9}}{_YEAR}\b", 0.3),
        ):
            add("DATE_TIME", pat, sc, keep, _MONTH_STEMS, 48)
        for spec in NATIONAL_IDS:
            for pat, score in spec.patterns:
                add(
                    spec.entity,
                    pat,
                    score,
                    _id_check(spec),
                    _DIGITS,
                    _DIGIT_REACH,
                    regex.V0,
                )
        if "PHONE_NUMBER" in self.entities:
            # Phone candidates come from the same pass; ``phonenumbers`` validates them.
            rules.append(Rule("PHONE_NUMBER", _PHONE_CANDIDATE, _DIGITS, _DIGIT_REACH))
            table.append(None)
        return RuleSet(rules), tuple(table)

    # -- checks that need instance data ---------------------------------------------------------

    def _email_check(self, text: str) -> float | None:
        tld = text.rsplit(".", 1)[-1].lower()
        return MAX_SCORE if tld in self._email_tlds else None

    def _url_check(self, text: str) -> float | None:
        return -1.0 if len(text) > len("https://x.y") else None

    def _bare_url_check(self, text: str) -> float | None:
        host, _, path = text.partition("/")
        labels = host.lower().split(".")
        tld = labels[-1]
        if tld not in self._email_tlds or tld.isdigit() or any(lab.isdigit() for lab in labels):
            return None
        if host.lower().startswith("www") or path:
            return -1.0
        if tld in _FILE_TLDS or len(labels) < 2:
            return None
        return -1.0

    # -- analysis -------------------------------------------------------------------------------

    def analyze(self, text: str, *, threshold: float = 0.0) -> list[Entity]:
        """Entities in ``text`` at or above ``threshold``, non-overlapping, in text order."""
        found: list[Entity] = []
        hidden: list[Entity] = []  # matched to bound phone candidates, not reported
        phones: list[regex.Match[str]] = []
        lower = lower_same_length(text)
        table = self._table
        for i, m in self._rules.matches(text, low=lower):
            rule = table[i]
            if rule is None:
                phones.append(m)
                continue
            entity = rule.entity
            s, e = m.span()
            if entity == "EMAIL_ADDRESS" and _in_credential_url(text, s):
                continue  # user:password@host in a connection string is a secret
            matched = m.group()
            if entity == "URL":
                cut = _balanced(matched)
                if cut < len(matched):
                    matched = matched[:cut]
                    e = s + cut
            verdict = rule.check(matched)
            if verdict is None and entity in _TRIMMED:
                # A greedy match may have swallowed a neighbouring number: retry the shorter
                # prefixes that end at a group boundary, then the match starting at each later
                # group of three or more characters (a number may start inside).
                found.extend(self._retry(text, lower, s, matched, i, threshold))
                continue
            if verdict is None:
                continue
            score = rule.score if verdict < 0 else verdict
            if score < MAX_SCORE and self._has_context(lower, s, entity):
                score = max(min(MAX_SCORE, score + CONTEXT_BOOST), CONTEXT_MIN)
            if score >= threshold:
                (hidden if entity in self._hidden else found).append(Entity(s, e, entity, score))
        if phones:
            found.extend(self._phones(text, lower, phones, found + hidden, threshold))
        if self._names is not None:
            found.extend(self._names.analyze(text, threshold=threshold))
        return resolve_overlaps(found)

    def _retry(  # noqa: PLR0917 - private helper of analyze
        self, text: str, lower: str, s: int, matched: str, i: int, threshold: float
    ) -> list[Entity]:
        """Numbers inside a greedy match that failed its check, one after another.

        At each group of three or more characters (from the start, then after each number
        found) the pattern is matched again and, if that fails its check too, its prefixes
        ending at group boundaries are tried: how two numbers written side by side separate.
        """
        rule = self._table[i]
        if rule is None:
            return []
        out: list[Entity] = []
        cursor = 0
        for g in _GROUP_START.finditer(matched):
            at = g.start()
            if at < cursor:
                continue
            hit = _RESUME[rule.entity].match(text, s + at, min(len(text), s + at + 72))
            if hit is None:
                continue
            piece = hit.group()
            verdict = rule.check(piece)
            cut = (len(piece), verdict) if verdict is not None else _trim(piece, rule.check)
            if cut is None:
                continue
            score = rule.score if cut[1] < 0 else cut[1]
            start = s + at
            if score < MAX_SCORE and self._has_context(lower, start, rule.entity):
                score = max(min(MAX_SCORE, score + CONTEXT_BOOST), CONTEXT_MIN)
            if score >= threshold:
                out.append(Entity(start, start + cut[0], rule.entity, score))
            cursor = at + cut[0]
        return out

    def _has_context(self, lower: str, start: int, entity: str) -> bool:
        words = self._context.get(entity)
        if not words:
            return False
        window = _words_before(lower, start, CONTEXT_WINDOW)
        return any(w in words for w in window)

    def _phones(
        self,
        text: str,
        lower: str,
        candidates: list[regex.Match[str]],
        taken: list[Entity],
        threshold: float,
    ) -> list[Entity]:
        # A candidate is cut back where an entity already found begins (and dropped if it
        # starts inside one), so a phone candidate never runs into another entity.
        occupied = resolve_overlaps(list(taken))
        starts = [t.start for t in occupied]
        out: list[Entity] = []
        for m in candidates:
            s, e = m.span()
            at = bisect.bisect_right(starts, s)
            if at and occupied[at - 1].end > s:
                continue
            if at < len(occupied) and occupied[at].start < e:
                e = occupied[at].start
            cand = text[s:e].rstrip(" ().-")
            if len(cand) < 7 or _DATE_SHAPE.fullmatch(cand) or not _phone_shaped(cand):
                continue
            context = self._has_context(lower, s, "PHONE_NUMBER")
            # Try the whole candidate, then shorter ones ending at a space (a phone number
            # followed by another number): at most _PHONE_ENDS lengths per candidate.
            ends = [len(cand)] + [i for i in range(len(cand) - 1, 6, -1) if cand[i] == " "]
            for end in ends[:_PHONE_ENDS]:
                number = cand[:end].rstrip(" ()-.")
                if self._valid_phone(number, context):
                    score = (
                        max(min(MAX_SCORE, 0.4 + CONTEXT_BOOST), CONTEXT_MIN) if context else 0.4
                    )
                    if score >= threshold:
                        out.append(Entity(s, s + len(number), "PHONE_NUMBER", score))
                    break
        return out

    def _valid_phone(self, cand: str, context: bool) -> bool:
        import phonenumbers  # noqa: PLC0415 - found at construction, loaded on first use

        digits = sum(c.isdigit() for c in cand)
        # Seven-digit local numbers only with a context word; year ranges are not phones.
        if digits < (7 if context else 8) or digits > 15 or _YEAR_RANGE.fullmatch(cand):
            return False
        international = cand[0] == "+" or cand.startswith("00")
        # A bare run of digits without formatting or a context word is an id, not a phone.
        if not (international or context or not cand.isdigit()):
            return False
        regions: tuple[str | None, ...] = (None,) if cand[0] == "+" else self._phone_regions
        for region in regions:
            try:
                num = phonenumbers.parse(cand, region)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(num):
                return True
        return False


_PHONE_CANDIDATE: Final = r"(?<![\w+/.-])(?:\+|00)?\(?\d[\d ().\-]{5,22}\d(?![\w/-])"
_PHONE_ENDS: Final = 4  # candidate lengths tried per phone candidate, at most
_GROUPS: Final = regex.compile(r"\d+")


def _phone_shaped(cand: str) -> bool:
    """Digit groups a written phone number can have: at most six, at most two of one digit.

    ``1 1 1 1 1 1 1 1`` is no phone number however ``phonenumbers`` may read it; the shape
    test keeps the costly parse for candidates that look like one.
    """
    groups = _GROUPS.findall(cand)
    return len(groups) <= 6 and sum(len(g) == 1 for g in groups) <= 2


_YEAR_RANGE: Final = regex.compile(r"\(?(?:1[89]|20)\d\d\s*[-/]\s*(?:1[89]|20)\d\d\)?")
_DATE_SHAPE: Final = regex.compile(r"\d{1,4}([./-])\d{1,2}\1\d{1,4}")
_WORD: Final = regex.compile(r"[a-z][a-z-]*")


def _words_before(lower: str, start: int, n: int) -> list[str]:
    # A tiny tokenizer: the last n alphabetic words before ``start`` on its line (within 80
    # characters). Line-local like every match, so a streamed answer scores like a whole one.
    lo = max(0, start - 80)
    lo = max(lo, lower.rfind("\n", lo, start) + 1)
    return _WORD.findall(lower, lo, start)[-n:]


def _in_credential_url(text: str, start: int) -> bool:
    head = text[max(0, start - 120) : start]
    cut = max(head.rfind(" "), head.rfind("\n"), head.rfind("\t"))
    return "://" in head[cut + 1 :]


_TRIMMED: Final = frozenset({"CREDIT_CARD", "IBAN_CODE"})
_CARD: Final = r"(?<![\d-])\d(?:[ -]?\d){11,18}(?!\d)"
_IBAN: Final = r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b"
# The two patterns again, to match at a later group of a number that failed its check.
_RESUME: Final = {
    "CREDIT_CARD": regex.compile(_CARD, regex.IGNORECASE | regex.V0),
    "IBAN_CODE": regex.compile(_IBAN, regex.V0),
}
_GROUP_START: Final = regex.compile(r"(?<![^ -])[0-9A-Za-z]{3}")


def _trim(matched: str, check: Callable[[str], float | None]) -> tuple[int, float] | None:
    ends = [i for i in range(len(matched) - 1, 11, -1) if matched[i] in " -"]
    for end in ends:
        verdict = check(matched[:end])
        if verdict is not None:
            return end, verdict
    return None


def _balanced(url: str) -> int:
    """Length of ``url`` up to its first unbalanced ``)``, without trailing punctuation."""
    depth = 0
    end = len(url)
    for i, c in enumerate(url):
        if c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                end = i
                break
            depth -= 1
    while end and url[end - 1] in ".,;:!?":
        end -= 1
    return end


def _id_check(spec: NationalId) -> Callable[[str], float | None]:
    def check(text: str) -> float | None:
        return -1.0 if spec.check(text) else None

    return check


def _ssn_check(text: str) -> float | None:
    return None if ssn_invalid(text) else -1.0


def _card_check(text: str) -> float | None:
    # The pattern admits only digits, spaces and dashes; one kind of separator at most.
    if " " in text and "-" in text:
        return None
    digits = text.replace(" ", "").replace("-", "")
    if not 12 <= len(digits) <= 19 or len(set(digits)) == 1:
        return None
    if card_brand(digits) is None or not luhn_ok(digits):
        return None
    return MAX_SCORE


def _iban_check(text: str) -> float | None:
    compact = text.replace(" ", "")
    return MAX_SCORE if iban_ok(compact) else None


def _ip_check(text: str) -> float | None:
    try:
        ipaddress.ip_interface(text)
    except ValueError:
        return None
    return -1.0


def _ip6_check(text: str) -> float | None:
    if text.count(":") < 2 or text.strip(":") == "" or len(text) < 6:
        return None
    if "::" not in text and text.count(":") < 7 and "." not in text:
        return None
    return _ip_check(text)


def _crypto_check(text: str) -> float | None:
    if text.lower().startswith("bc1"):
        return MAX_SCORE if bech32_ok(text) else None
    return MAX_SCORE if base58check_ok(text) else None


def _numeric_date_check(text: str) -> float | None:
    a, b, _ = text.split("/")
    # At least one of the first two parts must be a month.
    return -1.0 if int(a) <= 12 or int(b) <= 12 else None


def resolve_overlaps(entities: list[Entity]) -> list[Entity]:
    """Keep the best of overlapping entities (higher score, then longer), in text order.

    This also suppresses a URL found inside an e-mail address (the e-mail scores higher).
    """
    if len(entities) < 2:
        return entities
    ranked = sorted(entities, key=lambda x: (-x.score, -(x.end - x.start), x.start))
    starts: list[int] = []
    kept: list[Entity] = []  # sorted by start, non-overlapping
    for ent in ranked:
        i = bisect.bisect_left(starts, ent.start)
        if i > 0 and kept[i - 1].end > ent.start:
            continue
        if i < len(kept) and kept[i].start < ent.end:
            continue
        starts.insert(i, ent.start)
        kept.insert(i, ent)
    return kept
