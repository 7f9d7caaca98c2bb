"""A seeded generator of labelled chat prompts with PII in known positions.

Every prompt comes from a template whose slots are filled with generated values; the generator
records each PII value's span and entity type. Templates are split into a development part (used
while tuning the recognizers) and a test part (the only one reported). At least a fifth of the
prompts carry no PII at all but look like they might: order numbers, versions, timestamps,
prices, hashes and arithmetic.

Run as a script to print a few samples: ``python benchmarks/pii_corpus.py``.
"""

from __future__ import annotations

import hashlib
import random
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

Split = Literal["dev", "test"]

# -- value generators ---------------------------------------------------------------------------

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _b58check(payload: bytes) -> str:
    raw = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    n = int.from_bytes(raw, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = _B58[r] + out
    pad = len(raw) - len(raw.lstrip(b"\0"))
    return "1" * pad + out


def _bech32(hrp: str, witver: int, prog: bytes) -> str:
    acc, bits, data = 0, 0, [witver]
    for b in prog:
        acc = (acc << 8) | b
        bits += 8
        while bits >= 5:
            bits -= 5
            data.append((acc >> bits) & 31)
    if bits:
        data.append((acc << (5 - bits)) & 31)
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)

    def polymod(values: list[int]) -> int:
        chk = 1
        for v in values:
            top = chk >> 25
            chk = (chk & 0x1FFFFFF) << 5 ^ v
            for i in range(5):
                chk ^= gen[i] if (top >> i) & 1 else 0
        return chk

    exp = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    pm = polymod([*exp, *data, 0, 0, 0, 0, 0, 0]) ^ 1
    checksum = [(pm >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_BECH32[d] for d in data + checksum)


@dataclass
class _Values:
    rng: random.Random
    fakers: dict[str, object] = field(default_factory=dict)

    def faker(self, locale: str = "en_US") -> object:
        if locale not in self.fakers:
            from faker import Faker

            f = Faker(locale)
            f.seed_instance(self.rng.randrange(2**31))
            self.fakers[locale] = f
        return self.fakers[locale]

    # PII -------------------------------------------------------------------------------

    def email(self) -> str:
        f = self.faker()
        kind = self.rng.random()
        if kind < 0.4:
            return f.email()  # type: ignore[attr-defined]
        if kind < 0.7:
            return f.company_email()  # type: ignore[attr-defined]
        first = f.first_name().lower()  # type: ignore[attr-defined]
        last = f.last_name().lower()  # type: ignore[attr-defined]
        tag = self.rng.choice(["+news", "+work", "", "_" + str(self.rng.randint(1, 99))])
        dom = self.rng.choice(
            [
                "mail.example.co.uk",
                "corp.example.de",
                "uni.example.edu",
                "example.io",
                "post.example.fr",
            ]
        )
        return f"{first}.{last}{tag}@{dom}"

    def phone(self) -> str:
        import phonenumbers

        fmts = [
            ("en_US", "US"),
            ("en_GB", "GB"),
            ("de_DE", "DE"),
            ("fr_FR", "FR"),
            ("en_IN", "IN"),
            ("en_CA", "CA"),
            ("pt_BR", "BR"),
            ("en_AU", "AU"),
        ]
        for _ in range(200):
            locale, region = self.rng.choice(fmts)
            raw = self.faker(locale).phone_number()  # type: ignore[attr-defined]
            try:
                num = phonenumbers.parse(raw, region)
            except phonenumbers.NumberParseException:
                continue
            if not phonenumbers.is_valid_number(num):
                continue
            style = self.rng.random()
            if style < 0.45:
                return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
            if style < 0.9:
                return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.NATIONAL)
            return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
        raise RuntimeError("no valid phone number generated")

    def card(self) -> str:
        f = self.faker()
        brand = self.rng.choice(
            [
                "visa16",
                "visa13",
                "mastercard",
                "mastercard",
                "amex",
                "discover",
                "jcb16",
                "diners",
                "maestro",
                "visa19",
            ]
        )
        if brand == "mastercard" and self.rng.random() < 0.5:
            # 2-series Mastercard (2221-2720), which presidio's stock pattern misses.
            digits = str(self.rng.randint(2221, 2720)) + "".join(
                self.rng.choice(string.digits) for _ in range(11)
            )
            digits += _luhn_digit(digits)
        else:
            digits = f.credit_card_number(card_type=brand)  # type: ignore[attr-defined]
        n = len(digits)
        style = self.rng.random()
        if style < 0.35:
            return digits
        sep = " " if style < 0.7 else "-"
        if n in {15, 14}:
            groups = [digits[:4], digits[4:10], digits[10:]]
        else:
            groups = [digits[i : i + 4] for i in range(0, n, 4)]
        return sep.join(groups)

    def iban(self) -> str:
        locale = self.rng.choice(["de_DE", "fr_FR", "en_GB", "es_ES", "it_IT", "nl_NL", "pl_PL"])
        raw = self.faker(locale).iban()  # type: ignore[attr-defined]
        if self.rng.random() < 0.5:
            return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))
        return str(raw)

    def ssn(self) -> str:
        return str(self.faker().ssn())  # type: ignore[attr-defined]

    def ip(self) -> str:
        f = self.faker()
        r = self.rng.random()
        if r < 0.4:
            return str(f.ipv4_public())  # type: ignore[attr-defined]
        if r < 0.7:
            return str(f.ipv4_private())  # type: ignore[attr-defined]
        return str(f.ipv6())  # type: ignore[attr-defined]

    def url(self) -> str:
        f = self.faker()
        r = self.rng.random()
        if r < 0.4:
            return str(f.url()).rstrip("/")  # type: ignore[attr-defined]
        if r < 0.7:
            return f"https://{f.domain_name()}/{f.uri_path()}"  # type: ignore[attr-defined]
        return f"www.{f.domain_name()}"  # type: ignore[attr-defined]

    def crypto(self) -> str:
        r = self.rng.random()
        body = self.rng.randbytes(20)
        if r < 0.4:
            return _b58check(b"\x00" + body)
        if r < 0.7:
            return _b58check(b"\x05" + body)
        return _bech32("bc", 0, body)

    def date(self) -> str:
        d = self.faker().date_of_birth(minimum_age=18, maximum_age=90)  # type: ignore[attr-defined]
        day = d.day
        suffix = "th" if 11 <= day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
        fmt = self.rng.choice(
            [
                f"{d.month:02d}/{d.day:02d}/{d.year}",
                f"{d.day:02d}.{d.month:02d}.{d.year}",
                d.isoformat(),
                d.strftime("%B ") + f"{day}, {d.year}",
                f"{day} " + d.strftime("%B %Y"),
                d.strftime("%b ") + f"{day}, {d.year}",
                f"{day}{suffix} of " + d.strftime("%B %Y"),
                d.strftime("%B ") + f"{day}{suffix}, {d.year}",
            ]
        )
        return fmt

    def secret(self) -> str:
        rnd = self.rng
        alnum = string.ascii_letters + string.digits

        def s(n: int, chars: str = alnum) -> str:
            return "".join(rnd.choice(chars) for _ in range(n))

        return rnd.choice(
            [
                "AKIA" + s(16, string.ascii_uppercase + string.digits),
                "ghp_" + s(36),
                "xoxb-" + s(11, string.digits) + "-" + s(12, string.digits) + "-" + s(24),
                "sk-proj-" + s(48),
                "sk_live_" + s(24),
                "AIza" + s(35, alnum + "_-"),
                "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI" + s(20) + "." + s(43, alnum + "_-"),
                f"postgres://app:{s(14)}@db.internal:5432/prod",
            ]
        )

    # hard negatives ------------------------------------------------------------------------

    def order(self) -> str:
        r = self.rng
        return r.choice(
            [
                f"#{r.randint(100000, 9999999)}",
                f"ORD-{r.randint(2019, 2025)}-{r.randint(100000, 999999)}",
                f"A-{r.randint(10000, 99999)}",
                f"INV{r.randint(1000000, 9999999)}",
                f"ticket {r.randint(1000, 99999)}",
            ]
        )

    def version(self) -> str:
        r = self.rng
        return r.choice(
            [
                f"v{r.randint(0, 20)}.{r.randint(0, 30)}.{r.randint(0, 40)}",
                f"{r.randint(1, 5)}.{r.randint(0, 14)}.{r.randint(0, 30)}",
                f"{r.randint(1, 12)}.{r.randint(0, 9)}",
                f"build {r.randint(1000, 30000)}",
            ]
        )

    def timestamp(self) -> str:
        r = self.rng
        return r.choice(
            [
                str(r.randint(1_500_000_000, 1_800_000_000)),
                f"{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}",
                f"{r.randint(0, 23):02d}:{r.randint(0, 59):02d}",
                f"{r.randint(1, 500)} ms",
                f"{r.randint(0, 9)}h {r.randint(0, 59)}m",
            ]
        )

    def price(self) -> str:
        r = self.rng
        return r.choice(
            [
                f"${r.randint(1, 9999):,}.{r.randint(0, 99):02d}",
                f"€{r.randint(1, 999)}.{r.randint(0, 99):02d}",
                f"{r.randint(1, 99)}.{r.randint(0, 9)}%",
                f"£{r.randint(1, 500)}",
                f"{r.randint(1000, 99999):,} USD",
            ]
        )

    def digest(self) -> str:
        h = hashlib.sha256(self.rng.randbytes(16)).hexdigest()
        return self.rng.choice([h, h[:40], h[:7], h[:12]])

    def math(self) -> str:
        r = self.rng
        a, b = r.randint(2, 999), r.randint(2, 999)
        return r.choice(
            [
                f"{a} * {b} = {a * b}",
                f"{a} + {b}",
                f"{a % 9 + 1}/{b % 9 + 2} + 1/{r.randint(2, 9)}",
                f"x^2 + {a}x - {b}",
                f"{a}.{b} / {r.randint(2, 9)}",
                f"{r.randint(640, 3840)}x{r.randint(480, 2160)}",
            ]
        )


