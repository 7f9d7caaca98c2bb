"""Build the offline name gazetteer used by the PERSON / ADDRESS / LOCATION recognizer.

Reads first names, last names and place names of Faker's locale providers (MIT licence) and
common words (Faker's lorem word lists, MIT; spaCy's stop-word lists, MIT), keeps the entries
written in Latin script, adds the short supplement below (romanized Korean and Arabic names,
which Faker lists in their own scripts only; written for this project), and writes one
deterministic gzip file next to the recognizer:

    python tools/name_gazetteer/build.py

The output records the package versions it was built from. It is committed, so the library
needs neither Faker nor spaCy at run time.
"""

from __future__ import annotations

import gzip
import importlib
import pkgutil
import unicodedata
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "src" / "genai_guard" / "pii" / "_data" / "names.txt.gz"


def _words_of(text: str) -> list[str]:
    return text.split()


# Romanized names Faker has only in Hangul / Arabic script (written for this project).
KOREAN_LAST = _words_of(
    "Kim Lee Yi Park Pak Choi Choe Jung Jeong Chung Kang Cho Jo Yoon Yun Jang Chang Lim Im Han "
    "Oh Seo Shin Kwon Hwang Ahn Song Yoo Ryu Hong Jeon Ko Moon Yang Son Bae Baek Heo Nam Noh"
)
KOREAN_FIRST = _words_of(
    "Min-jun Seo-yeon Ji-ho Ha-eun Do-yun Ji-woo Soo-jin Hye-jin Jae-won Eun-ji Sung-min "
    "Young-ho Ji-hoon Min-seo Seo-jun Ye-jin Hyun-woo Su-bin Dong-hyun Ji-yeon Jin-woo Mi-kyung "
    "Sang-woo Yu-na Joon-ho Da-eun Tae-yang Hae-won Kyung-soo Na-rae"
)
ARABIC_FIRST = _words_of(
    "Mohammed Muhammad Mohamed Mohammad Ahmed Ahmad Ali Omar Umar Khalid Khaled Youssef Yusuf "
    "Hassan Hasan Hussein Husain Ibrahim Abdullah Abdallah Abdulrahman Abdelaziz Mustafa Mostafa "
    "Karim Kareem Tariq Tarek Samir Sami Nabil Walid Faisal Fahad Saeed Said Rashid Hamza Bilal "
    "Ziad Yasser Anas Majid Nasser Salman Saad Adel Amr Fatima Fatma Aisha Aicha Khadija Maryam "
    "Mariam Layla Leila Noor Nour Amira Yasmin Yasmine Salma Zainab Zeinab Huda Hoda Rania Dina "
    "Lina Reem Rim Hana Hanan Samira Nadia Farah Sara Mona Hiba Asma Amal Dalia Ghada Lubna"
)
ARABIC_LAST = _words_of(
    "Haddad Khoury Mansour Nasser Saleh Hamdan Abbas Aziz Rahman Hassan Hussein Khalil Ibrahim "
    "Youssef Farouk Farouq Qureshi Hashemi Sabbagh Najjar Shaheen Darwish Masri Tamimi Zahran "
    "Barakat Saleem Salem Amin Ashour Bakr Othman Osman Suleiman Sulaiman Karam Antar Shamsi"
)

