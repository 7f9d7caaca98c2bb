"""Person names, street addresses and locations without a language model.

Names are found in three steps, linear in the text:

1. Runs of capitalized words on one line (with name particles such as ``van der``, ``de la``,
   ``bin`` and initials such as ``J.`` inside a run) are the candidates.
2. Each word is looked up in a gazetteer compiled from Faker's locale providers (first and last
   names of ~80 locales, Latin script only; see ``tools/name_gazetteer/build.py``): a word is a
   *clean* name, an *ambiguous* one (also a common word, a month, a product or a place: ``Will``,
   ``May``, ``Grace``, ``Jordan``) or unknown.
3. A run is scored by its evidence: a title before it (``Mr``, ``Frau``, ``Mme``, ``Sr``, ``pan``),
   a naming phrase, sign-off or relative (``my name is``, ``je m'appelle``, ``Best regards,``,
   ``my son``), a greeting (``Dear``, ``Hi``), a clean first name followed by a surname.
   Ambiguous words need one of these; unknown words are accepted after a title, a naming phrase
   or a known first name. Every rule looks at the run's own line only.

Street addresses are patterns anchored on a house number and a street word in ten languages
(``12 Baker Street``, ``Hauptstraße 5``, ``12 rue de Rivoli``, ``Via Roma 10``, ``ul. Długa 5``),
extended by a postcode and a known city. A location is a known city or country after a phrase
that makes it personal (``I live in``, ``ich wohne in``, ``j'habite à``).

Everything here is immutable after construction and thread-safe.
"""

from __future__ import annotations

import functools
import gzip
import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from types import MappingProxyType
from typing import Final

import regex

from genai_guard._ruleset import Rule, RuleSet
from genai_guard.pii._entity import Entity

__all__ = ["NAME_ENTITIES", "Gazetteer", "NameRecognizer", "load_gazetteer"]


def _words_of(text: str) -> list[str]:
    """The words of a space-separated literal (word lists stay readable)."""
    return text.split()


NAME_ENTITIES: Final = frozenset({"PERSON", "ADDRESS", "LOCATION"})
_ALL_NAME_ENTITIES: Final = ("ADDRESS", "LOCATION", "PERSON")

# Scores: above the default threshold (0.4) only with evidence.
_TITLED: Final = 0.85
_FULL: Final = 0.85
_CONTEXT: Final = 0.7
_SINGLE_FIRST: Final = 0.55
_WEAK: Final = 0.3
_ADDRESS: Final = 0.75
_LOCATION: Final = 0.6
_MAX_RUN: Final = 5  # words in one name, at most


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """First names, last names, places and common words (all case-folded)."""

    first: frozenset[str]
    last: frozenset[str]
    places: frozenset[str]  # countries, regions and large cities: ambiguous as names
    cities: frozenset[str]  # every city and place name: for locations and addresses
    common: frozenset[str]
    stop: frozenset[str]  # function words: never part of a name
    first_languages: Mapping[str, int]  # how many languages' lists hold a first name


@functools.cache  # read-only package data, the same for every recognizer in the process
def load_gazetteer() -> Gazetteer:
    """The gazetteer shipped with the package (built by ``tools/name_gazetteer/build.py``)."""
    raw = files("genai_guard.pii").joinpath("_data/names.txt.gz").read_bytes()
    sections: dict[str, set[str]] = {
        "first": set(),
        "last": set(),
        "place": set(),
        "city": set(),
        "common": set(),
        "stop": set(),
    }
    languages: dict[str, int] = {}
    current: set[str] | None = None
    for line in gzip.decompress(raw).decode("utf-8").splitlines():
        if line.startswith("["):
            current = sections[line.strip("[]")]
        elif current is not None and line and not line.startswith("#"):
            word, _, count = line.partition("\t")
            key = word.casefold()
            current.add(key)
            if count:
                languages[key] = max(languages.get(key, 0), int(count))
    return Gazetteer(
        first=frozenset(sections["first"]),
        last=frozenset(sections["last"]),
        places=frozenset(sections["place"]),
        cities=frozenset(sections["city"]),
        common=frozenset(sections["common"]),
        stop=frozenset(sections["stop"]),
        first_languages=MappingProxyType(languages),
    )


# -- words -------------------------------------------------------------------------------------

