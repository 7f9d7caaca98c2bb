"""Sources: benign texts a deployed chatbot or agent receives, from public GitHub repositories.

Task-oriented dialogues (user turns, whole conversations, tool results), questions and
instructions, code, RAG passages in many languages, customer-support requests, everyday
assistant requests, and security/sysadmin explanations (hard look-alikes: passwords, keys,
SQL, shell). Every row is ``benign``.
"""

from __future__ import annotations

import bz2
import html
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from corpus_builder._formats import csv_rows, decode, json_doc, jsonl, pick
from corpus_builder._spec import Artifact, RawRow, Source
from corpus_builder.sources._common import gh, rows_from
from corpus_builder.sources._common import gh_files as _pinned

BENIGN = "benign"
SHARE_ALIKE = "CC BY-SA text: the corpus keeps attribution; weights are not an adaptation"


def _benign(texts: Iterable[str], *, kind: str, lang: str | None = "en") -> Iterator[RawRow]:
    """Benign rows of ``kind`` for every non-empty text."""
    return rows_from(texts, label="benign", category=BENIGN, lang=lang, kind=kind)


def _join(turns: Iterable[tuple[str, str]]) -> str:
    """A conversation as one text, one ``Speaker: utterance`` line per turn."""
    return "\n".join(f"{speaker}: {text.strip()}" for speaker, text in turns if text.strip())


# --- Taskmaster-4 (coffee-ordering self-dialogs with API calls) -------------------------------


def _tm4_dialogs(files: Mapping[str, bytes]) -> Iterator[dict[str, Any]]:
    """Every conversation of the Taskmaster-4 ``data_NN.json`` files."""
    for data in files.values():
        yield from json_doc(data)