# Lorem word lists that are lists of common words (the Spanish and Czech ones hold surnames).
LOREM_LOCALES = ("en_US", "de_DE", "fr_FR", "it_IT", "nl_NL", "pl_PL")
# Words that are names as well as ordinary words (written for this project).
AMBIGUOUS = _words_of(
    "will may mark bill grace hope faith joy rose lily daisy summer autumn april june august "
    "dawn crystal amber ruby pearl jasmine chase hunter taylor mason cooper baker carter parker "
    "young king long green white black brown gray grey stone wood hill park lane price bell "
    "banks rivers fox wolf frank earnest sterling sunny rich rob pat sue art ray gene guy bob "
    "penny holly ivy iris violet heather sky river storm angel star victor victoria jordan "
    "georgia virginia carolina florence sydney austin houston dallas phoenix lincoln washington "
    "paris london berlin sofia china india apple amazon jaguar mercedes tesla ford dell lotus "
    "oracle python ruby java rust swift go jade sage olive cliff glen dale marsh brook moss "
    "reed rush drew cash gale miles max sunday monday tuesday wednesday thursday friday saturday "
    "january february march july september october november december "
    "montag dienstag mittwoch donnerstag freitag samstag sonntag januar februar märz juni juli "
    "oktober dezember lundi mardi mercredi jeudi vendredi samedi dimanche janvier février mars "
    "avril mai juin juillet août septembre octobre novembre décembre lunes martes miércoles "
    "jueves viernes sábado domingo enero febrero marzo abril mayo junio julio agosto "
    "septiembre octubre noviembre diciembre lunedì martedì mercoledì giovedì venerdì sabato "
    "domenica gennaio febbraio aprile maggio giugno luglio settembre ottobre dicembre maandag "
    "dinsdag woensdag donderdag vrijdag zaterdag zondag januari februari maart mei augustus "
    "segunda terça quarta quinta sexta janeiro fevereiro março maio junho julho setembro "
    "outubro novembro dezembro poniedziałek wtorek środa czwartek piątek sobota niedziela "
    "styczeń luty marzec kwiecień maj czerwiec lipiec sierpień wrzesień październik listopad "
    "grudzień pazartesi salı çarşamba perşembe cuma cumartesi pazar ocak şubat mart nisan "
    "mayıs haziran temmuz ağustos eylül ekim kasım aralık "
    "christmas easter ramadan eid diwali hanukkah thanksgiving halloween "
    "love joy honey sugar candy baby precious sweet lucky happy rain snow moon sun toy tea "
    "coffee queen prince princess duke earl baron pope saint major general judge chance story "
    "music golden silver gold diamond rock dean page walker bishop cook miller fisher porter "
    "butler marshal bride sister brother mother father daddy mommy girl boy man woman dude "
    "theres finna nuff anyone everyone someone quite author unknown little big old new good "
    "great best hero legend champion boss chief doctor nurse teacher coach captain "
    "porsche ferrari renault peugeot citroën volkswagen chevrolet lamborghini maserati bugatti "
    "bentley mercedes benz toyota honda dell disney boeing chanel hermès prada gucci armani "
    "versace dior cartier siemens bosch nestlé kellogg heinz sachs hortons pepper ikea lego "
    "adidas nike puma philips nokia ericsson audi opel fiat skoda kia hyundai lexus volvo saab "
    "porsche mcdonald mcdonald's wendy's marvel lucasfilm embraer airbus chelsea arsenal "
    "alexa siri claude gemini cortana copilot llama mistral falcon bard grok"
)
NATIONALITIES = _words_of(
    "english british american canadian australian irish scottish welsh german austrian swiss "
    "french belgian dutch spanish mexican italian portuguese brazilian polish turkish greek "
    "russian ukrainian swedish norwegian danish finnish chinese japanese korean indian "
    "pakistani arabic arab egyptian saudi persian hebrew israeli african european asian latin "
    "deutsch englisch französisch spanisch italienisch anglais allemand français espagnol "
    "italien inglés alemán francés italiano inglese tedesco francese spagnolo engels duits "
    "frans inglês alemão francês angielski niemiecki francuski ingilizce almanca fransızca "
    "raspberry arduino android windows linux ubuntu excel word outlook teams slack zoom"
)
# Cities and countries Faker's English providers do not list (written for this project).
PLACES = _words_of(
    "London Manchester Birmingham Liverpool Leeds Glasgow Edinburgh Dublin Cardiff Belfast "
    "Bristol Oxford Cambridge York Paris Lyon Marseille Berlin Munich Hamburg Frankfurt Cologne "
    "Vienna Zurich Geneva Madrid Barcelona Seville Valencia Lisbon Porto Rome Milan Naples Turin "
    "Florence Venice Amsterdam Rotterdam Brussels Antwerp Warsaw Krakow Prague Budapest Istanbul "
    "Ankara Athens Stockholm Oslo Copenhagen Helsinki Moscow Kyiv Cairo Dubai Riyadh Doha "
    "Tehran Karachi Lahore Delhi Mumbai Bangalore Bengaluru Chennai Kolkata Hyderabad Beijing "
    "Shanghai Shenzhen Tokyo Osaka Kyoto Seoul Busan Singapore Bangkok Jakarta Manila Sydney "
    "Melbourne Brisbane Perth Auckland Toronto Montreal Vancouver Ottawa Chicago Boston Seattle "
    "Houston Dallas Austin Denver Phoenix Atlanta Miami Washington Philadelphia Detroit "
    "Nairobi Lagos Johannesburg Mexico Bogota Lima Santiago "
    "Jordan Georgia Chad Israel Lebanon Syria Iraq Iran England Scotland Wales Ireland Europe "
    "Beirut Amman Baghdad Damascus Casablanca Tunis Algiers Kuwait Muscat Jeddah Mecca Medina "
    "Pune Ahmedabad Jaipur Lucknow Kochi Surat Nagpur Taipei Hanoi Dhaka "
    "Asia Africa America Texas California Florida Virginia Carolina Oregon Nevada Ohio Kent"
)


def latin(word: str) -> bool:
    """True when every letter of ``word`` is Latin script."""
    return all(not ch.isalpha() or "LATIN" in unicodedata.name(ch, "") for ch in word) and any(
        ch.isalpha() for ch in word
    )


def _locales(pkg: str) -> list[str]:
    mod = importlib.import_module(pkg)
    return sorted(m.name for m in pkgutil.iter_modules(mod.__path__) if m.ispkg)