def _luhn_digit(partial: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(partial)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


# -- templates ----------------------------------------------------------------------------------

SLOTS: dict[str, tuple[str, str | None]] = {
    # slot -> (generator, entity label or None for hard negatives)
    "EMAIL": ("email", "EMAIL_ADDRESS"),
    "PHONE": ("phone", "PHONE_NUMBER"),
    "CARD": ("card", "CREDIT_CARD"),
    "IBAN": ("iban", "IBAN_CODE"),
    "SSN": ("ssn", "US_SSN"),
    "IP": ("ip", "IP_ADDRESS"),
    "URL": ("url", "URL"),
    "WALLET": ("crypto", "CRYPTO"),
    "DATE": ("date", "DATE_TIME"),
    "SECRET": ("secret", "SECRET"),
    "ORDER": ("order", None),
    "VERSION": ("version", None),
    "TS": ("timestamp", None),
    "PRICE": ("price", None),
    "HASH": ("digest", None),
    "MATH": ("math", None),
}

PII_TEMPLATES: tuple[str, ...] = (
    "Can you draft a polite reply to {EMAIL} saying the meeting moved?",
    "My phone number is {PHONE}, please call me after 5.",
    "I paid with card {CARD} but the charge shows twice, what should I do?",
    "Please wire the refund to IBAN {IBAN} and confirm by email.",
    "For the tax form, my SSN is {SSN}. Is that field mandatory?",
    "The server at {IP} keeps timing out, how do I debug it?",
    "Summarize the article at {URL} in three bullet points.",
    "Send the payment to my bitcoin wallet {WALLET} please.",
    "I was born on {DATE}, how old will I be next year?",
    "Contact {EMAIL} or {PHONE} for the delivery details.",
    "Update my profile: email {EMAIL}, date of birth {DATE}.",
    "Why does my card {CARD} get declined at {URL}?",
    "Write a letter to the bank about IBAN {IBAN}; reach me at {PHONE}.",
    "Firewall logs show {IP} hitting {URL} every minute.",
    "Here's my info: {EMAIL}, {PHONE}, SSN {SSN}.",
    "Translate to French: 'Please call {PHONE} before {DATE}.'",
    "My new address for invoices is {EMAIL}, not the old one.",
    "Is {CARD} a valid test number? It failed in checkout.",
    "The VPN assigns {IP} to my laptop, is that a private range?",
    "Check {WALLET}, did the transfer of 0.5 BTC arrive?",
    "Remind me that the appointment is on {DATE}.",
    "Our config uses the token {SECRET}, why is auth failing?",
    'Fix this snippet: client = Client(key="{SECRET}")',
    "Email {EMAIL} the report and cc the team lead.",
    "Call me at {PHONE} or text me, whichever is easier.",
    "Please charge {CARD} for the annual plan.",
    "Pay rent to {IBAN} on the first of each month.",
    "Log entry: login from {IP} for user {EMAIL}.",
    "Bookmark {URL} for the onboarding docs.",
    "Employee record: SSN {SSN}, start date {DATE}.",
    "Donations go to {WALLET}; receipts to {EMAIL}.",
    "Reach out on {PHONE}; my backup card is {CARD}.",
    "The contract signed {DATE} lists IBAN {IBAN}.",
    "Block traffic from {IP} and report it to {EMAIL}.",
    "Rotate the leaked credential {SECRET} today.",
    "Visit {URL} or phone {PHONE} for support.",
    "my ssn {SSN} and card {CARD}, keep them safe",
    "send it to {EMAIL} asap thx",
    "Hi! Born {DATE}, living in Berlin, reachable at {PHONE}.",
    "The webhook posts to {URL}; the origin IP is {IP}.",
)

NEG_TEMPLATES: tuple[str, ...] = (
    "Where is my order {ORDER}? It was due yesterday.",
    "After upgrading to {VERSION} the build fails, any idea why?",
    "The job finished at {TS}, is that slower than usual?",
    "Is {PRICE} a fair price for a used bike?",
    "What does commit {HASH} change?",
    "Solve {MATH} step by step.",
    "Compare version {VERSION} with {VERSION} please.",
    "The checksum is {HASH}, does that match the release?",
    "Order {ORDER} cost {PRICE}, can I get a discount?",
    "Compute {MATH} and explain the result.",
    "Log line at {TS}: worker restarted after {TS}.",
    "We shipped {VERSION} on schedule, write release notes.",
    "Refund {PRICE} on ticket {ORDER}.",
    "Why is {MATH} not equal to what my calculator says?",
    "Deploy {VERSION} with image digest {HASH}.",
    "The meeting lasted {TS}; summarize the outcome.",
    "Budget left: {PRICE} after order {ORDER}.",
    "Explain the difference between {VERSION} and the LTS release.",
    "Round {MATH} to two decimals.",
    "The cache key {HASH} expired at {TS}.",
)


@dataclass(frozen=True, slots=True)
class Sample:
    """One labelled prompt."""

    text: str
    spans: tuple[tuple[int, int, str], ...]  # (start, end, entity)
    split: Split
    template: int
    negative: bool


def template_split(index: int) -> Split:
    """Templates alternate between the development and the test part."""
    return "dev" if index % 2 == 0 else "test"


def _fill(template: str, values: _Values) -> tuple[str, list[tuple[int, int, str]]]:
    out: list[str] = []
    spans: list[tuple[int, int, str]] = []
    pos = 0
    i = 0
    while True:
        j = template.find("{", i)
        if j < 0:
            out.append(template[i:])
            break
        k = template.index("}", j)
        out.append(template[i:j])
        pos += j - i
        slot = template[j + 1 : k]
        gen, label = SLOTS[slot]
        value = getattr(values, gen)()
        if label is not None:
            spans.append((pos, pos + len(value), label))
        out.append(value)
        pos += len(value)
        i = k + 1
    return "".join(out), spans


def generate(n: int = 3000, *, seed: int = 7, negative_share: float = 0.25) -> list[Sample]:
    """``n`` labelled prompts, deterministic for a seed; ``negative_share`` carry no PII."""
    rng = random.Random(seed)
    values = _Values(rng)
    samples: list[Sample] = []
    for _ in range(n):
        negative = rng.random() < negative_share
        pool = NEG_TEMPLATES if negative else PII_TEMPLATES
        idx = rng.randrange(len(pool))
        text, spans = _fill(pool[idx], values)
        samples.append(
            Sample(
                text, tuple(spans), template_split(idx), idx + (1000 if negative else 0), negative
            )
        )
    return samples


def main() -> None:
    for s in generate(12, seed=1):
        print(s.split, s.negative, s.text, s.spans)


if __name__ == "__main__":
    main()

_ = Callable