def tm4_user_turns(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """Each user utterance of Taskmaster-4 as one row."""
    texts = (
        u["text"] for d in _tm4_dialogs(files) for u in d["utterances"] if u["speaker"] == "user"
    )
    return _benign(texts, kind="chat")


def tm4_conversations(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """Each Taskmaster-4 conversation joined as ``User:``/``Assistant:`` lines."""
    texts = (
        _join((u["speaker"].capitalize(), u["text"]) for u in d["utterances"])
        for d in _tm4_dialogs(files)
    )
    return _benign(texts, kind="conversation")


def tm4_tool_results(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """The JSON API responses annotated in Taskmaster-4 (40 characters or more): tool results."""
    texts = (
        a["value"]
        for d in _tm4_dialogs(files)
        for u in d["utterances"]
        for a in u.get("annotations", ())
        if a.get("name") == "response" and len(a.get("value", "")) >= 40
    )
    return _benign(texts, kind="tool_result")


# --- Schema-Guided Dialogue (SGD) --------------------------------------------------------------


def _sgd_dialogs(files: Mapping[str, bytes]) -> Iterator[dict[str, Any]]:
    """Every dialogue of the SGD ``dialogues_NNN.json`` files."""
    for data in files.values():
        yield from json_doc(data)


def sgd_user_turns(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """Each ``USER`` utterance of SGD as one row."""
    texts = (
        t["utterance"] for d in _sgd_dialogs(files) for t in d["turns"] if t["speaker"] == "USER"
    )
    return _benign(texts, kind="chat")


def sgd_conversations(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """Each SGD dialogue joined as ``User:``/``System:`` lines."""
    texts = (
        _join((t["speaker"].capitalize(), t["utterance"]) for t in d["turns"])
        for d in _sgd_dialogs(files)
    )
    return _benign(texts, kind="conversation")


# --- Questions, code, customer requests --------------------------------------------------------


def jsonl_questions(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """The ``question`` field of every JSON-lines record (GSM8K, NQ-open)."""
    texts = (rec["question"] for data in files.values() for rec in jsonl(data))
    return _benign(texts, kind="question")


def humaneval_code(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """Each HumanEval task as complete code: the prompt (signature + docstring) + solution."""
    texts = (
        rec["prompt"] + rec["canonical_solution"] for data in files.values() for rec in jsonl(data)
    )
    return _benign(texts, kind="code")


def banking77_requests(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """The ``text`` column of BANKING77 (customer-support requests to a bank)."""
    texts = (row["text"] for data in files.values() for row in csv_rows(data))
    return _benign(texts, kind="support_request")


def clinc150_requests(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """Every utterance of every split of CLINC150 ``data_full.json`` (in-scope and out-of-scope)."""
    texts = (
        pair[0] for data in files.values() for split in json_doc(data).values() for pair in split
    )
    return _benign(texts, kind="request")


# --- Markdown guides ---------------------------------------------------------------------------

_FENCE = re.compile(r"^```.*?^```[^\n]*$", re.M | re.S)
_HEADING = re.compile(r"^#{2,3} ", re.M)
MIN_SECTION = 200
MAX_SECTION = 4000


def markdown_sections(text: str) -> Iterator[str]:
    """The ``##``/``###`` sections of a Markdown page, fenced code blocks removed.

    Sections shorter than ``MIN_SECTION`` characters are skipped; longer ones than
    ``MAX_SECTION`` are cut at the last paragraph break before that length.
    """
    prose = _FENCE.sub("", text)
    for part in _HEADING.split(prose)[1:]:
        section = re.sub(r"\n{3,}", "\n\n", part).strip()
        if len(section) > MAX_SECTION:
            cut = section.rfind("\n\n", 0, MAX_SECTION)
            section = section[: cut if cut > 0 else MAX_SECTION]
        if len(section) >= MIN_SECTION:
            yield "## " + section


def owasp_sections(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """Sections of OWASP cheat sheets (prose and lists; code blocks removed)."""
    texts = (s for data in files.values() for s in markdown_sections(decode(data)))
    return _benign(texts, kind="security_doc")


def markdown_bullets(text: str) -> Iterator[str]:
    """Top-level ``- `` list items of a Markdown page (with their indented continuation)."""
    item: list[str] = []
    for line in text.splitlines():
        if line.startswith("- "):
            if item:
                yield "\n".join(item).strip()
            item = [line[2:]]
        elif item and (line.startswith((" ", "\t")) or not line.strip()):
            item.append(line)
        elif item:
            yield "\n".join(item).strip()
            item = []
    if item:
        yield "\n".join(item).strip()


def _readme_lang(path: str) -> str:
    """The language of ``README-xx.md`` (``README.md`` is English; ``zh-Hant`` is ``zh``)."""
    match = re.fullmatch(r"README-([a-z]{2})(?:-\w+)?\.md", path)
    return match.group(1) if match else "en"


def command_line_tips(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """Each tip (a top-level bullet of 40+ characters) of every translation."""
    for path, data in files.items():
        texts = (b for b in markdown_bullets(decode(data)) if len(b) >= 40)
        yield from _benign(texts, kind="sysadmin_doc", lang=_readme_lang(path))


# --- Customer care on Twitter (IBM) ------------------------------------------------------------


def _twitter_dialogs(files: Mapping[str, bytes]) -> Iterator[dict[str, Any]]:
    """Every conversation of the IBM Twitter customer-care ``dev.json``/``test.json``."""
    for data in files.values():
        yield from json_doc(data)


def twitter_customer_messages(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """Each customer (``client``) tweet of a customer-care conversation."""
    texts = (
        turn["message"]
        for d in _twitter_dialogs(files)
        for turn in d["dialogContent"]
        if "client" in turn
    )
    return _benign(texts, kind="support_request", lang=None)


def twitter_conversations(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """Each conversation as ``Customer:``/``Agent:`` lines, ending with the agent's link reply."""
    for d in _twitter_dialogs(files):
        turns = [
            ("Customer" if "client" in t else "Agent", t["message"]) for t in d["dialogContent"]
        ]
        turns.append(("Agent", pick(d, "agentURL", "url_utterance") or ""))
        yield from _benign([_join(turns)], kind="conversation", lang=None)


# --- Text-to-SQL (advising, WikiSQL) ----------------------------------------------------------


def _fill(text: str, variables: Mapping[str, str]) -> str:
    """``text`` with each placeholder word (``requirement0``) replaced by its value."""
    for name, value in variables.items():
        text = re.sub(rf"\b{re.escape(name)}\b", value, text)
    return text


def advising_questions_and_sql(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """Advising questions (placeholders filled) and each SQL query (with the examples filled)."""
    for data in files.values():
        for rec in json_doc(data):
            questions = (_fill(s["text"], s["variables"]) for s in rec["sentences"])
            yield from _benign(questions, kind="question")
            examples = {v["name"]: v["example"] for v in rec["variables"]}
            yield from _benign((_fill(q, examples) for q in rec["sql"]), kind="sql")


def wikisql_questions(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """The original question text of every WikiSQL sentence (``wikisql.json.bz2``)."""
    for data in files.values():
        records = json.loads(bz2.decompress(data).decode("utf-8"))
        texts = (s.get("original") or s["text"] for rec in records for s in rec["sentences"])
        yield from _benign(texts, kind="question")


# --- Interview questions (sysadmin, front-end) ------------------------------------------------

_SUMMARY = re.compile(r"<summary><b>(.*?)</b></summary>(.*?)</details>", re.S)
_TAG = re.compile(r"<[^>]+>")


def _untag(text: str) -> str:
    """``text`` without HTML tags, entities unescaped, whitespace trimmed."""
    return html.unescape(_TAG.sub("", text)).strip()


def sysadmin_questions(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """Each ``<details>`` question (alone, and with its answer) of test-your-sysadmin-skills."""
    for data in files.values():
        for match in _SUMMARY.finditer(decode(data)):
            question = _untag(match.group(1)).removesuffix("***").strip()
            answer = _untag(match.group(2))
            yield from _benign([question], kind="question")
            if len(answer) >= 40:
                yield from _benign([f"{question}\n\n{answer}"], kind="sysadmin_doc")


_H5BP_LANGS = {
    "arabic": "ar", "bengali": "bn", "bulgarian": "bg", "burmese": "my",
    "chinese-traditional": "zh", "chinese": "zh", "croatian": "hr", "czech": "cs",
    "danish": "da", "dutch": "nl", "farsi": "fa", "french": "fr", "german": "de",
    "greek": "el", "hebrew": "he", "hindi": "hi", "hungarian": "hu", "indonesian": "id",
    "italian": "it", "japanese": "ja", "korean": "ko", "latvian": "lv", "polish": "pl",
    "portuguese": "pt", "romanian": "ro", "russian": "ru", "serbian": "sr", "slovakian": "sk",
    "slovenian": "sl", "spanish": "es", "swedish": "sv", "turkish": "tr", "ukrainian": "uk",
    "vietnamese": "vi",
}  # fmt: skip


def _h5bp_lang(path: str) -> str:
    """``src/translations/LANGUAGE/README.md`` -> ISO code; ``src/questions/*`` is English."""
    parts = path.split("/")
    return _H5BP_LANGS[parts[2]] if parts[1] == "translations" else "en"


def frontend_questions(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """Each top-level ``* `` question (with its sub-questions) of every page and translation."""
    for path, data in files.items():
        text = decode(data).replace("\n* ", "\n- ")
        texts = (b for b in markdown_bullets(text) if "](" not in b and len(b) >= 15)
        yield from _benign(texts, kind="question", lang=_h5bp_lang(path))


# --- HumanEval-X (HumanEval in C++, Go, Java, JavaScript, Rust) -------------------------------


def humaneval_x_code(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """Each HumanEval-X task as complete code (prompt with comments + canonical solution)."""
    texts = (
        rec["prompt"] + rec["canonical_solution"] for data in files.values() for rec in jsonl(data)
    )
    return _benign(texts, kind="code")


# --- HWU64 (home-assistant requests, incl. jokes and small talk) -------------------------------


def hwu64_requests(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """The user's own wording (``answer_from_user``, else the normalised one) of each row."""
    for data in files.values():
        for row in csv_rows(data, delimiter=";"):
            text = row.get("answer_from_user") or ""
            if text.strip().lower() in ("", "xxx", "null"):
                text = row.get("answer_from_anno") or ""
            yield from _benign([text], kind="request")


# --- Pins -----------------------------------------------------------------------------------

_TM4_COMMIT = "d92cb6af3005f1dc09c39e75e7daf4a04905e00b"
_TM4_FILES = {
    "TM-4-2024/data/data_00.json": "d9440d1a46e6ba9f8c680a77a7dc7a42b0b3266ef555aeac6160b0d5ac37c647",
    "TM-4-2024/data/data_01.json": "2577d6af1c9d7cc5540d5193206d35b000ebeff59925c1076ce724f1a85b8964",
    "TM-4-2024/data/data_02.json": "b353618d9709c6bdeafa08682526e04047ad28d5f9acd65ed7878482a90d49df",
    "TM-4-2024/data/data_03.json": "45fe8eb52af674b69972d172c911f9cfd6f5044b61338b524997edf1a4861641",
    "TM-4-2024/data/data_04.json": "bf5f2e3704aab48f657ec97f8d9bf041abec17a1cd3e56206c3424910875088d",
    "TM-4-2024/data/data_05.json": "3d158e9880bfea3e5db18d008cf1f726f1d802eca28c2b71fc291274b9ee60ba",
    "TM-4-2024/data/data_06.json": "dd0546a6aaf430a812f4cfb5d8f9f0c823136ba2e77e78103b50a8e95080759c",
    "TM-4-2024/data/data_07.json": "b61f11f3c950c330049906ae249e858503ec7c905fcad5b4a7edd851ccf07bbc",
}
_SGD_COMMIT = "e852981ae34990f4358979625854259302feaa78"
_SGD_FILES = {
    "train/dialogues_001.json": "5ce28a6e656bc88c1da29c983d243d5a81eb37de92698da3864d1cf02894ca24",
    "train/dialogues_002.json": "56a06f9762593b27f5b34225de4ce37da5e83c9c5747e56bca2899f147d88b3e",
    "train/dialogues_003.json": "aae3d8d141c8c36bc5268ca573044b4e82d4534947c169d951a1f229b9852029",
    "train/dialogues_004.json": "4f4aa821e01d7d9efd44c2e89264d37e428045e7058bf3b3c6be0eaec09eddce",
    "train/dialogues_005.json": "e19563efc34dead580435331d39ec3183c79230fa361b2e2d79035af242dd90b",
    "train/dialogues_006.json": "6b4829cb18185f063b81d271b847aa6915ef970cb592a2366edbec56d4b4c746",
    "train/dialogues_007.json": "59adf47264e106df1ce4a59d2c88e95b5a12497e6f5e3e5464381c2a7526837c",
    "train/dialogues_008.json": "36614c125ce310dd162b62d624b8bcd117053cf727978458b6c36b6592f6e757",
    "train/dialogues_009.json": "d8cc086374bbce168a03169341687eaa9f886fe25f8b8dd5bd6832f6f441951d",
    "train/dialogues_010.json": "d8658cd35bd4b6d274720d14308ec721f238d70cc37ea947c38f9d83a0267c1b",
    "train/dialogues_011.json": "66f7eb72a46fa379d85e53ae607e5920a4fa14a4a99765d91ee67f3675fdf4d7",
    "train/dialogues_012.json": "483b09fc9ad3d5b7285d2e1bc44057f1286ea3e73d7ff191fcec5e1acb364412",
    "train/dialogues_013.json": "c6592a97753a8d3be8bae0099b3877e21f293a12d8daf9bcdcbec7289d5f1be3",
    "train/dialogues_014.json": "5cd6cc68c676a2546a3312eda0f29be170ab5f0d6c602c9548ffa2c095037c7b",
    "train/dialogues_015.json": "b698e8db9b0898186453ec9fcec5f80ab043cfe301447d28dc577e99bd3acfd3",
    "train/dialogues_016.json": "5a7d85a3058f38bf40290782721865c3d816f43841e0cd302b21167eefecf449",
}
_OWASP_COMMIT = "6b8819da79e0537d072e04296ffa3adfc94ba881"
_OWASP_FILES = {
    "cheatsheets/Password_Storage_Cheat_Sheet.md": "59e6ce03452bb2607e690010487389db388af969d43ce6acb535a3e2f128e14e",
    "cheatsheets/Authentication_Cheat_Sheet.md": "b1d318a57f742d12b57bccda3153873653652c767038c5ca3d9d74350819f303",
    "cheatsheets/Authorization_Cheat_Sheet.md": "e78a10eb9759a1fc7593ba1fc89a05b017e7e795ac16ad5496bdba86138d891f",
    "cheatsheets/Cryptographic_Storage_Cheat_Sheet.md": "0f4b2e0c298b21cba95463218f3537306a96cfb49d1330e9b0a79389f9b061e6",
    "cheatsheets/Database_Security_Cheat_Sheet.md": "2ac2bc9cdf558a9173c60b4dfd52ebd696c0b418be785c9bf0392249e107990b",
    "cheatsheets/Docker_Security_Cheat_Sheet.md": "3442288cd44dda71aed39e82d6abb7d1d6ffb12350ad1a667d8299c2b5488a43",
    "cheatsheets/Error_Handling_Cheat_Sheet.md": "97a57eb94a0355cf7e74646c1026ad60296e75eb076fe9fc365db4884d5f3691",
    "cheatsheets/Forgot_Password_Cheat_Sheet.md": "b10808d3a6653fc72f149d8b60a6f5bc1259575df8264cc34eb7d2ab3083ee47",
    "cheatsheets/Key_Management_Cheat_Sheet.md": "5c0081b8f00476e68618e4eb956b5a1968cc4d225c11943fe9ca8f6b148b6229",
    "cheatsheets/Logging_Cheat_Sheet.md": "7d069fc66af314b59e2b0729fa05ffd1973b12bcc43c857115adaa4acf1194a8",
    "cheatsheets/Multifactor_Authentication_Cheat_Sheet.md": "0c1de91561bd8b449f5a27033e799c6928df3f24cb48a965994f615671612490",
    "cheatsheets/Secrets_Management_Cheat_Sheet.md": "302a2e4cb2153616a3c41d8a79d7407f24c03207fe60752892b71ec2776bc60c",
    "cheatsheets/Session_Management_Cheat_Sheet.md": "dd0f44ee671cea7be58ab51e045392e90a4d40509d6b540456dd952a0521e4e4",
    "cheatsheets/Threat_Modeling_Cheat_Sheet.md": "2fbfffaa2b9d734271d7e84ccb550290858586171a5807db7b2bf13bf24aa093",
    "cheatsheets/Transport_Layer_Security_Cheat_Sheet.md": "bba73b7235823959a0129c8a15bf06fb95c9211d5ec74d3d267c9ebc0ebd022b",
    "cheatsheets/Vulnerability_Disclosure_Cheat_Sheet.md": "bd5c5803a5c4a39e63ce1370a7baf8219e62a4cb52b5473456adbba777279206",
    "cheatsheets/User_Privacy_Protection_Cheat_Sheet.md": "1d826e16303f2a24a2a8534363411f0cb8daba122d3edc1f332964f733a4827f",
    "cheatsheets/Kubernetes_Security_Cheat_Sheet.md": "c8f1a573eac5aa88240b4550f4daf106591e6bef3e673ef51109ce28a4dcbc1c",
    "cheatsheets/Network_Segmentation_Cheat_Sheet.md": "2b91c4e103da8e53c98e3b6006b23c2bb02e8c55e5805a56f0068c7b31a477d8",
    "cheatsheets/Secure_Cloud_Architecture_Cheat_Sheet.md": "4ff8d09b970f5c6c9bbb12a7b4ec6f2d927ccde005a2297097fc7b834bdf7e6e",
    "cheatsheets/Zero_Trust_Architecture_Cheat_Sheet.md": "f5fe6d1e1cfefc05da1b1b9773acee6b7e9d156f4aa69ab0a14a7a1adfd2a8ef",
    "cheatsheets/Query_Parameterization_Cheat_Sheet.md": "924ce01dfb7be9f051f16f9c10e19eea06ef285439977ec52955c924735b5c00",
    "cheatsheets/CI_CD_Security_Cheat_Sheet.md": "935b4e2949ccd98d81bbd948a759fc9d3f56c9f9d26313ff7948f654606b7ef9",
    "cheatsheets/Input_Validation_Cheat_Sheet.md": "474509f8bc6d06dab110bad0d0d5055cc9c6f2a63d2f464ce2966be634246772",
    "cheatsheets/Credential_Stuffing_Prevention_Cheat_Sheet.md": "0b09e71e540a88457c3e29f43d5f5d23f6aabc30820ce7eac8bb1809a7982162",
    "cheatsheets/Denial_of_Service_Cheat_Sheet.md": "1d5e3eefddb17d3c6a7f73d2339b6711bb877e04aab5a266d917fa5b77478d85",
    "cheatsheets/HTTP_Headers_Cheat_Sheet.md": "bbb5aaff5e7a37cb06fe1132a41552ce21ccc699bc3cc5e94de8900eef3cdefa",
    "cheatsheets/Content_Security_Policy_Cheat_Sheet.md": "56382a0b056686796407b651fb519cf82ea8e0b5003dbd55ecf9a709af9a1b07",
    "cheatsheets/Microservices_Security_Cheat_Sheet.md": "2d1f46e36dcfcf357685ef667da902e45d879d983f33bd1f8abebe4884f99446",
    "cheatsheets/REST_Security_Cheat_Sheet.md": "73185bf1a1163fb8b9cfcb7e034f84e32171289becc857f66947a61a87a4bb1d",
    "cheatsheets/JSON_Web_Token_Cheat_Sheet.md": "b5172f067316198036bed95af9f4e7b89a9f7bfe64be0075442d58f5840b3847",
    "cheatsheets/OAuth2_Cheat_Sheet.md": "b7c2717110cd913ba5008a6b7aa825bdf8e04acd78378c18708c49c3d14fc8bb",
    "cheatsheets/Choosing_and_Using_Security_Questions_Cheat_Sheet.md": "4e184dad20bb9e1e461ecb89e6a6fd45a858021dbcca234b4fff4ab46cbdff62",
    "cheatsheets/Secure_Code_Review_Cheat_Sheet.md": "a3a2c91851dceaccff8ab684a56cdafa1006c9bb943c8d085622270f7872e34d",
    "cheatsheets/Software_Supply_Chain_Security_Cheat_Sheet.md": "33716fb50209675933705e8945d606b5e73c17a6e8a3bb1e0090958bc3fa0786",
    "cheatsheets/Vulnerable_Dependency_Management_Cheat_Sheet.md": "acba542155a7b676280828e76e133d6aaa2a420263dcea2c0394dd78e0846787",
    "cheatsheets/NPM_Security_Cheat_Sheet.md": "0579f6df85963f8d7dec5aed6cce0dd73a488a60893a5f9f009683882bc13ebb",
    "cheatsheets/Mobile_Application_Security_Cheat_Sheet.md": "3d28c64baa3dbdc105854587af5a65bc11b610f8e3cf0f8f5a1a321cdc8e43ac",
    "cheatsheets/Security_Terminology_Cheat_Sheet.md": "37014b73e98f101c59f8c2724972817ce6fca9fef0f7ed9bad4e3d9930273630",
    "cheatsheets/File_Upload_Cheat_Sheet.md": "0f527b1636adb44e305c97657b5cf84c0b5b60895ee5091f4b26baee0e271b6d",
}
_TACL_COMMIT = "6b50745d2e788add2e8f1ed29010e72659a9a074"
_TACL_FILES = {
    "README.md": "4d2d70679c81a99e0dd2bcc1ee4f56530e3d0810c9cd3c24dcff20da7b817001",
    "README-cs.md": "f12a7d8a3cb50e95ded041024150c32449229414db89ffa07e11d61ad109e972",
    "README-de.md": "b85c769daeca601a33dd2daa63f7c19dd588aeea5f34d47f6422f8965e858ca8",
    "README-el.md": "a7bd9349f985aab038e86386a990d7a96bb2d020596b6a3c23df6f3a8747ced3",
    "README-es.md": "cd74b22eaeae02c027c0ae8cab804a1ed2363ce2fa29d8495abc30673253e912",
    "README-fr.md": "6ba6a1d1d765bd0e97fe8423256c42d008a540374bde879731287ab1a0ce2bf4",
    "README-id.md": "baae1aba39e2932a8c8c86454e6bb565b7e5abe6726f23cde2840e174098961b",
    "README-it.md": "2ad9e36608d2cf79bf2a25a5141f7d07b8060e3fcedcd8cf8245de51e7380c07",
    "README-ja.md": "74a3db2a8184b393b80526fb28ea8420b4d0ab8f9706030faad7395b09104327",
    "README-ko.md": "174d9c08c7f2b180b7951d31975ccc397bf4bf4f41251763bb2b16f48506b50d",
    "README-pl.md": "f021603fa77f79eaf630fefbede439d251e3c1bd0dcd0e511f7942e07e90bb7d",
    "README-pt.md": "7ade4e23f14e8ec3a3fc82263de4dee4c1e93b2a2c5a0f3e79fe88b5d9515fe0",
    "README-ro.md": "d8d2434e3d867d86a6c4ac27495a8926ba589b5e187f4ce6c96b6d4bfa476236",
    "README-ru.md": "ecd3150eb1b280a5cda587b34a9dce7c0d3cadba29613d45315212911aaa8cab",
    "README-sl.md": "9da7879982b79b4d867f42a84b857ad6ffb21d4c33f2fd5608f6f5fa90b20b86",
    "README-uk.md": "4f82621d922b90962479bfbbbbfde8d36b14fb02a6491c8c7f5a0591e860cf52",
    "README-zh-Hant.md": "9596ac1849f746e58ab2066a0e8fe8fdc7dd549bc2de4e9cf8a284abffff90e4",
    "README-zh.md": "3cb351a7e3c4b70d666612a74a930f459374982c42ad697bca22167814a12e66",
}
_TW_COMMIT = "453470eea55a1777f798053a6ac6302a9bf80f9a"
_TW_FILES = {
    "dev.json": "5d42ec6f900d81c6e803e4bd7b1f4a07697fed96ed61792d5ced72f634c348dc",
    "test.json": "1f80246bea00339a4e742ec98e81da0d86e4ce8a940bb492a3d42844b1635364",
}
_SQL_COMMIT = "5050bad2309a93636ea4788d3660c9202bf11e0e"
_SQL_FILES = {
    "data/advising.json": "ec8d6a2d570b1768b25ef51d2445bb599b537d9b3d802bf498513a70337599bd",
    "data/wikisql.json.bz2": "f63b68f12c3ffe810d986347e03f3858d00cf6672f82cc10c062cae3da326946",
}
_SYS_COMMIT = "d566322e4f6a656fb835bf34712a67db269d5f2d"
_SYS_FILES = {
    "README.md": "b20ef1b0df1211a65eb492beb53b755ab3123e04624eee01662123a9bd360e63",
}
_HEX_COMMIT = "2838420b7b4492cf3d16bce5320e26e65960c9e2"
_HEX_FILES = {
    "codegeex/benchmark/humaneval-x/cpp/data/humaneval_cpp.jsonl.gz": "dcf2e280a1e91bbc3c5f90edb41397e8a9ac1ccc9f5d2b70082f0b0fbfb6dbb0",
    "codegeex/benchmark/humaneval-x/go/data/humaneval_go.jsonl.gz": "09126ef64ac68f87296c5f3781186aedc5dec799b114d9df99d6de4a715a7830",
    "codegeex/benchmark/humaneval-x/java/data/humaneval_java.jsonl.gz": "276f36db2eb7aeb864f36a19a2f4e1bb2460fb6e22ff100f0b5bedabe3799967",
    "codegeex/benchmark/humaneval-x/js/data/humaneval_js.jsonl.gz": "fe5d467f2c1a027b3f6f18d3729aca01f6458c1de2e2d1292a019c5aa9bed424",
    "codegeex/benchmark/humaneval-x/rust/data/humaneval_rust.jsonl.gz": "ae5cabbbfc8fe25244a608b04f09ac3b324c645ac969dfc033756c12f0f9924c",
}
_H5BP_COMMIT = "c8023cdcc4e13d45c096c3f37160a8fa5ab066d6"
_H5BP_FILES = {
    "src/questions/coding-questions.md": "22df93a3cae3bbbbd519a1d65398ecffd486bf45344556219a51c68e1bf226ff",
    "src/questions/css-questions.md": "22ad1edc0b1435fdd0ff8521a1fa47572d3339ffc6682f977544d683029c6fd4",
    "src/questions/fun-questions.md": "eb1cb56fde76aaa05955bc23325e6b15161d0fe9f5f5737885cfc172370378e4",
    "src/questions/general-questions.md": "0e7dcd5a20a0567221db7942ccc6951fd487cf77efec64ac59e4042a9d10b44c",
    "src/questions/html-questions.md": "d0bc1dd041d5bfc456a515ca8d900380e7e108c5595a6f9ae75c1ee0576875e2",
    "src/questions/javascript-questions.md": "32f15de02a02daa2b7553dba069fbe96f23e9e3a100b2c50723f1eb743e08523",
    "src/questions/network-questions.md": "533bcac1c6d316d580239c499bfd9086cec63ab38f50071475f2dd73745db52d",
    "src/questions/performance-questions.md": "5599b01b73e8e0082ebe1215536867c531b5a8d7d4dd5c709c4b22c742cc36d2",
    "src/questions/testing-questions.md": "2f0e3c4d5b4fad062f27f8b32e9ca3d90819c48b1efc52e1a226c3b87e697620",
    "src/translations/arabic/README.md": "53ad0e5d2677e3d6d4cbd6a6353690a96a47492f5c273464a99f105d3d4c84b9",
    "src/translations/bengali/README.md": "6c1acc26047657e4a5846f3ca8e593f64728e957ccbb576f73b896453bbbecbe",
    "src/translations/bulgarian/README.md": "3f97e7ee75cf33c952ee78224e89a4013e20e1e5a69789ca6cdae4a26e58ac2d",
    "src/translations/burmese/README.md": "314a081c84ecdad7f9ed45e05e44f176081ffc0300a34a16b1acc096697c5751",
    "src/translations/chinese-traditional/README.md": "def0307c9f2c8cb1ed5c6e76d0ca231d9beaa33ba2d67d36f81d42cb31857728",
    "src/translations/chinese/README.md": "98cc521c80e556b5bfb606f19fe4909df506656d4187461fe7c28d31b7071f45",
    "src/translations/croatian/README.md": "5e411c95dacd9fe92207f33bca95a62e37b6ce078484860c5f0d99641b423f45",
    "src/translations/czech/README.md": "5f3e7a4d8b271bd61edcca4594dbdb80d1b93906053c5ad87e78a03595e5b66f",
    "src/translations/danish/README.md": "23d2c396ac16adeb999d87831acda0aa37989747beada2d363fae3a3d4d76688",
    "src/translations/dutch/README.md": "5569104229ad2249c3a4bb6350f4ba23bba9b5c029a96079b2d4bb640997ea99",
    "src/translations/farsi/README.md": "fa7d4882be377efb3518857128a85a089a678346fce137c7d3d88a1841a898cb",
    "src/translations/french/README.md": "1a7267f61a80c081e8168c0bba7279a095e498588eecf723b66c3e95218760fc",
    "src/translations/german/README.md": "61063610d2e341766fdf75a0504e6f5a17e0d6365467388a45f987cbaa4003eb",
    "src/translations/greek/README.md": "e6daa8df47ac2ca83833a02cff5cd2a39e4b487a43b4d3bb7f1e6bcc8821f6ac",
    "src/translations/hebrew/README.md": "8832e9694beca90d1014d11ac794d2bf6faee2e8a8aa57644714c11b04f47883",
    "src/translations/hindi/README.md": "2a31711444381b85631165968d33765f74709c4d9ffd9b3767f494ef66a3fb4f",
    "src/translations/hungarian/README.md": "05660aabff4768ae2b6826f233f9810f376dbd1e2d447fce7200ec9d1a7f859f",
    "src/translations/indonesian/README.md": "656003e8294488073516fc101ddd0b15bc2836d7007080a277296f38dbfed0c6",
    "src/translations/italian/README.md": "256ec4508db5d261939bffa6d0517aed78a12d88699cd3c50f4056b13fd8f044",
    "src/translations/japanese/README.md": "2dcce2e86383a56049448b2b1c13ecdd8e64f24c051d98eb5e92e901ed848a9b",
    "src/translations/korean/README.md": "a6322c1ea0853cd1ec5f39d880e76f9774fc40bc0695f104ce2ace9f2e59ebc9",
    "src/translations/korean/Reference.md": "bb2c1b68611b7ff76858855c2aaf761819b6402a29d180ec43bc3f6112884540",
    "src/translations/latvian/README.md": "e5e29ca6831befa54cf3d149e0b886c8536da89924314a72d2db1cb2533be7c6",
    "src/translations/polish/README.md": "d20c62f6cee549a243affb812d362b0182814a36bdbdd054241a7e3c9b3933e1",
    "src/translations/portuguese/README.md": "ca69762841f87c63a6790ee3d596dc037b03f9b162ddd16fcb10135e344f2b79",
    "src/translations/romanian/README.md": "86b39a6cb39fb8ded07a2d8551aaf038808f2e2ef4a938496e7a9027d4897ac0",
    "src/translations/russian/README.md": "522f9f74e47197365fa11f37e3ee72af67d2fb353b3ba763200c2e7743143ad1",
    "src/translations/serbian/README.md": "3c0539809f6f43821e1e082fc39c2eef3dba88a440ab1c64c43b3392a1fb468d",
    "src/translations/slovakian/README.md": "bbe0e7ee546d446fd2fd128e90509126c5e99609e22bc4e756b5393613c51eab",
    "src/translations/slovenian/README.md": "07994a2e28b793d0201a1584982ca0687c6f387f5232b3e884cd1646c906a8d3",
    "src/translations/spanish/README.md": "57df20bf974c014d7c2337a21708ddb9b09a8482094fae0be0e989114ce6c321",
    "src/translations/swedish/README.md": "c63031e9a9c2bacdbb0883b7d064e04f147d380d0604ef661ce1b1d71222f16e",
    "src/translations/turkish/README.md": "b157c8c54b8f8842c748a060722c3426445fb91490af58fcc91208b92bf6117b",
    "src/translations/ukrainian/README.md": "9d77b222069c42244977aa9049a072b7d2a57180c5be357482dcbfd3e0da91dd",
    "src/translations/vietnamese/README.md": "0298cd2f38c5c5e70f8a57e840d97cf45bf9fe7161a4f17aa88a0a814a9f904d",
}
_HWU_COMMIT = "f6071b496b17d71e6eb43f543af0707f4ff30557"
_HWU_DIR = (
    "CrossValidation/autoGeneFromRealAnno/autoGene_2018_03_22-13_01_25_169/CrossValidation"
    "/KFold_1/trainset"
)
_HWU_FILES = {
    "alarm_query.csv": "a02e3793e2dab4452494820e7bb8cbe2859392a2465cb311d6616cffd8d5e26a",
    "alarm_remove.csv": "6f83d668c8d0b46d56e25f61086e4a1a3b1eb06cb222e36882c3b27b4c9fe3d3",
    "alarm_set.csv": "f112bb5d3f8eeec771489b5c5a8b757c80e7beead5627dda3c38d17b1b05899f",
    "audio_volume_down.csv": "a02e55c588deb6f57f5c3e00f3cbcb1e41068b638dbe4fd36e57cc272c8e09b3",
    "audio_volume_mute.csv": "30be508f18d75c9f5a5a225e684a120c97bb2fa0fdef216b8ba016c282ec98aa",
    "audio_volume_up.csv": "0c351d9db1a1fc0cc862f0845c48a6fd4fab69e41bce900e66cb07ad185bcb7c",
    "calendar_query.csv": "3abeb661b13eedf96bb9474b93e4d29f6300beaeebef39812469d7d8093d60ed",
    "calendar_remove.csv": "2e9924e583302846ac32016f96bfe00edf7cea691c6a5b62ac111f1e5b61b4be",
    "calendar_set.csv": "2b2f3f6a1136946ed41e7a3a7779238e8b6709a838b6faac717da82730dd81bc",
    "cooking_recipe.csv": "54625f0a2cd058ce8e1749cb73f7fe6933bd76fce4a27c9a479384a2ecc2cc51",
    "datetime_convert.csv": "6400b51f7b125d5973f4006628da81e8f44a52d5c14042dae7f5f698efdbd9ad",
    "datetime_query.csv": "9b008f31aa73936d02c41ba536cbc20c1869a9b5f1471e852d323c9983bb448a",
    "email_addcontact.csv": "d3568c66bca06cfdb3a43b290324eaa5d938158056fe03b512c4292e9ca8b4fa",
    "email_query.csv": "d858a462d1de4eb1ffeed6271512e9d59c00f5bfb12e68c50e31f6bba927e38f",
    "email_querycontact.csv": "5c59f49e3038f5fe8e83ddb19b43ceed0ed137bbec6340bc0bd9948ff471c4cc",
    "email_sendemail.csv": "8c1dcbca6695bc07f486a37a7b72c6edf16fab4515a335bed591f134b9145aa8",
    "general_affirm.csv": "11606f0ff521a3ff964acb4bec9b0e3b64cfb8687488241526ed9d2e81193134",
    "general_commandstop.csv": "255641b651bac155313bd8814e1f96c1f259e27af93b0cf6a1abce105b4c3d25",
    "general_confirm.csv": "48111f218034ef4a5a72e1af86bc44373103ade92218a0a6b32d31acf40c57d2",
    "general_dontcare.csv": "de74a627bc1b50645ccaf1cd83773feef81e114e5178ca10a3ad5fbf56af22b2",
    "general_explain.csv": "12d51b0657f573335d5daf0b17b277538f336c10a8aa99f5c5167c697c9329cf",
    "general_joke.csv": "0681ffddfa43465eded5ee11b46406a98ffeb1cf561af14ef26eee8d27441720",
    "general_negate.csv": "45c8665a93e38165cd2f2f3334bb493c7982d062872c42b72a06d8740e36b19d",
    "general_praise.csv": "d217239eb2d4018a74b468050969218a9a1417f3fa81bb036cd88f5f26983d69",
    "general_quirky.csv": "6a38c968a6668de0b95848ba127d94dc379674d096fd7baf5fa4757db30efcda",
    "general_repeat.csv": "017e3f9f38cf3d899f776b40bf64f1fbf8d5dde9631f7afe5a9ecd072b145ede",
    "iot_cleaning.csv": "e2824824d52ff1f15fec9eb16d6dac1808e424690aa31cc0d2719db1bb462d4c",
    "iot_coffee.csv": "c22285d1f3e0c1e341f0aa0132f9b4ef62b7bd73f29583718c2554fcb4a4fd3c",
    "iot_hue_lightchange.csv": "416223b3e567858117de92d32fc5cebde62fa6531f88ff1990a5f482ba579396",
    "iot_hue_lightdim.csv": "6e4af4b0d26b156981a8fd741106e97319cde19ef6fc46b37b3c01acf955230d",
    "iot_hue_lightoff.csv": "d9827de9116e8561b9cb96e5a9317c0f9e1e4b32f5476890c0ee1ff8b7aea0c1",
    "iot_hue_lighton.csv": "12eb979c281130e59380d7deb2a63598e5c2b587961de6e8a97e607a760ae1ba",
    "iot_hue_lightup.csv": "7682a1f43185fc4fad91a57923cc953e9f7f3a1f95e4f05dd3be620397160f22",
    "iot_wemo_off.csv": "61182304fec636a995cf4d4c8cb2005b4259fe0c069c8f8190bb3b41c41879ee",
    "iot_wemo_on.csv": "65df438262e1e2e60b5aed6f7b2cc0b0e0b80a7d19b41e3298fb97952e81e095",
    "lists_createoradd.csv": "65724f9aec599acf4938321083f3dacde66b9872427fce47ca3d347b6bbac300",
    "lists_query.csv": "73235e0dd61c5f73b13b1760760cfcf860830db4ed1a0e9529f74950cc7eae58",
    "lists_remove.csv": "1550526e7f398eae0886d04b57fd7b1b3e20b1aac473e8948647d8c882effdd4",
    "music_likeness.csv": "4a39484b385b012181104cf379769ae8edaa70bb9d4738dd312c02b85af577b9",
    "music_query.csv": "e691ec8d58a636e9eddfdd6e93fc3493df8c7aa70912388e15a107d4706f8c14",
    "music_settings.csv": "e4e99ab7cbcb827903a4ad9477d1254a08ccad6d972b22c46853309b910f0096",
    "news_query.csv": "3fd44395cff75ef670283c681f1300b07caf3c5d4afd25a6b2e3514846fb2f7a",
    "play_audiobook.csv": "4e589963d8565c1fab11af766dcb9c9378ce09a5fde271ad92d867f5007e5eac",
    "play_game.csv": "a22bf4eaba82936fa756f0c6c8d8129c0223e7a1f1f7f530fcfa1f086974f975",
    "play_music.csv": "a89b9a14fa995af9730f76e02f126f0f026614b25ae6dd651089f0d50ca5612a",
    "play_podcasts.csv": "a48c14fb7d1b34118af79067a13a6bc8eb24d28679ed94bd906438845c1bcb85",
    "play_radio.csv": "a6c2a3d7489bcba1fcdfcae2609d06b3592ab97bca6201989d7424561b7fe36b",
    "qa_currency.csv": "305dfc5c5b23d3638bdbca50dc27d912bfb61a635bf222c2d907a79b510d9083",
    "qa_definition.csv": "87854973764a1666dad4f8554e920a7352bc8ffe23cff9b0c1897ab34aade0e3",
    "qa_factoid.csv": "24117b9ea6ab00eb38a4f5da3f813009fd83e499ea37d2a4be8b740c3a572bb1",
    "qa_maths.csv": "b379c5fa50df44da84f9a30f0a017fc4ee4a1491b26afc55044ce5584cf2857a",
    "qa_stock.csv": "db6a7d7812ae1a38f07db08edfed4829f637271ccfb1ceadb5ce27e69f8226d2",
    "recommendation_events.csv": "6249726a26db9ca6df90122775e3b666aedbbd53aedc32fd2699972cc06cd929",
    "recommendation_locations.csv": "0745b978915dc3d7abb606b06647c0a5fb7bcb4ba74c89574ad239283976ab6e",
    "recommendation_movies.csv": "471dbc3b861b771f3d850b83522ea7c4c72312047879038ecbddca64e1d5d60b",
    "social_post.csv": "5db0458a2190257913eec43325cc9d06ed51532e4db928e03d3179ce27a20abe",
    "social_query.csv": "4bd3192b789ab88e674ee0e6641c2cb767bab55dbf0d993045e8af63316832c6",
    "takeaway_order.csv": "d02639221a81534f297d81ec65d46a380a7ae0088167604eb4104c12991d4cc6",
    "takeaway_query.csv": "74814b88dbb77727dfde130b51915c131c9e16d101106347a9441d60f095819b",
    "transport_query.csv": "51acdf6b9225a2bfa08bfb0005702bf4c8679537a4e1480bdf7a5239c36b1c5b",
    "transport_taxi.csv": "be4ed42dfc4eb2cc63460c3f21fa6065b5404821799b88867c5e1f7fe3e4b38e",
    "transport_ticket.csv": "dab82ed1c54bc0eb25730797a352788be9b974384232eaca8183d2f8f2961c86",
    "transport_traffic.csv": "ba4ebf6824f59def9b79416a70a6ac02a095403badf9b232f15b481f242413a6",
    "weather_query.csv": "3a7c729444bf2abab8de51dbbed7e477c4b1e5a2098a688fcb593821bf0d1571",
}
_NQ_COMMIT = "fb26a3073b1fe636c97302890a27b491d6530130"
_NQ_FILES = {
    "nq_open/NQ-open.dev.jsonl": "f15567f38099f3615f5b8a685c0aef449c11ad90d3da3735e8d1b98115b40616",
    "nq_open/NQ-open.efficientqa.dev.1.1.jsonl": "0ad45e2fa9fd32d10b3cf08c63e6d22f97ba1a0ce44ea98040f4c18bce7e268d",
    "nq_open/NQ-open.efficientqa.test.1.1.jsonl": "c37b3cb2069632dfef219fa770d7910ac77ff6d12a08e8f3d5f058b388aca8a6",
}

_TM4 = _pinned("google-research-datasets/Taskmaster", _TM4_COMMIT, _TM4_FILES)
_SGD = _pinned("google-research-datasets/dstc8-schema-guided-dialogue", _SGD_COMMIT, _SGD_FILES)
_TM_URL = "https://github.com/google-research-datasets/Taskmaster"
_SGD_URL = "https://github.com/google-research-datasets/dstc8-schema-guided-dialogue"
_TWITTER = _pinned("IBM/twitter-customer-care-document-prediction", _TW_COMMIT, _TW_FILES)


def _sql_file(path: str) -> Artifact:
    """A file of jkkummerfeld/text2sql-data at the pinned commit."""
    return gh("jkkummerfeld/text2sql-data", _SQL_COMMIT, path, _SQL_FILES[path])


SOURCES: list[Source] = [
    Source(
        name="taskmaster4-user-turns",
        family="taskmaster",
        licence="CC-BY-4.0",
        url=_TM_URL,
        files=_TM4,
        extract=tm4_user_turns,
        labels={"user utterance": BENIGN},
        note="TM-4-2024/data/data_0[0-7].json: every user utterance of the coffee-order dialogs",
        languages=("en",),
        max_rows=6000,
    ),
    Source(
        name="taskmaster4-conversations",
        family="taskmaster",
        licence="CC-BY-4.0",
        url=_TM_URL,
        files=_TM4,
        extract=tm4_conversations,
        labels={"whole dialog": BENIGN},
        note="TM-4-2024 dialogs joined as 'User:/Assistant:' lines (one row per conversation)",
        languages=("en",),
        max_rows=3000,
    ),
    Source(
        name="taskmaster4-tool-results",
        family="taskmaster",
        licence="CC-BY-4.0",
        url=_TM_URL,
        files=_TM4,
        extract=tm4_tool_results,
        labels={"api_response annotation": BENIGN},
        note="TM-4-2024 'response' annotations (JSON API results, 40+ chars): tool-result look-alikes",
        languages=("en",),
        max_rows=3000,
    ),
    Source(
        name="sgd-user-turns",
        family="schema-guided-dialogue",
        licence="CC-BY-SA-4.0",
        url=_SGD_URL,
        files=_SGD,
        extract=sgd_user_turns,
        labels={"USER turn": BENIGN},
        note=f"train/dialogues_001-016.json: every USER utterance; {SHARE_ALIKE}",
        languages=("en",),
        max_rows=6000,
    ),
    Source(
        name="sgd-conversations",
        family="schema-guided-dialogue",
        licence="CC-BY-SA-4.0",
        url=_SGD_URL,
        files=_SGD,
        extract=sgd_conversations,
        labels={"whole dialogue": BENIGN},
        note=f"train/dialogues_001-016.json joined as 'User:/System:' lines; {SHARE_ALIKE}",
        languages=("en",),
        max_rows=2000,
    ),
    Source(
        name="gsm8k-questions",
        family="gsm8k",
        licence="MIT",
        url="https://github.com/openai/grade-school-math",
        files=(
            gh(
                "openai/grade-school-math",
                "3101c7d5072418e28b9008a6636bde82a006892c",
                "grade_school_math/data/train.jsonl",
                "17f347dc51477c50d4efb83959dbb7c56297aba886e5544ee2aaed3024813465",
            ),
            gh(
                "openai/grade-school-math",
                "3101c7d5072418e28b9008a6636bde82a006892c",
                "grade_school_math/data/test.jsonl",
                "3730d312f6e3440559ace48831e51066acaca737f6eabec99bccb9e4b3c39d14",
            ),
        ),
        extract=jsonl_questions,
        labels={"question": BENIGN},
        note="train.jsonl + test.jsonl: the 'question' field (word problems)",
        languages=("en",),
        max_rows=6000,
    ),
    Source(
        name="humaneval-code",
        family="humaneval",
        licence="MIT",
        url="https://github.com/openai/human-eval",
        files=(
            gh(
                "openai/human-eval",
                "6d43fb980f9fee3c892a914eda09951f772ad10d",
                "data/HumanEval.jsonl.gz",
                "b796127e635a67f93fb35c04f4cb03cf06f38c8072ee7cee8833d7bee06979ef",
            ),
        ),
        extract=humaneval_code,
        labels={"prompt + canonical_solution": BENIGN},
        note="HumanEval.jsonl.gz: prompt (signature + docstring) followed by the canonical solution",
        languages=("en",),
    ),
    Source(
        name="banking77",
        family="banking77",
        licence="CC-BY-4.0",
        url="https://github.com/PolyAI-LDN/task-specific-datasets",
        files=(
            gh(
                "PolyAI-LDN/task-specific-datasets",
                "57ec275d8078af65b7731c2a98be812d844a6d6b",
                "banking_data/train.csv",
                "b06e26ac675513959a63135f11b94ea7786ed02da65db93a5650d8838cbc664b",
            ),
            gh(
                "PolyAI-LDN/task-specific-datasets",
                "57ec275d8078af65b7731c2a98be812d844a6d6b",
                "banking_data/test.csv",
                "d12d6e3bc4c3103966ae786dc435913c0c563dfa328f5a3646d0e62cfeeb474d",
            ),
        ),
        extract=banking77_requests,
        labels={"any of 77 banking intents": BENIGN},
        note="banking_data/{train,test}.csv: the 'text' column (customer requests to a bank)",
        languages=("en",),
        max_rows=6000,
    ),
    Source(
        name="clinc150",
        family="clinc150",
        licence="CC-BY-3.0",
        url="https://github.com/clinc/oos-eval",
        files=(
            gh(
                "clinc/oos-eval",
                "828f8093932c8fe6ca7936c3d2e52903b1c523de",
                "data/data_full.json",
                "36923c3705a59e08fe9c3883d8bc2dd966ef93e22cb78ac41171782a698d56e0",
            ),
        ),
        extract=clinc150_requests,
        labels={"150 intents + out-of-scope": BENIGN},
        note="data/data_full.json: every utterance of every split (assistant requests, small talk)",
        languages=("en",),
        max_rows=6000,
    ),
    Source(
        name="owasp-cheatsheets",
        family="owasp-cheatsheets",
        licence="CC-BY-SA-4.0",
        url="https://github.com/OWASP/CheatSheetSeries",
        files=_pinned("OWASP/CheatSheetSeries", _OWASP_COMMIT, _OWASP_FILES),
        extract=owasp_sections,
        labels={"cheat-sheet section": BENIGN},
        note=(
            "40 defensive cheat sheets (no evasion/injection-payload sheets): ##/### sections, "
            f"code blocks removed; {SHARE_ALIKE}"
        ),
        languages=("en",),
    ),
    Source(
        name="art-of-command-line",
        family="art-of-command-line",
        licence="CC-BY-SA-4.0",
        url="https://github.com/jlevy/the-art-of-command-line",
        files=_pinned("jlevy/the-art-of-command-line", _TACL_COMMIT, _TACL_FILES),
        extract=command_line_tips,
        labels={"tip": BENIGN},
        note=f"README*.md (18 translations): each top-level bullet tip; {SHARE_ALIKE}",
        languages=(
            "en",
            "cs",
            "de",
            "el",
            "es",
            "fr",
            "id",
            "it",
            "ja",
            "ko",
            "pl",
            "pt",
            "ro",
            "ru",
            "sl",
            "uk",
            "zh",
        ),
        max_rows=6000,
    ),
    Source(
        name="twitter-customer-care-messages",
        family="twitter-customer-care",
        licence="Apache-2.0",
        url="https://github.com/IBM/twitter-customer-care-document-prediction",
        files=_TWITTER,
        extract=twitter_customer_messages,
        labels={"customer tweet": BENIGN},
        note="dev.json + test.json (train.json is over 4 MiB): every customer tweet",
        languages=("en",),
    ),
    Source(
        name="twitter-customer-care-conversations",
        family="twitter-customer-care",
        licence="Apache-2.0",
        url="https://github.com/IBM/twitter-customer-care-document-prediction",
        files=_TWITTER,
        extract=twitter_conversations,
        labels={"whole conversation": BENIGN},
        note="dev.json + test.json conversations as 'Customer:/Agent:' lines incl. the link reply",
        languages=("en",),
    ),
    Source(
        name="text2sql-advising",
        family="text2sql-advising",
        licence="CC-BY-4.0",
        url="https://github.com/jkkummerfeld/text2sql-data",
        files=(_sql_file("data/advising.json"),),
        extract=advising_questions_and_sql,
        labels={"question": BENIGN, "SQL query": BENIGN},
        note="data/advising.json (CC BY 4.0 per LICENSE.md): questions and SQL, placeholders filled",
        languages=("en",),
        max_rows=4000,
    ),
    Source(
        name="wikisql-questions",
        family="wikisql",
        licence="BSD-3-Clause",
        url="https://github.com/jkkummerfeld/text2sql-data",
        files=(_sql_file("data/wikisql.json.bz2"),),
        extract=wikisql_questions,
        labels={"question": BENIGN},
        note="data/wikisql.json.bz2 (BSD-3 per LICENSE.md): the original question of each sentence",
        languages=("en",),
        max_rows=5000,
    ),
    Source(
        name="sysadmin-interview-questions",
        family="test-your-sysadmin-skills",
        licence="MIT",
        url="https://github.com/trimstray/test-your-sysadmin-skills",
        files=_pinned("trimstray/test-your-sysadmin-skills", _SYS_COMMIT, _SYS_FILES),
        extract=sysadmin_questions,
        labels={"question": BENIGN, "question + answer": BENIGN},
        note="README.md: each <details> question alone and with its answer (HTML tags removed)",
        languages=("en",),
    ),
    Source(
        name="frontend-interview-questions",
        family="h5bp-interview-questions",
        licence="MIT",
        url="https://github.com/h5bp/Front-end-Developer-Interview-Questions",
        files=_pinned("h5bp/Front-end-Developer-Interview-Questions", _H5BP_COMMIT, _H5BP_FILES),
        extract=frontend_questions,
        labels={"question": BENIGN},
        note="src/questions/*.md and 34 translations: each top-level '* ' question",
        languages=tuple(sorted({"en", *_H5BP_LANGS.values()})),
    ),
    Source(
        name="humaneval-x-code",
        family="humaneval",
        licence="Apache-2.0",
        url="https://github.com/THUDM/CodeGeeX",
        files=_pinned("THUDM/CodeGeeX", _HEX_COMMIT, _HEX_FILES),
        extract=humaneval_x_code,
        labels={"prompt + canonical_solution": BENIGN},
        note="codegeex/benchmark/humaneval-x/{cpp,go,java,js,rust}: prompt + canonical solution",
        languages=("en",),
    ),
    Source(
        name="hwu64-requests",
        family="hwu64",
        licence="CC-BY-4.0",
        url="https://github.com/xliuhw/NLU-Evaluation-Data",
        files=tuple(
            gh("xliuhw/NLU-Evaluation-Data", _HWU_COMMIT, f"{_HWU_DIR}/{name}", sha)
            for name, sha in _HWU_FILES.items()
        ),
        extract=hwu64_requests,
        labels={"64 home-assistant intents (incl. general_joke, general_quirky)": BENIGN},
        note="KFold_1/trainset/*.csv (the full annotated CSV is over 4 MiB): answer_from_user",
        languages=("en",),
        max_rows=6000,
    ),
    Source(
        name="nq-open-questions",
        family="natural-questions",
        licence="CC-BY-SA-3.0",
        url="https://github.com/google-research-datasets/natural-questions",
        files=_pinned("google-research-datasets/natural-questions", _NQ_COMMIT, _NQ_FILES),
        extract=jsonl_questions,
        labels={"question": BENIGN},
        note=(
            "nq_open dev + EfficientQA dev/test (train is over 4 MiB): real search queries; "
            f"{SHARE_ALIKE}"
        ),
        languages=("en",),
    ),
]
"""Every source of the corpus, in build order (an earlier source keeps a text two sources share)."""