def _collect(pkg: str, want: Callable[[str], bool], *, split: bool = True) -> set[str]:
    out: set[str] = set()
    for per_locale in _collect_by_locale(pkg, want, split=split).values():
        out |= per_locale
    return out


def _collect_by_locale(
    pkg: str, want: Callable[[str], bool], *, split: bool = True
) -> dict[str, set[str]]:
    """Words per locale; the language part (``de`` of ``de_AT``) counts once."""
    out: dict[str, set[str]] = {}
    for loc in _locales(pkg):
        words = out.setdefault(loc.split("_")[0], set())
        provider = importlib.import_module(f"{pkg}.{loc}").Provider
        for attr in dir(provider):
            if attr.startswith("_") or not want(attr):
                continue
            value = getattr(provider, attr)
            if isinstance(value, dict):
                value = list(value)
            if not isinstance(value, (list, tuple)):
                continue
            for entry in value:
                # ja_JP pairs: (kanji, kana, romaji)
                item = entry[-1] if isinstance(entry, tuple) else entry
                if isinstance(item, str):
                    words.update(_words(item) if split else _phrase(item))
    return out


def _words(item: str) -> list[str]:
    item = item.strip().rstrip(".")
    if not latin(item) or not item[:1].isupper() or any(ch.isdigit() for ch in item):
        return []
    return [w for w in item.split() if w[:1].isupper() and len(w) > 1]


def _phrase(item: str) -> list[str]:
    """A place name kept whole (``San Diego`` must not make ``Diego`` a place)."""
    item = " ".join(item.split())
    if not latin(item) or not item[:1].isupper() or any(ch.isdigit() for ch in item):
        return []
    return [item]


def build() -> str:
    by_locale = _collect_by_locale(
        "faker.providers.person",
        lambda a: ("first_name" in a and "kana" not in a) or a.startswith("first_romanized"),
    )
    languages: dict[str, int] = {}
    for per_locale in by_locale.values():
        for w in per_locale:
            languages[w] = languages.get(w, 0) + 1
    for w in KOREAN_FIRST + ARABIC_FIRST:
        languages[w] = max(languages.get(w, 0), 2)
    first = set(languages)
    last = _collect(
        "faker.providers.person",
        lambda a: ("last_name" in a or a.startswith("last_romanized")) and "kana" not in a,
    )
    first.update(KOREAN_FIRST + ARABIC_FIRST)
    last.update(KOREAN_LAST + ARABIC_LAST)
    last.discard("Doe")  # pl_PL's placeholder
    places = _collect(
        "faker.providers.address",
        lambda a: a in {"countries", "states", "regions", "provinces", "departments", "estados"},
        split=False,
    )
    cities = _collect(
        "faker.providers.address", lambda a: a in {"cities", "city_names"}, split=False
    )
    common: set[str] = set(AMBIGUOUS)
    places.update(PLACES)
    places.update(
        (
            "New York",
            "Los Angeles",
            "San Francisco",
            "Buenos Aires",
            "São Paulo",
            "Rio de Janeiro",
            "Kuala Lumpur",
            "Abu Dhabi",
            "Hong Kong",
            "New Delhi",
            "Tel Aviv",
            "Cape Town",
            "Mexico City",
            "Saudi Arabia",
            "South Africa",
        )
    )
    cities |= places
    for loc in LOREM_LOCALES:
        provider = importlib.import_module(f"faker.providers.lorem.{loc}").Provider
        for w in getattr(provider, "word_list", ()):
            if latin(w):
                common.add(w.lower())
    stop: set[str] = set()
    for lang in ("en", "de", "fr", "es", "it", "nl", "pt", "pl", "tr"):
        words = importlib.import_module(f"spacy.lang.{lang}.stop_words").STOP_WORDS
        stop.update(w.lower() for w in words if latin(w))
    common |= stop
    # Language names ("German", "French") from Faker's person providers.
    common.update(
        w.lower() for w in _collect("faker.providers.person", lambda a: a == "language_names")
    )
    common.update(NATIONALITIES)
    lines = [
        f"# faker {version('faker')} (MIT), spacy {version('spacy')} stop words (MIT),"
        " and the supplement in tools/name_gazetteer/build.py",
    ]
    lines.append("[first]")  # name, tab, how many languages' lists hold it
    lines.extend(f"{w}\t{languages[w]}" for w in sorted(first))
    for section, words in (
        ("last", last),
        ("place", places),
        ("city", cities),
        ("common", common),
        ("stop", stop),
    ):
        lines.append(f"[{section}]")
        lines.extend(sorted(words))
    return "\n".join(lines) + "\n"


def main() -> None:
    text = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0, filename="") as gz:
        gz.write(text.encode("utf-8"))
    counts = {}
    section = ""
    for line in text.splitlines():
        if line.startswith("["):
            section = line.strip("[]")
            counts[section] = 0
        elif section:
            counts[section] += 1
    print(OUT, OUT.stat().st_size, "bytes", counts)


if __name__ == "__main__":
    main()