_TITLES: Final = frozenset(
    _words_of(
        "mr mrs ms miss mx dr prof professor sir dame lord lady mister madam rev capt col gen "
        "herr herrn frau fräulein hr fr dipl ing mag "
        "m mme mlle monsieur madame mademoiselle me maître "
        "sr sra srta señor señora señorita don doña dña "
        "sig signor signora signorina dott dottor dottore dottoressa avv ing "
        "dhr mevr mevrouw meneer "
        "senhor senhora sr.ª dona "
        "pan pani panna panie "
        "bay bayan sayın "
        "shri sri smt shrimati kumari "
        "sheikh sheikha hajji haji ustadh sayyid "
        "mayor governor gov president senator sen minister chancellor judge officer sergeant "
        "sgt detective inspector principal coach captain lieutenant"
    )
)
# Titles that also stand before a name in small letters ("pan Kowalski", "dottor Rinaldi").
_LOWER_TITLES: Final = frozenset(
    _words_of(
        "pan pani panie panna herr herrn frau signor signora signorina dottor dottore dottoressa "
        "dott sayın bay bayan senhor senhora señor señora don doña dona sr sra srta mr mrs ms dr "
        "prof mme mlle monsieur madame mevrouw meneer dhr mevr shri smt"
    )
)
# Small words inside a name ("Ludwig van Beethoven", "Fatima bint Khalid").
_PARTICLES: Final = (
    "van von der den de del della dei di da das dos du la le ter ten zu bin ibn bint binti al "
    "el abu ben"
)
# Phrases that name a person: any capitalized word after them is a name ("my name is ...").
_NAMING: Final = frozenset(
    (
        *_words_of(
            # sign-offs: the words after them sign the message
            "regards sincerely grüße gruß cordialement saludos saluti groeten groet abraços "
            "abraço pozdrawiam saygılarımla atenciosamente atentamente "
            # relatives and people one knows: "my son Sem", "mój syn Kacper"
            "son daughter wife husband partner boyfriend girlfriend mother father mom dad "
            "brother sister friend colleague coworker boss manager neighbour neighbor cousin "
            "uncle aunt sohn tochter freund freundin kollege kollegin nachbar nachbarin fils "
            "fille femme mari ami amie collègue voisin voisine hijo hija esposa esposo amigo "
            "amiga compañero compañera vecino vecina jefe jefa figlio figlia moglie marito "
            "amico amica collega vicino vicina zoon dochter vriend vriendin buurman buurvrouw "
            "filho filha marido colega vizinho vizinha chefe syn córka żona mąż przyjaciel "
            "przyjaciółka kolega koleżanka sąsiad sąsiadka szef oğlum kızım eşim arkadaşım "
            "komşum"
        ),
        "best regards",
        "kind regards",
        "mit freundlichen grüßen",
        "viele grüße",
        "un saludo",
        "cordiali saluti",
        "un saluto",
        "met vriendelijke groet",
        "bien à vous",
        "z poważaniem",
        "my name is",
        "name is",
        "name's",
        "call me",
        "named",
        "called",
        "signed",
        "mein name ist",
        "ich heiße",
        "ich heisse",
        "heiße",
        "heisse",
        "je m'appelle",
        "m'appelle",
        "mon nom est",
        "nom est",
        "me llamo",
        "mi nombre es",
        "nombre es",
        "mi chiamo",
        "il mio nome è",
        "nome è",
        "mijn naam is",
        "ik heet",
        "naam is",
        "me chamo",
        "meu nome é",
        "nome é",
        "chamo-me",
        "nazywam się",
        "mam na imię",
        "na imię",
        "benim adım",
        "adım",
        "mera naam",
        "naam hai",
    )
)
# Greetings and thanks: a name word after them is a person ("Hi Anna", "Thanks Mr Lee").
_GREETING: Final = frozenset(
    (
        "dear",
        "selam",
        "hi",
        "hello",
        "hey",
        "thanks",
        "thank you",
        "cheers",
        "regards",
        "sincerely",
        "liebe",
        "lieber",
        "hallo",
        "danke",
        "grüße",
        "gruß",
        "cher",
        "chère",
        "bonjour",
        "salut",
        "merci",
        "cordialement",
        "estimado",
        "estimada",
        "querido",
        "querida",
        "hola",
        "gracias",
        "saludos",
        "caro",
        "cara",
        "gentile",
        "ciao",
        "grazie",
        "saluti",
        "beste",
        "hoi",
        "bedankt",
        "groeten",
        "prezado",
        "prezada",
        "olá",
        "oi",
        "obrigado",
        "obrigada",
        "abraços",
        "drogi",
        "droga",
        "szanowny",
        "szanowna",
        "cześć",
        "dziękuję",
        "pozdrawiam",
        "sevgili",
        "merhaba",
        "teşekkürler",
        "saygılarımla",
    )
)
# Words after which a name word is more likely a person's ("with Anna", "ask Tom").
_NEAR: Final = frozenset(
    (
        "i'm",
        "i am",
        "im",
        "this is",
        "it's",
        "ich bin",
        "je suis",
        "soy",
        "sono",
        "ik ben",
        "sou",
        "eu sou",
        "jestem",
        "ben",
        "with",
        "mit",
        "avec",
        "con",
        "met",
        "com",
        "z",
        "ile",
        "from",
        "von",
        "de",
        "told",
        "asked",
        "ask",
        "tell",
        "meet",
        "met",
        "contact",
        "email",
        "emailed",
        "cc",
        "per",
        "by",
        "and",
        "und",
        "et",
        "y",
        "e",
        "en",
        "i",
        "ve",
        "or",
        "a",
        "à",
        "para",
        "pour",
        "für",
        "voor",
        "dla",
        "to",
        "for",
        "an",
        "aan",
        "do",
    )
)
# Words after which a lone surname is a person ("ask Smith", "met Kowalski").
_SOCIAL: Final = frozenset(
    _words_of("with mit avec con met com ile told asked ask tell meet met contact email emailed cc")
)
_LOCATION_INTRO: Final = frozenset(
    (
        "from",
        "stay in",
        "staying in",
        "aus",
        "uit",
        "z",
        "live in",
        "living in",
        "lives in",
        "based in",
        "born in",
        "moved to",
        "i'm from",
        "i am from",
        "grew up in",
        "wohne in",
        "lebe in",
        "komme aus",
        "geboren in",
        "j'habite à",
        "habite à",
        "je vis à",
        "vis à",
        "né à",
        "née à",
        "vivo en",
        "soy de",
        "vivo a",
        "abito a",
        "sono di",
        "woon in",
        "kom uit",
        "moro em",
        "sou de",
        "vivo em",
        "mieszkam w",
        "jestem z",
        "yaşıyorum",
        "yaşıyor",
    )
)

