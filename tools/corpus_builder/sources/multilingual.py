"""Sources: multilingual rows (benign questions, requests and documents; a few injections).

Every file is pinned at a commit of its public repository; each source states the languages its
files are in, and every row carries the language of the file it came from. Per-language caps
(``_per_lang``) keep every language of a dataset a fair share before the build's ``max_rows``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping

from corpus_builder._fetch import read_member_text
from corpus_builder._formats import csv_rows, decode, json_doc, jsonl
from corpus_builder._spec import RawRow, Source
from corpus_builder.sources._common import gh_files as _pins

__all__ = ["SOURCES"]

FileLang = Callable[[str], str]
"""Maps an artifact path to the ISO 639-1 code of the file's language."""


def _hash(text: str) -> str:
    """A stable sampling key for ``text``."""
    return hashlib.sha256(text.encode()).hexdigest()


def _per_lang(rows: Iterable[RawRow], cap: int) -> Iterator[RawRow]:
    """At most ``cap`` rows per language, chosen by hash of the text (order kept)."""
    rows = list(rows)
    by_lang: dict[str | None, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        by_lang[row.lang].append(i)
    keep: set[int] = set()
    for idx in by_lang.values():
        keep.update(sorted(idx, key=lambda i: _hash(rows[i].text))[:cap])
    return (row for i, row in enumerate(rows) if i in keep)


def _benign(text: str, lang: str, kind: str) -> RawRow | None:
    """A benign row, or None for an empty text."""
    text = text.strip() if isinstance(text, str) else ""
    return RawRow(text, "benign", "benign", lang=lang, kind=kind) if text else None


def _lang_at(pattern: str) -> FileLang:
    """A ``FileLang`` taking the code from the first group of ``pattern`` in the path."""
    regex = re.compile(pattern)

    def lang(path: str) -> str:
        match = regex.search(path)
        if match is None:
            raise ValueError(f"no language code in {path!r}")
        return match.group(1)

    return lang


# --- XQuAD (SQuAD v1.1 JSON) --------------------------------------------------------------


def _squad_rows(files: Mapping[str, bytes], lang_of: FileLang, part: str) -> Iterator[RawRow]:
    """Questions (``part="question"``) or context paragraphs (``"context"``) of SQuAD files."""
    for path, data in files.items():
        lang = lang_of(path)
        for article in json_doc(data)["data"]:
            for para in article["paragraphs"]:
                texts = (
                    [q["question"] for q in para["qas"]]
                    if part == "question"
                    else [para["context"]]
                )
                for text in texts:
                    row = _benign(text, lang, "question" if part == "question" else "document")
                    if row is not None:
                        yield row


_XQUAD_LANG = _lang_at(r"xquad\.([a-z]{2})\.json$")


def _xquad_questions(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """XQuAD questions, at most 600 per language."""
    return _per_lang(_squad_rows(files, _XQUAD_LANG, "question"), 600)


def _xquad_contexts(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """XQuAD context paragraphs (Wikipedia, professionally translated)."""
    return _squad_rows(files, _XQUAD_LANG, "context")


# --- XCOPA (JSONL with premise / choice1 / choice2) ----------------------------------------


def _xcopa(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """XCOPA premises and both choices (each its own row), at most 700 per language."""

    def rows() -> Iterator[RawRow]:
        for path, data in files.items():
            lang = _lang_at(r"\.([a-z]{2})\.jsonl$")(path)
            for rec in jsonl(data):
                for key in ("premise", "choice1", "choice2"):
                    row = _benign(rec.get(key, ""), lang, "sentence")
                    if row is not None:
                        yield row

    return _per_lang(rows(), 700)


# --- MGSM (TSV: question \t answer, no header) ---------------------------------------------


def _mgsm(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """MGSM word problems (the first TSV column)."""
    for path, data in files.items():
        lang = _lang_at(r"mgsm_([a-z]{2})\.tsv$")(path)
        for fields in csv.reader(io.StringIO(decode(data)), delimiter="\t"):
            row = _benign(fields[0], lang, "question") if fields else None
            if row is not None:
                yield row


# --- xSID (CoNLL with ``# text = ...`` comment lines) ----------------------------------------


def _conll_texts(data: bytes) -> Iterator[str]:
    """The ``# text = `` lines of a CoNLL file (``# text-en = `` lines are skipped)."""
    for line in decode(data).splitlines():
        if line.startswith("# text = "):
            yield line[len("# text = ") :]


def _xsid(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """xSID utterances (requests to a digital assistant), at most 600 per language."""

    def rows() -> Iterator[RawRow]:
        for path, data in files.items():
            lang = _lang_at(r"/([a-z]{2})\.(?:test|valid)\.conll$")(path)
            for text in _conll_texts(data):
                row = _benign(text, lang, "request")
                if row is not None:
                    yield row

    return _per_lang(rows(), 600)


# --- XSafety (one prompt per CSV line, no header; folder = language) -----------------------

_XSAFETY_DIRS = {"sp": "es"}
"""XSafety folders whose name is not the ISO 639-1 code."""

_IGNORE_WORDS = (
    "ignor",  # en, de, fr, es
    "игнор",  # ru
    "無視",  # ja
    "忽略",  # zh
    "无视",  # zh
    "تجاهل",  # ar
    "अनदेखा",  # hi
    "नज़रअंदाज",  # hi
    "नजरअंदाज",  # hi
    "ध्यान न दें",  # hi
    "उपेक्षा",  # hi
)
"""'Ignore (the above)' in the languages of XSafety's goal-hijacking files."""


def _xsafety_lang(path: str) -> str:
    folder = path.split("/", 1)[0]
    return _XSAFETY_DIRS.get(folder, folder)


def _csv_lines(data: bytes) -> Iterator[str]:
    """The first field of each line of a header-less CSV file, stripped."""
    for fields in csv.reader(io.StringIO(decode(data))):
        if fields and fields[0].strip():
            yield fields[0].strip()


def _xsafety_hijacking(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """Goal-hijacking prompts whose translation kept an explicit 'ignore ...' instruction."""
    for path, data in files.items():
        lang = _xsafety_lang(path)
        for text in _csv_lines(data):
            if any(word in text.lower() for word in _IGNORE_WORDS):
                yield RawRow(text, "attack", "goal_hijacking", lang=lang, kind="direct")


def _xsafety_commonsense(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """Everyday-safety multiple-choice questions (benign)."""
    for path, data in files.items():
        lang = _xsafety_lang(path)
        for text in _csv_lines(data):
            row = _benign(text, lang, "question")
            if row is not None:
                yield row


# --- NTREX-128 (one sentence per line; file name carries an ISO 639-3 code) -----------------

_NTREX_LANGS = {
    "kor": "ko", "por": "pt", "pol": "pl", "fas": "fa", "heb": "he", "ukr": "uk", "ces": "cs",
    "hun": "hu", "swe": "sv", "fin": "fi", "nob": "nb", "bul": "bg", "hrv": "hr", "slk": "sk",
    "slv": "sl", "cat": "ca", "msa": "ms", "fil": "tl", "urd": "ur", "mar": "mr", "guj": "gu",
    "kan": "kn", "mal": "ml", "pan": "pa", "nep": "ne", "sin": "si", "mya": "my", "khm": "km",
    "amh": "am", "hau": "ha", "yor": "yo", "zul": "zu",
}  # fmt: skip
"""The NTREX-128 languages used (those the other sources here lack), to ISO 639-1."""


def _ntrex(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """NTREX-128 news sentences, at most 250 per language."""

    def rows() -> Iterator[RawRow]:
        for path, data in files.items():
            lang = _NTREX_LANGS[_lang_at(r"\.([a-z]{3})\.txt$")(path)]
            for text in decode(data).splitlines():
                row = _benign(text, lang, "document")
                if row is not None:
                    yield row

    return _per_lang(rows(), 250)


# --- CrossWOZ (zip of one JSON: {id: {"messages": [{"role", "content"}, ...]}}) -------------


def _crosswoz(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """The user turns of CrossWOZ dialogues (Chinese)."""
    for path, data in files.items():
        member = path.rsplit("/", 1)[-1].removesuffix(".zip")
        for dialogue in json_doc(read_member_text(data, member)).values():
            for msg in dialogue.get("messages", []):
                if msg.get("role") == "usr":
                    row = _benign(msg.get("content", ""), "zh", "chat")
                    if row is not None:
                        yield row


# --- JGLUE (JSON lines; JSQuAD is SQuAD JSON) ------------------------------------------------


def _jcommonsenseqa(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """JCommonsenseQA questions (Japanese)."""
    for data in files.values():
        for rec in jsonl(data):
            row = _benign(rec.get("question", ""), "ja", "question")
            if row is not None:
                yield row


def _jsquad(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """JSQuAD questions (Japanese)."""
    return _squad_rows(files, lambda _path: "ja", "question")


# --- KorSTS (TSV with a header; sentence1 / sentence2) ---------------------------------------


def _korsts(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """Both sentences of every KorSTS pair (Korean)."""
    for data in files.values():
        for rec in csv_rows(data, delimiter="\t"):
            for key in ("sentence1", "sentence2"):
                row = _benign(rec.get(key) or "", "ko", "sentence")
                if row is not None:
                    yield row


# --- Pins ------------------------------------------------------------------------------------

_XQUAD = _pins(
    "deepmind/xquad",
    "60cac411649156efb6aab9dd4c9cde787a2c0345",
    {
        "xquad.ar.json": "abdabd7afed5c635d99cca0f3f0d0c9d9ed0bc77451e963c2e4e0638c29e486d",
        "xquad.de.json": "990b5d746746ed65ed4702ea5f35f99ffa4e2f1c390c07d003642acd937916f9",
        "xquad.el.json": "821cf0f88e73fa258fd2f548b19b6ec39f7025059e16f6f9fc8cd797c9c3663e",
        "xquad.en.json": "e4c57d1c9143aaa1c5d265ba5987a65f4e69528d2a98f29d6e75019b10344f29",
        "xquad.es.json": "dcbae93ec3a9f4b9e78fd834a171d6f96c1a875e10e15b7530b7e4ef4971e37e",
        "xquad.hi.json": "df2cce3532b37e9beb8979704b5c9a4bf874358f105395a298b89427b43b9d24",
        "xquad.ro.json": "94f8d54e93ad2b7dd2e76dd921a666b5b8eff2d4379df9f179c42b445f09643f",
        "xquad.ru.json": "208d5b1aa154c52b1b5c5eda16281e455e8fd198cdb9af3f469f0d6037d973bf",
        "xquad.th.json": "5cdda11d0e1e075f7872abf4e6ae830388ce7f617964d542308e9ae4257e0f43",
        "xquad.tr.json": "92179a564774b7696100d144c1e10870d0a966b6fccbdd254a65b9d2ab1971cc",
        "xquad.vi.json": "f619a1eb11fb42d3ab0834259e488a65f585447ef6154437bfb7199d85161a04",
        "xquad.zh.json": "691d0b3359bc6b8faa8de931dfdfe21d50a65861ae348e32a0d1a0190b0c8835",
    },
)
_XQUAD_LANGS = ("ar", "de", "el", "en", "es", "hi", "ro", "ru", "th", "tr", "vi", "zh")

_XCOPA = _pins(
    "cambridgeltl/xcopa",
    "e2e9d7f105a758ee869cd13e0fe251ef93a29840",
    {
        "data/et/test.et.jsonl": "f670f3f726342fa3ccd6f844b72d378ed5d0a9a71bd152e6b3607d402eaafa92",
        "data/et/val.et.jsonl": "c6d8f33c11e968fe519d5ddbb61769a73a5ac58ac889060df2fdf5e8a54d6a3c",
        "data/ht/test.ht.jsonl": "ec4a5502e190a51fef4d9cb2080164726772b2d46f7a51c2b86f56748d303428",
        "data/ht/val.ht.jsonl": "022462ff8730fa9345e91e3d174fa346da328d2e7a1225a5938e9897697d61f5",
        "data/id/test.id.jsonl": "b6fe1cfc10bcf02f724dddf876d01df370be0a049cdf1ebf7be8f34504ff66da",
        "data/id/val.id.jsonl": "b3ac8c87c516d64c05ee39becc038ae747b1522010f385796f6c19019f75c77c",
        "data/it/test.it.jsonl": "33564a0dbefc9ff3a7dc868d9a9718d7aaaf7fb136879ae4d2ba022f311f8a88",
        "data/it/val.it.jsonl": "f8389021d6595ef994ed8ff163dfddbcc3f5473b4e7b4803745fb98a7ecd1031",
        "data/qu/test.qu.jsonl": "ac20d5cd67545c41e2fa2e187e88ba4d4c2d7ece1a6489041d44113a5553bd7f",
        "data/qu/val.qu.jsonl": "9e3306acace7bb39c35d20984f2aeca7aa2619af00871ed4743b89f950f7572d",
        "data/sw/test.sw.jsonl": "4ca583c40f9ac045a9b6114fc1f052b0f4ca7402e7a78f567c32a7d8246aa273",
        "data/sw/val.sw.jsonl": "e35fb416b7b9557bcede9987a53d56895c04f3608817d3326da09c52082fbfc5",
        "data/ta/test.ta.jsonl": "ae282423e45f0aed4174cea7594d200214a66b9c721b60f74a21fb2d5adeaf45",
        "data/ta/val.ta.jsonl": "fd22e97aab22d431a14d569fb36de4c6a2fe48ee871a1cbf5fab797176b4e9ee",
        "data/th/test.th.jsonl": "63030f192c4fd8b3c066a8954203d5cdd57d803e8e1069fcca97ff0e7b669423",
        "data/th/val.th.jsonl": "b4c8ae4d5392e7e74667a366c5ed2e39729d67522c1bd35d82e6473505236d47",
        "data/tr/test.tr.jsonl": "1f0152af30bb46acccd0db14ecfe29014c1770c09b0af9b377e15bb4837178ec",
        "data/tr/val.tr.jsonl": "879848162ac5f614f4569c99d37e03bb66034c27684968643371c6c9662bc812",
        "data/vi/test.vi.jsonl": "24cb28827066abb00a2f4004d86c447c4a30a9edb17938b26b61fb2385f94170",
        "data/vi/val.vi.jsonl": "6f804ec3c25b12a3d51f58e338b631bc1b45e7223b15481f8593923e0bdb26fa",
        "data/zh/test.zh.jsonl": "c9b42590399214b9f066adacac2465d7286f5e590181fe6bfd7f6139531b83d4",
        "data/zh/val.zh.jsonl": "8f638466c196342104bdbe9276e7d91fe0abcc044e9a9ad715f30c8ad618bcdd",
    },
)

_MGSM = _pins(
    "google-research/url-nlp",
    "452a21ad3dae5668c06ceeac21ff073e1e40f9be",
    {
        "mgsm/mgsm_bn.tsv": "6b00bc7cc635547e866989284afa924d789b5affa2eb8de623c385dd943ad977",
        "mgsm/mgsm_de.tsv": "4dfea30fede44b813e2e496f5f0534049e83c7cc8aed6e00600b30ec62053626",
        "mgsm/mgsm_en.tsv": "50021d0f28cc957edcb44e7806425b1c7fbd648ddcb9e0a8ec689d10e57d40fa",
        "mgsm/mgsm_es.tsv": "5bd27ebdf00140cec845c5298dc17715f5cd57d8edda6df1976db40bf3f0750a",
        "mgsm/mgsm_fr.tsv": "36207c1c03fd7cd3ea491441eb755408199f94e4a647851df531bbaedc99d606",
        "mgsm/mgsm_ja.tsv": "59a2b50debe77981fd784cb3b2bef1505e3abf2a37116dc9d7a366ab029b4637",
        "mgsm/mgsm_ru.tsv": "6bd30fd2e80c5bac23f566fb4ae0e6a55a19578401fbf9a01fb21beb3645fef8",
        "mgsm/mgsm_sw.tsv": "2bac828d77229e65d7c7197b1ad4a2cb5b1fe99b163f2cbdd66501de6a2115c4",
        "mgsm/mgsm_te.tsv": "dd6b1452c244bb2e4ba254c01ea84137f80c1cefc57d69c23b0ed88b9c0f36b7",
        "mgsm/mgsm_th.tsv": "f3932dc5ad8e9d0ea82b017adc1e1461dd647af861e7166d6741986602a0cfd6",
        "mgsm/mgsm_zh.tsv": "b2fa63151022370a0de1f4211c8c284eae74b0f5a3b003b1d5982c0d4a73f661",
    },
)

_XSID = _pins(
    "mainlp/xsid",
    "761d926c3f2e9f6bea13192d2f39cec1d04d9777",
    {
        "data/xSID-0.6/ar.test.conll": "3153e7b07c6e73e5641eca5813ce1fa81b746428d1c4078829a9c009627a770a",
        "data/xSID-0.6/ar.valid.conll": "b06a509a5bcec84c68825c6e595890ff9a2a4b16e790bdd853d160323545d689",
        "data/xSID-0.6/da.test.conll": "f299f6d274157b3a0ef4b45773c8d1d35110f455aacdbe2f3109d58c10b694ae",
        "data/xSID-0.6/da.valid.conll": "bb7be81750052d8b76970edd0363acb31b41e8edf5474d9109fb21659ae2a70e",
        "data/xSID-0.6/de.test.conll": "3940bd10101babf1c29ae238d2c788a91e4b25b9dbd5b7a162de52cab552354b",
        "data/xSID-0.6/de.valid.conll": "36fa82c92a5da4b53330d38f5f0c4b80b9cdafe8b0a320d4baab6e2de8f63ef8",
        "data/xSID-0.6/en.test.conll": "4d1590a0d9f63172c477a33046dd1821414990a44c6ff4de698a1c3b7dd3ac88",
        "data/xSID-0.6/en.valid.conll": "84e46e2c845744927b482cd647151e31795699cddcde61928bfde49d8c38ecd8",
        "data/xSID-0.6/id.test.conll": "e5c4a21a8beb4131390c2a55b9b091e6bd619498b4fdc9c3d174091393bde720",
        "data/xSID-0.6/id.valid.conll": "977e05b0269a349e46f8fbb90fc2d817da5da2cf218f9cc7bfa3914806d41ec2",
        "data/xSID-0.6/it.test.conll": "9fbebbadc9681209e66391783ea6da57a0f91e1586d82c702402f8b835251804",
        "data/xSID-0.6/it.valid.conll": "26acfbc284b4c00a401531f74f596422b840e5307af84696b5c6d8c615301fb0",
        "data/xSID-0.6/ja.test.conll": "7cfa77b0aebba129c304914792be64751fb180eae6307e30b09ea7591e30c8ce",
        "data/xSID-0.6/ja.valid.conll": "e0ab6c083f7a1cb48b83868a7546dbd114172d9a5e25603d844e3c8a3897ab7f",
        "data/xSID-0.6/kk.test.conll": "612facbccc4d18e35ea8c1f53e6f69d2092a0c0936ac34341c58ecc3b2007af4",
        "data/xSID-0.6/kk.valid.conll": "8c5f353c4583871acf86187087f1d350d3b4e7d0b974b897bc7175341c70a53f",
        "data/xSID-0.6/lt.test.conll": "5fe0035b5f9185648ac99722ba64635e2076fcaac599dda50d3a7a235a017016",
        "data/xSID-0.6/lt.valid.conll": "08058f3e4fe7ef38a5be21dd1260fe6c6eedd236772977bfda65fb5acb8c47b0",
        "data/xSID-0.6/nl.test.conll": "ae6164b5cb505010d16d85711a87a7f105a2651e0df6a89496d32b4078216ca3",
        "data/xSID-0.6/nl.valid.conll": "44f2f86d1f7ead74434d7ea7ff6905458c64c4d63119825f6a4bdc994c90ad1a",
        "data/xSID-0.6/sr.test.conll": "71532ab938ba3b4fde92ff613517ced9424aea4cb7ce7b0e291b394035a93cd5",
        "data/xSID-0.6/sr.valid.conll": "ef9f1c3368b33f7b5ef2b131eb3940e7c3b538785898486c7084333dcc182b32",
        "data/xSID-0.6/tr.test.conll": "c600eb35a716f28d682fe77610dc30a8f9e63612df48ebb52ed3f9e5e0f2cf21",
        "data/xSID-0.6/tr.valid.conll": "0ac8d0d818c65eefd332f17d01f51e272ab1fce630216b7aa529291e716b83fc",
        "data/xSID-0.6/zh.test.conll": "a5f03ff29b9fbf63be8b8001376b9bcf955081fe9967aa2d496e2985a5536e41",
        "data/xSID-0.6/zh.valid.conll": "1b04574369210b6b652e2a5fc1a0fec86e66462988ae54b200b2fea0825a4b93",
    },
)

_XSAFETY_REPO = (
    "Jarviswang94/Multilingual_safety_benchmark",
    "8c55b6a6cda594cd550a4921513238a2dd40eb5a",
)
_XSAFETY_HIJACK = _pins(
    *_XSAFETY_REPO,
    {
        "ar/Goal_Hijacking.csv": "b206f27571f919e78fbd17b956127e9d0377f278c5e241cd30bd80342d48895f",
        "de/Goal_Hijacking.csv": "aa7a9a7d05132932457b531019d00e29d197cc59cf56ab02b0d4d38501bf0529",
        "en/Goal_Hijacking_n.csv": "f744853088c412a25001a4275fc20b51a13af97f9fffadf60e38003fa852a395",
        "fr/Goal_Hijacking.csv": "8d1c1a1c95893faa34a8023bc939054d77c837389c470cdc3855139e1aa3afa6",
        "hi/Goal_Hijacking.csv": "97417267593353b2f61f4305899800f72b8c0a654ffdd7bcae4db30a08593d82",
        "ja/Goal_Hijacking.csv": "eca0d7ab78ac31e5a005aa31c5cb37cab0d521012db0cd110f558c0d9d51430a",
        "ru/Goal_Hijacking.csv": "b2786975de0379e9056437a966437f7c627a7ec8c4169141c12d8912f69117aa",
        "sp/Goal_Hijacking.csv": "c6c944660b21143bc413641392e98715d433bb45640f39bf442503ddc8b27cac",
        "zh/Goal_Hijacking.csv": "f23d3769ff432022f1eb5b76d9a6cf2f4d4c6a232b8d65df138b91c645ed459e",
    },
)
_XSAFETY_COMMONSENSE = _pins(
    *_XSAFETY_REPO,
    {
        "ar/commonsense.csv": "355ade5d892b49e8e62f0c87648692595adcbdf9a7ef06c3d9c6b6a53322aabd",
        "bn/commonsense.csv": "80e8d52ecbd149eb1135499c534b7d68adbdc122a5248220e1f8d5fa95f70ed6",
        "de/commonsense.csv": "3ca9649895b896063fda72abd03bae7519b663c50f77238f7f607fef8e34266a",
        "en/commonsense.csv": "c2758123a27635ef721137f9fd15dcbdded2437443e5ab782891fd5ef6256b53",
        "fr/commonsense.csv": "c16d06e361ef4dae0da8ae713c1b544b9bb80b5da6719456a7a5663720b9fbb1",
        "hi/commonsense.csv": "9c10ce27cdd0a699d30e602c6b62068271ee11d3d54561b02ffd0abffda7fe1e",
        "ja/commonsense.csv": "f7eba7c62cbeeb6458982c03d5542ac129b624da7e5fbf2f57c31959071196f6",
        "ru/commonsense.csv": "3c79a7bd19c662b31ae997b7677ea607a1b3c7d345e96461f071b08337e81f3f",
        "sp/commonsense.csv": "6f3efce4af8599d601b1f8761f3d63343d16ee58ebb21192792da523f3541399",
        "zh/commonsense.csv": "2770a1b9c8780609c85bde6cc6b6e5227dd585dae1b001f1ce37285d1f84a31f",
    },
)

_NTREX = _pins(
    "MicrosoftTranslator/NTREX",
    "8561f6a622db9edad1217683e5c83daefd8bb2bf",
    {
        "NTREX-128/newstest2019-ref.kor.txt": "2b50fa9a121b595ac7d3b9e98d901e72bafe68dcd945109ceb1fbbe782193638",
        "NTREX-128/newstest2019-ref.por.txt": "ad2b8c2d91be6a17f9c0df0dd25e358b8de6168212b4bbc9718ea41c4df9ecd8",
        "NTREX-128/newstest2019-ref.pol.txt": "95fb2e4b00a41847015eebda8821d52eadb60479507e179e575e3c706e353b77",
        "NTREX-128/newstest2019-ref.fas.txt": "17bca2217c74accf95fbdc47b7743402a05abc0d892ae6053477c7aec4a767c1",
        "NTREX-128/newstest2019-ref.heb.txt": "3b8cc2c45ab00c3514a9a227910f16e0f025023e7f340286f0e5f95a64e259a7",
        "NTREX-128/newstest2019-ref.ukr.txt": "310112858e242ee930f53b2c00092b513dc7b4d2327ae6bb19e411a03c044db9",
        "NTREX-128/newstest2019-ref.ces.txt": "2195d2ebf7e6ea69246681765cb1e274d9b4ba038d55ebd057d93eb60a8c5a93",
        "NTREX-128/newstest2019-ref.hun.txt": "c27a8a3689048c97505686eccd25a9a24391a5cba23418b43578637fd4e51e90",
        "NTREX-128/newstest2019-ref.swe.txt": "a82ce7ec2097a34ca41a8e72f51d97b68f71b8facdf3467a0c5d950f350113b3",
        "NTREX-128/newstest2019-ref.fin.txt": "81582e84f53af18841fa9e36c22e9b47178aab5014ee063aa755594674e05195",
        "NTREX-128/newstest2019-ref.nob.txt": "985a0d415478ddadca90a7d40416b907c7789bddbc9c16074702ddd03c59a498",
        "NTREX-128/newstest2019-ref.bul.txt": "9497942b166d7d98ad589b16ae9f8af26c093fcd100bcd59331a66f5dbf1b67a",
        "NTREX-128/newstest2019-ref.hrv.txt": "bbaf7aaceb6216738af2fb2dbfbdcfe8b14f1cfade653c85aa9872b0abc13b0b",
        "NTREX-128/newstest2019-ref.slk.txt": "da45d3376bd5fa280fcf23c12c095d4a497b97f64e1a186cb4411a1cd9391897",
        "NTREX-128/newstest2019-ref.slv.txt": "8bb020b26a06141f3f9bb7c34fc61712570f2defb349f5715b50fbea2afdca5e",
        "NTREX-128/newstest2019-ref.cat.txt": "2c3e98b384e4c5d314eac8c600414808fb5fa89531521185e5311ab3490de81f",
        "NTREX-128/newstest2019-ref.msa.txt": "fda495147854225508455ec1034eee35636ecfad960e32141aa0fdc9592f1d85",
        "NTREX-128/newstest2019-ref.fil.txt": "a87a71b901d91b00c8c4df1fdd949c3480d620193e6e1c8215fad63764e8c35b",
        "NTREX-128/newstest2019-ref.urd.txt": "e069058861f5f285c159dbdcf9c40a75fcf897ab4191ca3fadbdd815048f5abe",
        "NTREX-128/newstest2019-ref.mar.txt": "a72aaecd670f18b045bb3704c41277faea665ecaaf8af6932a8c3ea51ae5ac7b",
        "NTREX-128/newstest2019-ref.guj.txt": "fbe9554a4e71ca9a4367bdd1bba3b5bd3067653ca39ce8492dca3d8f865878e5",
        "NTREX-128/newstest2019-ref.kan.txt": "c670e7573d5e9943b8ea311d4ec2b93eaa3990a82dc5ee9140fd61b63f57d313",
        "NTREX-128/newstest2019-ref.mal.txt": "75ccc6035099e5e6c14437e287d175e060eedb291d2d7f0ebf895aae2503ce81",
        "NTREX-128/newstest2019-ref.pan.txt": "4f715182531a39b0e2aefacd4a71fa11659c71a9cdb2be32e0aa8d7181330d16",
        "NTREX-128/newstest2019-ref.nep.txt": "c4c2187654fa93a71624d6ae5ef912274a703be2ad47eb715c354e1001b1b8f7",
        "NTREX-128/newstest2019-ref.sin.txt": "041a0e9a52887ab3d8d5e8e6791a9fbe67ac2609cb4e50250c735c00c8b4cf8d",
        "NTREX-128/newstest2019-ref.mya.txt": "78f9360b779d2005e5c4ebb140b3b1a10f382270f0e133d7e6509a3b8dd5d604",
        "NTREX-128/newstest2019-ref.khm.txt": "00df54f9091c99d405de6a6babdec97525daecaa1be72099cbe8bb95d33b39da",
        "NTREX-128/newstest2019-ref.amh.txt": "9383b4681e1fc24c285af145f0d70a76997763df9aa366623c458ea2bcc19823",
        "NTREX-128/newstest2019-ref.hau.txt": "e6665dd99bf833d328928cf8a5522613833dc64c4df78851071faa1bad736b36",
        "NTREX-128/newstest2019-ref.yor.txt": "949526fa834746b6bf85e5014ccaae993b94d4d9ac1452350eb715e30ecd62f2",
        "NTREX-128/newstest2019-ref.zul.txt": "498c1d15998c7e418feba7362f23f6c763687013bf59ed45ef3fe8b3a53e258d",
    },
)

_CROSSWOZ = _pins(
    "thu-coai/CrossWOZ",
    "df82c9fdff91b9b130f2d6b89110d3870ba6260e",
    {
        "data/crosswoz/test.json.zip": "e57703894995211bba8638f130dc7df81e8992b71f3c05c10022ad23d6ca5310",
        "data/crosswoz/val.json.zip": "b2b717990f6f0a1c98daaf5dc465e61d42f7de69c0d31e88e674275b1f34c94c",
    },
)

_JGLUE_REPO = ("yahoojapan/JGLUE", "6f071c09316baae89c3d083a90985b4b1cb9968c")
_JCOMMONSENSEQA = _pins(
    *_JGLUE_REPO,
    {
        "datasets/jcommonsenseqa-v1.3/train-v1.3.json": "9b55fae5ecb3aedd6f8ce5bc09196c3b629864668ec6c18eee4d65c0aa48229e",
        "datasets/jcommonsenseqa-v1.3/valid-v1.3.json": "0d8d76f3bfa0d174866939882faccdd01fbc2bcd5a76c43748ba0c40a7b3b8d4",
    },
)
_JSQUAD = _pins(
    *_JGLUE_REPO,
    {
        "datasets/jsquad-v1.3/valid-v1.3.json": "fb0a57a35281ff03bbe7f0e878cff5b577985fbe6fcb242e7e8ddb63d1c0ab11"
    },
)

_KORSTS = _pins(
    "kakaobrain/kor-nlu-datasets",
    "0df0fe7d496eb61b092e022e238c2230b29f1cbc",
    {
        "KorSTS/sts-train.tsv": "b5aaa7f957d6ff46f4b6834a8b0f024a9234a6eefe9289aed66746b4533da3b8",
        "KorSTS/sts-dev.tsv": "d835b65b424401fbcce6be28a78159df8d61f5b19977ea7a0b83b8cb6105f393",
        "KorSTS/sts-test.tsv": "13f83a3440d9db52d134eb40303ce021b03264aa338fbf2871c8786ce04d2105",
    },
)

_SA_NOTE = "CC BY-SA text, used as training data (weights are not an adaptation in our reading)"

SOURCES = [
    Source(
        name="xquad-questions",
        family="xquad",
        licence="CC-BY-SA-4.0",
        url="https://github.com/deepmind/xquad",
        files=_XQUAD,
        extract=_xquad_questions,
        labels={"question": "benign"},
        note=f"XQuAD questions, <=600 per language by text hash; {_SA_NOTE}",
        languages=_XQUAD_LANGS,
        max_rows=8000,
    ),
    Source(
        name="xquad-contexts",
        family="xquad",
        licence="CC-BY-SA-4.0",
        url="https://github.com/deepmind/xquad",
        files=_XQUAD,
        extract=_xquad_contexts,
        labels={"context paragraph": "benign"},
        note=f"XQuAD context paragraphs (translated Wikipedia), every language; {_SA_NOTE}",
        languages=_XQUAD_LANGS,
        max_rows=8000,
    ),
    Source(
        name="xcopa",
        family="xcopa",
        licence="CC-BY-4.0",
        url="https://github.com/cambridgeltl/xcopa",
        files=_XCOPA,
        extract=_xcopa,
        labels={"premise / choice sentence": "benign"},
        note="XCOPA human translations (data/, not data-gmt): premise and choices, <=700 per language",
        languages=("et", "ht", "id", "it", "qu", "sw", "ta", "th", "tr", "vi", "zh"),
        max_rows=8000,
    ),
    Source(
        name="mgsm",
        family="mgsm",
        licence="CC-BY-4.0",
        url="https://github.com/google-research/url-nlp/tree/main/mgsm",
        files=_MGSM,
        extract=_mgsm,
        labels={"math word problem": "benign"},
        note="MGSM: the 250 GSM8K problems in 11 languages (question column of each TSV)",
        languages=("bn", "de", "en", "es", "fr", "ja", "ru", "sw", "te", "th", "zh"),
        max_rows=8000,
    ),
    Source(
        name="xsid",
        family="xsid",
        licence="CC-BY-SA-4.0",
        url="https://github.com/mainlp/xsid",
        files=_XSID,
        extract=_xsid,
        labels={"assistant request": "benign"},
        note=f"xSID 0.6 test+valid '# text =' utterances (dialect files skipped), <=600 per "
        f"language; {_SA_NOTE}",
        languages=("ar", "da", "de", "en", "id", "it", "ja", "kk", "lt", "nl", "sr", "tr", "zh"),
        max_rows=8000,
    ),
    Source(
        name="xsafety-goal-hijacking",
        family="xsafety",
        licence="Apache-2.0",
        url="https://github.com/Jarviswang94/Multilingual_safety_benchmark",
        files=_XSAFETY_HIJACK,
        extract=_xsafety_hijacking,
        labels={"Goal_Hijacking (with an 'ignore ...' instruction)": "goal_hijacking"},
        note="XSafety Goal_Hijacking CSVs; only lines whose translation kept an explicit 'ignore' "
        "word (others dropped, not relabelled); bn (xlsx only) skipped",
        languages=("ar", "de", "en", "es", "fr", "hi", "ja", "ru", "zh"),
    ),
    Source(
        name="xsafety-commonsense",
        family="xsafety",
        licence="Apache-2.0",
        url="https://github.com/Jarviswang94/Multilingual_safety_benchmark",
        files=_XSAFETY_COMMONSENSE,
        extract=_xsafety_commonsense,
        labels={"commonsense safety question": "benign"},
        note="XSafety commonsense.csv: everyday-safety multiple-choice questions, every line",
        languages=("ar", "bn", "de", "en", "es", "fr", "hi", "ja", "ru", "zh"),
    ),
    Source(
        name="ntrex-128",
        family="ntrex",
        licence="CC-BY-SA-4.0",
        url="https://github.com/MicrosoftTranslator/NTREX",
        files=_NTREX,
        extract=_ntrex,
        labels={"news sentence": "benign"},
        note=f"NTREX-128 newstest2019 references for 32 languages absent from the other sources "
        f"here, <=250 sentences per language by text hash; {_SA_NOTE}",
        languages=tuple(sorted(_NTREX_LANGS.values())),
        max_rows=8000,
    ),
    Source(
        name="crosswoz-user-turns",
        family="crosswoz",
        licence="Apache-2.0",
        url="https://github.com/thu-coai/CrossWOZ",
        files=_CROSSWOZ,
        extract=_crosswoz,
        labels={"usr turn": "benign"},
        note="CrossWOZ test+val dialogues (train.json.zip is not in the snapshot): user turns",
        languages=("zh",),
        max_rows=5000,
    ),
    Source(
        name="jglue-jcommonsenseqa",
        family="jglue-jcommonsenseqa",
        licence="CC-BY-SA-4.0",
        url="https://github.com/yahoojapan/JGLUE",
        files=_JCOMMONSENSEQA,
        extract=_jcommonsenseqa,
        labels={"question": "benign"},
        note=f"JGLUE JCommonsenseQA v1.3 train+valid question field; {_SA_NOTE}",
        languages=("ja",),
        max_rows=3000,
    ),
    Source(
        name="jglue-jsquad",
        family="jglue-jsquad",
        licence="CC-BY-SA-4.0",
        url="https://github.com/yahoojapan/JGLUE",
        files=_JSQUAD,
        extract=_jsquad,
        labels={"question": "benign"},
        note=f"JGLUE JSQuAD v1.3 valid questions (train is not in the snapshot); {_SA_NOTE}",
        languages=("ja",),
        max_rows=2000,
    ),
    Source(
        name="korsts",
        family="kor-nlu",
        licence="CC-BY-SA-4.0",
        url="https://github.com/kakaobrain/kor-nlu-datasets",
        files=_KORSTS,
        extract=_korsts,
        labels={"sentence": "benign"},
        note=f"KorSTS train/dev/test, both sentences of each pair (KorNLI skipped: XNLI/MNLI "
        f"origin); {_SA_NOTE}",
        languages=("ko",),
        max_rows=3000,
    ),
]
"""The multilingual sources, in build order."""