# Names of firms and products made of person names (written for this project).
_BRAND_PHRASES: Final = frozenset(
    (
        "morgan stanley",
        "jp morgan",
        "tim hortons",
        "dr pepper",
        "ben jerry's",
        "goldman sachs",
        "procter gamble",
        "johnson johnson",
        "marks spencer",
        "dolce gabbana",
        "rolls royce",
        "harley davidson",
        "mercedes benz",
        "louis vuitton",
        "calvin klein",
        "ralph lauren",
        "tommy hilfiger",
        "hugo boss",
        "yves saint laurent",
        "estée lauder",
        "wells fargo",
        "charles schwab",
        "edward jones",
        "jack daniel's",
        "johnnie walker",
        "jim beam",
        "marie claire",
        "ronald mcdonald",
        "dr martens",
        "ernst young",
        "arthur andersen",
        "lehman brothers",
        "warner bros",
        "john deere",
        "jackson hole",
        "hewlett packard",
        "alfa romeo",
        "aston martin",
        "land rover",
    )
)
# A run starting with these is a place ("San Mateo", "São José dos Campos", "Saint-Denis").
_SAINTS: Final = frozenset(_words_of("san santa santo são saint sainte sankt st"))
# Articles and pronouns that start a capitalized run ("The Sims", "Das Boot"): never a name.
_DETERMINERS: Final = frozenset(
    _words_of(
        "the a an this that these those my our your his her their its der die das den dem des ein "
        "eine le la les un une el los las il lo gli het een o os um uma ten ta to bu şu"
    )
)
# A run holding one of these names a place, a building or an organization, not a person.
_ORG_WORDS: Final = frozenset(
    _words_of(
        "bridge tower street road avenue square hall university universität université "
        "universidad università universiteit uniwersytet college school schule école escuela "
        "hospital klinik clinic airport flughafen aéroport aeropuerto station bahnhof gare museum "
        "church kirche cathedral palace castle schloss center centre zentrum bank group gruppe "
        "inc ltd llc gmbh ag sa spa srl bv nv corp corporation company co foundation stiftung "
        "institute institut lake see mount mountain river island valley hotel restaurant cafe "
        "café club team airlines airways yolları bankası holding partners associates consulting "
        "labs technologies systems solutions software studio studios press times post journal "
        "news radio tv falls beach bay gate wall garden gardens stadium arena theatre theater "
        "cup league award prize day week festival summit conference fest fair expo market house "
        "haus maison casa huis dom museo musée museu muzeum hole way rd st ave blvd county party "
        "app cable show tour canyon desert forest memorial monument national mahal temple "
        "mosque shrine "
        "series season episode album song movie film book game"
    )
)
_CAP: Final = (
    r"(?:[a-z]{1,3}['’-])?\p{Lu}[\p{L}\p{M}]{0,30}(?:['’-]\p{L}[\p{L}\p{M}]{0,30}){0,3}\.?"
)
_WORD_RE: Final = regex.compile(
    rf"(?<![\p{{L}}\p{{M}}\d_'’@#/.-]){_CAP}(?![\p{{L}}\p{{M}}\d_@]|\.[\p{{L}}\d])"
)
# What may stand between two words of one name: spaces and up to three particles.
_GAP_RE: Final = regex.compile(
    rf"[ \t]{{1,3}}(?:(?:{'|'.join(_words_of(_PARTICLES))})[ \t]{{1,3}}){{0,3}}"
)
_BEFORE_RE: Final = regex.compile(r"[\p{L}\p{M}'’-]+")


@dataclass(frozen=True, slots=True)
class _Word:
    start: int
    end: int
    key: str  # case-folded, without a trailing period
    dotted: bool
    upper: bool  # written in capitals only (an acronym, not a name)
    camel: bool  # a capital inside the word after a small letter ("ChatGPT", "McDonald")


_STREET_EN: Final = (
    r"(?:Street|St\.?|Road|Rd\.?|Avenue|Ave\.?|Lane|Ln\.?|Drive|Boulevard|Blvd\.?|Way|Court|"
    r"Ct\.?|Place|Square|Terrace|Close|Crescent|Gardens|Parkway|Highway|Row|Mews|Walk|Grove)"
)
_NAMEW: Final = r"\p{Lu}[\p{L}\p{M}'’.-]{0,30}"
_HOUSE: Final = r"\d{1,5}[A-Za-z]?"
_EN_STREET_WORDS: Final = _words_of(
    "street st road rd avenue ave lane ln drive boulevard blvd way court ct place square "
    "terrace close crescent gardens parkway highway row mews walk grove"
)
# (pattern, keywords that every match holds, how keywords count): matched through one RuleSet.
_ADDRESS_RULES: Final = (
    # 12 Baker Street, 221B Baker St.
    (
        rf"(?<![\w.,-]){_HOUSE},?[ \t]{{1,3}}(?:{_NAMEW}[ \t]{{1,3}}){{1,3}}{_STREET_EN}(?![\w])",
        tuple(_EN_STREET_WORDS),
        "word",
    ),
    # 12 rue de Rivoli, 5 avenue des Champs-Élysées
    (
        rf"(?<![\w.,-]){_HOUSE}(?:[ \t]?(?:bis|ter))?,?[ \t]{{1,3}}"
        r"(?:rue|avenue|av\.|boulevard|bd|place|chemin|allée|impasse|quai|route|cours)[ \t]{1,3}"
        rf"(?:(?:de|du|des|la|le|l'|d'|de[ \t]la)[ \t]{{0,3}}){{0,2}}{_NAMEW}"
        rf"(?:[ \t]{{1,3}}{_NAMEW}){{0,2}}",
        (
            "rue",
            "avenue",
            "av",
            "boulevard",
            "bd",
            "place",
            "chemin",
            "allée",
            "impasse",
            "quai",
            "route",
            "cours",
        ),
        "word",
    ),
    # Hauptstraße 5, Keizersgracht 123, Lindenweg 3a
    (
        r"(?<![\w-])\p{Lu}[\p{L}-]{1,30}(?:straße|strasse|str\.|weg|gasse|allee|platz|ring|damm|"
        rf"ufer|straat|laan|gracht|plein|singel|kade|dijk|steeg)[ \t]{{1,3}}{_HOUSE}(?![\w])",
        (
            "straße",
            "strasse",
            "str.",
            "weg",
            "gasse",
            "allee",
            "platz",
            "ring",
            "damm",
            "ufer",
            "straat",
            "laan",
            "gracht",
            "plein",
            "singel",
            "kade",
            "dijk",
            "steeg",
        ),
        "substring",
    ),
    # Via Roma 10, Calle Mayor 5, Rua Augusta, 100, ul. Długa 5, Avenida da Liberdade 15
    (
        r"(?<![\w])(?:Via|Viale|Piazza|Corso|Vicolo|Largo|Calle|Avenida|Avda\.|Plaza|Paseo|"
        r"Carrera|Rua|Travessa|Praça|Alameda|ul\.|ulica|al\.|aleja|plac|Am|An[ \t]der|Auf[ \t]dem)"
        rf"[ \t]{{1,3}}(?:(?:de|del|della|dei|do|da|dos|das|di|la)[ \t]{{1,3}}){{0,2}}{_NAMEW}"
        rf"(?:[ \t]{{1,3}}{_NAMEW}){{0,3}},?[ \t]{{1,3}}"
        rf"(?:n\.?[ \t]?º?[ \t]?|nº[ \t]?|no\.?[ \t]?)?{_HOUSE}(?![\w])",
        (
            "via",
            "viale",
            "piazza",
            "corso",
            "vicolo",
            "largo",
            "calle",
            "avenida",
            "avda",
            "plaza",
            "paseo",
            "carrera",
            "rua",
            "travessa",
            "praça",
            "alameda",
            "ul",
            "ulica",
            "al",
            "aleja",
            "plac",
            "am",
            "an",
            "auf",
        ),
        "word",
    ),
    # Atatürk Caddesi No: 12, Gül Sokak 5
    (
        rf"(?<![\w]){_NAMEW}[ \t]{{1,3}}(?:Sokak|Sokağı|Sok\.|Sk\.|Caddesi|Cad\.|Cd\.|Bulvarı)"
        r"(?:[ \t]{1,3}(?:No[:.]?[ \t]?)?\d{1,4}(?:/\d{1,3})?)?(?![\w])",
        ("sokak", "sokağı", "sok", "sk", "caddesi", "cad", "cd", "bulvarı"),
        "word",
    ),
)
_ADDRESSES: Final = RuleSet(
    [
        Rule("ADDRESS", pattern, keywords, 200, regex.V0, keyword_match)  # type: ignore[arg-type]
        for pattern, keywords, keyword_match in _ADDRESS_RULES
    ]
)
_DIGIT: Final = regex.compile(r"\d")
# After an address: a postcode and a city (``, 10115 Berlin``, ``London NW1 6XE``).
_ADDRESS_TAIL: Final = regex.compile(
    r",?[ \t]{1,3}(?:(?:\d{2}-\d{3}|\d{4,5}|\d{4}[ \t]?[A-Z]{2})[ \t]{1,3})?"
    r"(\p{Lu}[\p{L}\p{M}'’-]{1,30}(?:[ \t]\p{Lu}[\p{L}\p{M}'’-]{1,30})?)"
    r"(?:,?[ \t]{1,3}[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[A-Z]{2}\b)?"
)


class NameRecognizer:
    """Find ``PERSON``, ``ADDRESS`` and ``LOCATION`` entities with the shipped gazetteer.

    Args:
        entities: Which of ``PERSON``, ``ADDRESS``, ``LOCATION`` to report.
        gazetteer: The word lists (the shipped one by default).

    Thread-safe: immutable after construction. The shipped gazetteer loads on the first text
    (about 0.2 s, once per process), so building a pipeline stays fast.
    """

    __slots__ = ("_given", "entities")

    def __init__(
        self,
        *,
        entities: frozenset[str] | set[str] | tuple[str, ...] = _ALL_NAME_ENTITIES,
        gazetteer: Gazetteer | None = None,
    ) -> None:
        wanted = frozenset(entities)
        unknown = wanted - NAME_ENTITIES
        if unknown:
            raise ValueError(
                f"unknown entity types {sorted(unknown)}; known: {sorted(NAME_ENTITIES)}"
            )
        self.entities = wanted
        self._given = gazetteer

    @property
    def _gaz(self) -> Gazetteer:
        return self._given if self._given is not None else load_gazetteer()

    def analyze(self, text: str, *, threshold: float = 0.0) -> list[Entity]:
        """Entities in ``text`` at or above ``threshold``, in text order (may overlap)."""
        out: list[Entity] = []
        addresses: list[Entity] = []
        if "ADDRESS" in self.entities and _DIGIT.search(text) is not None:
            addresses = self._addresses(text)
            out.extend(a for a in addresses if a.score >= threshold)
        if self.entities & {"PERSON", "LOCATION"}:
            for ent in self._runs(text):
                if (
                    ent.entity_type in self.entities
                    and ent.score >= threshold
                    and not any(a.start <= ent.start and ent.end <= a.end for a in addresses)
                ):
                    out.append(ent)
        out.sort(key=lambda e: e.start)
        return out

    # -- addresses ------------------------------------------------------------------------------

    def _addresses(self, text: str) -> list[Entity]:
        found: list[Entity] = []
        for _, m in _ADDRESSES.matches(text):
            start, end = m.span()
            if text[end - 1] == ".":
                end -= 1  # the sentence's full stop
            end = self._address_tail(text, end)
            found.append(Entity(start, end, "ADDRESS", _ADDRESS))
        return found

    def _address_tail(self, text: str, end: int) -> int:
        tail = _ADDRESS_TAIL.match(text, end, min(len(text), end + 80))
        if tail is None:
            return end
        city = tail.group(1)
        has_postcode = any(ch.isdigit() for ch in text[end : tail.start(1)])
        cities = self._gaz.cities
        first_word = city.split()[0]
        if has_postcode or city.casefold() in cities:
            return tail.end()
        if first_word.casefold() in cities:
            return tail.start(1) + len(first_word)  # "London Bridge": the known city only
        return end

    # -- names ----------------------------------------------------------------------------------

    def _runs(self, text: str) -> list[Entity]:
        out: list[Entity] = []
        run: list[_Word] = []
        prev_end = -1
        for m in _WORD_RE.finditer(text):
            word = _word(m)
            if run and (
                len(run) >= _MAX_RUN
                or _GAP_RE.fullmatch(text, prev_end, word.start) is None
                or (run[-1].dotted and run[-1].key not in _TITLES and len(run[-1].key) > 1)
            ):
                out.extend(self._score_run(text, run))
                run = []
            run.append(word)
            prev_end = word.end if not word.dotted else word.end + 1
        if run:
            out.extend(self._score_run(text, run))
        return out

    def _score_run(self, text: str, run: list[_Word]) -> list[Entity]:
        gaz = self._gaz
        if " ".join(w.key for w in run).replace(" &", "") in _BRAND_PHRASES:
            return []  # "Dr Pepper", "Morgan Stanley"
        # A title at the start of the run (``Dr``, ``Frau``) is kept in the span; a greeting
        # at its start (``Dear``, ``Hi``) is context.
        title_start: int | None = None
        lead: str | None = None
        if len(run) > 2 and run[0].key in _DETERMINERS and run[1].key in _TITLES:
            run = run[1:]  # "La Sra. Jiménez"
        while len(run) > 1:
            if run[0].key in _TITLES and not run[0].upper:
                if title_start is None:
                    title_start = run[0].start
            elif run[0].key in _GREETING and title_start is None:
                lead = "greeting"
            else:
                break
            run = run[1:]
        if run[0].key in _TITLES:
            return []
        before, last_at = _words_before(
            text, title_start if title_start is not None else run[0].start
        )
        if title_start is None and before and before[-1] in _LOWER_TITLES:
            title_start = last_at  # a lower-case title before the run (``pan Kowalski``)
        intro = lead or _intro(before)
        if "LOCATION" in self.entities and _ends_with(before, _LOCATION_INTRO):
            key = " ".join(w.key for w in run)
            if key in gaz.cities or run[0].key in gaz.cities:
                w_end = run[-1] if key in gaz.cities else run[0]
                return [Entity(run[0].start, w_end.end, "LOCATION", _LOCATION)]
        titled = title_start is not None
        for i in range(1, len(run)):
            if run[i].key in _ORG_WORDS and _has_letters(text, run[i - 1].end, run[i].start):
                run = run[:i]  # "Uwe Friedrich von der Bank": the particle starts a new phrase
                break
        if not titled and (
            any(w.key in _ORG_WORDS for w in run)  # "Golden Gate Bridge", "Deutsche Bank"
            or run[0].key in _SAINTS
            or " ".join(w.key for w in run) in gaz.places  # "Hong Kong", "Sri Lanka"
        ):
            return []
        kinds = [self._kind(w) for w in run]
        social = bool(before) and before[-1] in _SOCIAL
        if titled:
            return self._person(run, kinds, title_start, intro=intro, social=social)
        # A common word inside a run separates names ("Cheryl AND Dermot"); the context
        # before the run applies to its first part only.
        out: list[Entity] = []
        begin = 0
        for i in range(len(run) + 1):
            if i == len(run) or (kinds[i] == "common" and 0 < i < len(run) - 1):
                if i > begin:
                    first_part = begin == 0
                    lo, hi = self._trim(
                        run[begin:i],
                        kinds[begin:i],
                        naming=first_part and intro == "naming",
                        initial=first_part and _sentence_start(text, run[0].start),
                    )
                    out.extend(
                        self._person(
                            run[begin + lo : begin + hi],
                            kinds[begin + lo : begin + hi],
                            None,
                            intro=intro if first_part else None,
                            social=social and first_part,
                        )
                    )
                begin = i + 1
        return out

    def _person(
        self,
        words: list[_Word],
        kinds: list[str],
        title_start: int | None,
        *,
        intro: str | None,
        social: bool,
    ) -> list[Entity]:
        gaz = self._gaz
        if not words:
            return []
        while len(words) > 2 and kinds[-1] == "weak" and words[-1].key in gaz.stop:
            words, kinds = words[:-1], kinds[:-1]  # "Michael Vick Will (Start)"
        if len(words) >= 3 and words[0].key in gaz.stop:
            words, kinds = words[1:], kinds[1:]  # "Ben Mehmet Kaya": Turkish "I", not Ben
        if all(len(w.key) == 1 for w in words):
            return []  # initials alone ("an L.")
        titled = title_start is not None
        score = self._score(words, kinds, titled=titled, intro=intro, social=social)
        if score <= 0.0:
            return []
        start = title_start if title_start is not None and title_start >= 0 else words[0].start
        return [Entity(start, words[-1].end, "PERSON", score)]

    def _trim(
        self, run: list[_Word], kinds: list[str], *, naming: bool, initial: bool
    ) -> tuple[int, int]:
        """Drop words without evidence at both ends of a run.

        An unknown word is kept before a known surname inside a sentence ("if Vikram Singh"),
        after a name word ("Anna Xylander"), and anywhere after a naming phrase ("my name is").
        A function word before a first name is dropped ("Can Lucas borrow it?").
        """
        gaz = self._gaz
        lo, hi = 0, len(run)
        if (
            hi > 1
            and run[0].key in gaz.stop
            and run[0].key not in gaz.last
            and kinds[1] == "first"
            and not naming
        ):
            lo = 1
        while lo < hi and kinds[lo] in ("none", "common"):
            if kinds[lo] == "none" and (
                naming
                or (
                    lo + 2 == hi
                    and run[lo + 1].key in gaz.last
                    and run[lo + 1].start - run[lo].end <= 3  # no particle between
                    and not (initial and lo == 0)
                )
            ):
                break
            lo += 1
        while hi > lo and kinds[hi - 1] in ("none", "common"):
            if kinds[hi - 1] == "none" and (
                naming or (hi - 1 > lo and kinds[hi - 2] in ("first", "last", "weak"))
            ):
                break
            hi -= 1
        return lo, hi

    def _score(
        self,
        words: list[_Word],
        kinds: list[str],
        *,
        titled: bool,
        intro: str | None,
        social: bool,
    ) -> float:
        strong = sum(k in ("first", "last") for k in kinds)
        weak = sum(k == "weak" for k in kinds)
        unknown = sum(k == "none" for k in kinds)
        n = len(words)
        if titled:
            return _TITLED
        if intro == "naming":
            return _CONTEXT if strong or weak or unknown else 0.0
        if intro == "greeting" and (strong or weak):
            return _CONTEXT
        if n >= 2 and strong and (strong + weak >= 2 or kinds[0] == "first"):
            return _FULL
        if n >= 2 and strong:
            return 0.6  # an unknown given name before a known surname
        if n >= 2 and weak >= 2 and intro == "near":
            return 0.5
        if n == 1 and kinds[0] == "first":
            if intro == "near":
                return _CONTEXT
            # A lone first name without context: only one that several languages share.
            popular = self._gaz.first_languages.get(words[0].key, 0) >= 2
            return _SINGLE_FIRST if popular else _WEAK
        if n == 1 and kinds[0] == "last" and social:
            return 0.5
        return _WEAK if strong or weak else 0.0

    def _kind(self, w: _Word) -> str:
        """``first``, ``last`` (clean), ``weak`` (also a word or place), ``common`` or ``none``."""
        gaz = self._gaz
        key = w.key
        if len(key) == 1:
            return "first" if w.dotted and key != "i" else "common"  # an initial
        if key in _DETERMINERS or ("'" in key and key.split("'")[0] in ("i", "we", "you", "it")):
            return "common"
        if w.upper or (w.camel and key not in self._gaz.first and key not in self._gaz.last):
            return "common"  # an acronym or a product name ("IVA", "ChatGPT")
        is_first = key in gaz.first
        is_last = key in gaz.last
        if "-" in key and not (is_first or is_last):
            parts = key.split("-")  # "Jean-Luc", "Min-jun", "Smith-Jones"
            is_first = any(p in gaz.first for p in parts)
            is_last = any(p in gaz.last for p in parts)
        if not is_last and key.endswith(("ska", "cka", "dzka")) and key[:-1] + "i" in gaz.last:
            is_last = True  # the feminine form of a Polish surname
        if not is_last and key.startswith(("al-", "el-")) and len(key) > 4:
            is_last = True
        if is_first or is_last:
            if key in gaz.common or key in gaz.places or key in _TITLES or key in _ORG_WORDS:
                return "weak"
            return "first" if is_first else "last"
        if key in gaz.common or key in _TITLES or key in gaz.places or key in _ORG_WORDS:
            return "common"
        return "none"


def _word(m: regex.Match[str]) -> _Word:
    s, e = m.span()
    token = m.group()
    dotted = token.endswith(".")
    if dotted:
        e -= 1
        token = token[:-1]
    if token[-2:] in ("'s", "’s") and len(token) > 3:
        e -= 2  # English possessive: "Megan Fisher's" names Megan Fisher
        token = token[:-2]
    rest = token[1:]
    if rest.islower() or not rest:
        upper = camel = False  # the common case, "Anna"
    else:
        upper = len(token) > 1 and token.isupper()
        camel = any(a.islower() and b.isupper() for a, b in itertools.pairwise(token))
    return _Word(s, e, token.casefold().replace("’", "'"), dotted, upper, camel)


def _words_before(text: str, start: int) -> tuple[list[str], int]:
    """The last words before ``start`` on its line (case-folded), and where the last begins."""
    lo = max(0, start - 60)
    nl = text.rfind("\n", lo, start)
    lo = nl + 1 if nl >= 0 else lo
    found = list(_BEFORE_RE.finditer(text[lo:start]))[-4:]
    last = lo + found[-1].start() if found else -1
    return [m.group().casefold().replace("’", "'") for m in found], last


def _has_letters(text: str, start: int, end: int) -> bool:
    return any(ch.isalpha() for ch in text[start:end])


def _sentence_start(text: str, start: int) -> bool:
    """Nothing but opening punctuation between ``start`` and a sentence end or line start."""
    i = start - 1
    while i >= 0 and text[i] in " \t\"'“«„¿¡(*-—":
        i -= 1
    return i < 0 or text[i] in ".!?:;\n"


def _intro(before: list[str]) -> str | None:
    """``naming``, ``greeting`` or ``near`` for the words before a run, else None."""
    if _ends_with(before, _NAMING):
        return "naming"
    if _ends_with(before, _GREETING):
        return "greeting"
    if before and before[-1] in _NEAR:
        return "near"
    return None


def _ends_with(before: list[str], options: frozenset[str]) -> bool:
    n = len(before)
    return bool(n) and (
        before[-1] in options
        or (n > 1 and f"{before[-2]} {before[-1]}" in options)
        or (n > 2 and f"{before[-3]} {before[-2]} {before[-1]}" in options)
    )
