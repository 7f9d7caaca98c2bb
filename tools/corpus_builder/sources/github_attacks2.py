"""Sources: more prompt-attack datasets (second round), many of them not in English.

Every repository's licence was read at the pinned commit; each ``Source`` says which files it uses
and which parts of the repository it leaves out (jailbreak templates copied from jailbreak-sharing
websites are never used).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from corpus_builder._fetch import read_member_text
from corpus_builder._formats import csv_rows, json_doc, jsonl, yaml_doc
from corpus_builder._spec import RawRow, Source
from corpus_builder.sources._common import GITHUB, gh, rows_from
from corpus_builder.sources._common import gh_files as _pins

_GH = GITHUB


def _records(path: str, data: bytes) -> list[Any]:
    """The records of a JSON array file or a JSON Lines file (by the file's extension)."""
    if path.endswith(".jsonl"):
        return list(jsonl(data))
    doc = json_doc(data)
    return doc if isinstance(doc, list) else [doc]


def _unique(rows: Iterable[RawRow]) -> Iterator[RawRow]:
    """Rows with a text not seen before."""
    seen: set[str] = set()
    for row in rows:
        if row.text not in seen:
            seen.add(row.text)
            yield row


def _stem(path: str) -> str:
    """File name without folder and extension."""
    return path.rsplit("/", 1)[-1].split(".", 1)[0]


# --- HowieHwong/TrustLLM: jailbreak and privacy-leakage prompts in dataset/dataset.zip -----------

_TRUSTLLM_COMMIT = "4b864211f32602fddb8cafc8d5154bed1e0ce01e"
_TRUSTLLM_ZIP = "dataset/dataset.zip"
_TRUSTLLM_SHA = "0433f79bc8dc8a5869af253d4a70067eda82f5651b89b7235a0220a8bf775317"
_TRUSTLLM_SKIP = frozenset({"scenario"})
"""TrustLLM's ``scenario`` jailbreaks are persona templates copied from jailbreak-sharing sites."""


def _zip_json(files: Mapping[str, bytes], member: str) -> Any:
    """A JSON member of the TrustLLM dataset archive."""
    return json_doc(read_member_text(files[_TRUSTLLM_ZIP], member))


def _trustllm_method(label: Any) -> str:
    """The jailbreak method of a TrustLLM record (its ``label`` is a one-item list)."""
    if isinstance(label, list) and label:
        label = label[0]
    return str(label or "").strip()


def trustllm_jailbreak(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """``prompt`` of each ``safety/jailbreak.json`` record: a harmful request wrapped by one of
    TrustLLM's jailbreak methods (prefix injection, refusal suppression, encodings, style and
    format constraints, code wrapping, ...); ``scenario`` (copied persona templates) is left out."""
    for rec in _zip_json(files, "dataset/safety/jailbreak.json"):
        method = _trustllm_method(rec.get("label"))
        if method in _TRUSTLLM_SKIP:
            continue
        yield from rows_from(
            [rec.get("prompt")], label="attack", category="guardrail_bypass", kind=method
        )


def trustllm_privacy_leakage(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """``prompt`` of each ``privacy/privacy_leakage.json`` record: zero- and few-shot prompts
    that make a model complete a person's e-mail address from its training data (Enron)."""
    for rec in _zip_json(files, "dataset/privacy/privacy_leakage.json"):
        yield from rows_from(
            [rec.get("prompt")],
            label="attack",
            category="information_leakage",
            lang="en",
            kind=f"training_data_extraction_{rec.get('shotType', '')}".rstrip("_"),
        )


# --- HiveTrace/HiveTraceRed: Russian system-prompt extraction and jailbreak templates ------------

_HIVETRACE = "HiveTrace/HiveTraceRed"
_HIVETRACE_COMMIT = "975fd9993528a6b3531ab6687d4194d413c3b82b"
_HIVETRACE_EXTRACTION = (
    (
        "datasets/system_prompt_extraction_ru.csv",
        "75a821b32dfda4875c98c1e1ce00103874b51b21ddd75ba778909b3fc02b9aaa",
    ),
)
_HIVETRACE_PROMPTS = "datasets/prompts.csv"
_HIVETRACE_TEMPLATE_DIR = "src/hivetracered/attacks/types/single_turn/"
_HIVETRACE_TEMPLATES = (
    ("datasets/prompts.csv", "68cfe4a1aa3191004cd60618b44012dd8051998956ad3aee7a84b42b48bb9d71"),
    *(
        (_HIVETRACE_TEMPLATE_DIR + path, sha)
        for path, sha in (
            (
                "context_switching/dashed_divider.yaml",
                "53457d14547d7ca5cdf0646d5f09c842cdea4f10bd0f6afc987105ba443e6473",
            ),
            (
                "context_switching/forget_everything_before.yaml",
                "589c32c34e94f2658d9dfb0b0e1cf743f7d80a634d168159236f10d5e94787b8",
            ),
            (
                "context_switching/ignore_previous_instructions.yaml",
                "4f4fa4619337f3378979ddfba89343ef3578ec20efbf90eb74c97d81b00c3ccf",
            ),
            (
                "context_switching/symbol_divider.yaml",
                "73af19f3c7e6dd84707f720dacb955bf3d8d0175c3261b9f12e0ddce8eb5f186",
            ),
            (
                "in_context_learning/few_shot_json.yaml",
                "e68ef0e6d097f5b7aae8ae7ffae5b66ad8f93498ea86f858f7f4553f18d4e0b3",
            ),
            (
                "in_context_learning/many_shot_jailbreak.yaml",
                "0d8bdf3a65420b8e4b2a1223770a598c60fde203c5939a406a1e75dfc549ce64",
            ),
            (
                "irrelevant_information/distractors.yaml",
                "b8567ce4db2067bc12aa93820e0c0e0f7aa85ef41a56a76dad212f5ffeeafc49",
            ),
            (
                "irrelevant_information/distractors_negated.yaml",
                "5996c6c6d757da654909af545d22bb10ad163c10f05824608c968ce868f923f8",
            ),
            (
                "output_formatting/base64_output.yaml",
                "ed18c4ffe5ec2cb5f5bff2bef3b8f10761786686971e2b1eda53cde638ab0abc",
            ),
            (
                "output_formatting/csv_output.yaml",
                "88aa1b1e68e0beb9140f273a17ede26b26015b58fdb965695fd156f36b41f627",
            ),
            (
                "output_formatting/gradient_methods/gcg_transfer_harmbench.yaml",
                "2f670f255d2bfb5c627e8cdc162c2e169be759893a6118b41c54ebfd9c17a9f6",
            ),
            (
                "output_formatting/gradient_methods/gcg_transfer_universal.yaml",
                "93b8249be03f95dde2a180642854d26fba6c9149788339df075810e13e4e1d83",
            ),
            (
                "output_formatting/json_output.yaml",
                "e78ccfbb355d1158c460575d324727f8dfbbabf39f6af0001fbe1b92695a5abc",
            ),
            (
                "output_formatting/prefix_injection.yaml",
                "3cb7283d8254e2482afb8649bf39e42ea0e05b2f7556d97cde89b14d4a020cb9",
            ),
            (
                "output_formatting/prefix_injection_of_course.yaml",
                "4f5d6620170ad2bea7ff24746ab8b1ff050c12b7ab73e4dd15c64752880c649d",
            ),
            (
                "output_formatting/refusal_suppression.yaml",
                "cf6208dfb9d5db039af6a62d19a9de23e353c360888daaae68cd1479907478e9",
            ),
            (
                "task_deflection/code.yaml",
                "87c46cb2bb7b9be31dab9f5a2421b0c24964d5249117dd13fcd230782eea6c57",
            ),
            (
                "task_deflection/variable_prompt.yaml",
                "05e382ad12f116e3e36a52ad2d9d89902129f5b93b14afabcf3a6770e72211c1",
            ),
            (
                "task_deflection/wikipedia.yaml",
                "8c01b736515f800809a7af157dcd1a87309d3d857400f894d2ac1485da468a53",
            ),
        )
    ),
)
_HIVETRACE_PER_TEMPLATE = 15
"""Harmful requests filled into each template (distinct requests for every template)."""


def hivetrace_extraction(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """``prompt`` of each row of the Russian system-prompt-extraction set."""
    for data in files.values():
        for rec in csv_rows(data):
            yield from rows_from(
                [rec.get("prompt")],
                label="attack",
                category="information_leakage",
                lang=rec.get("language") or "ru",
                kind="system_prompt_extraction",
            )


def _fill(template: str, requests: list[str]) -> list[str]:
    """``template`` (a ``str.format`` string with ``{prompt}``) filled with each request."""
    return [template.format(prompt=request).strip() for request in requests]


def hivetrace_templates(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """Each Russian single-turn template (``base: template`` YAML, ``prompt`` with a ``{prompt}``
    slot) filled with ``_HIVETRACE_PER_TEMPLATE`` of the repository's Russian harmful requests,
    spread over the request list and different for every template, as the tool composes them.
    Context-switching templates override prior instructions (goal_hijacking); the others are
    jailbreak wrappers (guardrail_bypass)."""
    requests = [r["Prompt"].strip() for r in csv_rows(files[_HIVETRACE_PROMPTS]) if r.get("Prompt")]
    templates = sorted(p for p in files if p.endswith(".yaml"))
    step = max(1, len(requests) // max(1, len(templates) * _HIVETRACE_PER_TEMPLATE))
    for t, path in enumerate(templates):
        spec = yaml_doc(files[path])
        if spec.get("base") != "template" or "{prompt}" not in spec.get("prompt", ""):
            continue
        group = path[len(_HIVETRACE_TEMPLATE_DIR) :].split("/", 1)[0]
        picks = [
            requests[((t + len(templates) * j) * step) % len(requests)]
            for j in range(_HIVETRACE_PER_TEMPLATE)
        ]
        category = "goal_hijacking" if group == "context_switching" else "guardrail_bypass"
        yield from rows_from(
            _fill(spec["prompt"], picks),
            label="attack",
            category=category,
            lang="ru",
            kind=f"{group}/{_stem(path)}",
        )


# --- aiverify-foundation/moonshot-data: CyberSecEval prompt injection, translated ----------------

_MOONSHOT = "aiverify-foundation/moonshot-data"
_MOONSHOT_COMMIT = "30fac12375476ac1eb9f47e5872ea5d379c1aa4c"
_MOONSHOT_DIR = "datasets/cyberseceval-promptinjection2-"
_MOONSHOT_LANGS = {"cn": "zh", "fr": "fr", "jp": "ja", "kr": "ko", "kw": "sw", "my": "ms"}
_MOONSHOT_FILES = (
    (_MOONSHOT_DIR + "en.json", "7bede13ecd3c1723da09061f2acbda3d4d521ce1595e147c1a44e9ff9b8ad98d"),
    (_MOONSHOT_DIR + "cn.json", "659293191861163fc763548c8bf7ccc84871946a70438409864715a6593bd2d0"),
    (_MOONSHOT_DIR + "fr.json", "7f78ca803109381d4ebc3e0bd817123cf228806f634373ec9f79e82fe4d69d66"),
    (_MOONSHOT_DIR + "jp.json", "1c64f771092133a64f7b04659c2803912c40d4f6a5920e4dbea5fe20211a8b0f"),
    (_MOONSHOT_DIR + "kr.json", "7d9cc7ee4feba987bd28df02a0de80f57255c07b61112b03ccec61a3bbd195c3"),
    (_MOONSHOT_DIR + "kw.json", "412d71bb8b4e7219555212375fbd3b7a85132b9756b5f2e2a93212dd873795c7"),
    (_MOONSHOT_DIR + "my.json", "f784f4069cf8ad9c64d377041561c2f904f50e1b4c3f8a3943ca9f92c249a8b8"),
)
_PURPLELLAMA_COMMIT = "4be64c3a24442b51c76175e6ec67722cc3f5fe38"
_CSE_ENGLISH = "CybersecurityBenchmarks/datasets/prompt_injection/prompt_injection.json"
_CSE_ENGLISH_SHA = "069e4d5d36f6d19f972a3bbc65df840cc729354f89358a9031aeb44d95b18a9a"


def _squash_ws(text: str) -> str:
    return " ".join(text.split())


def _cse_case_kinds(moonshot_english: bytes, cyberseceval: bytes) -> dict[int, tuple[str, str]]:
    """Moonshot test-case id -> (risk_category, injection_type) of the CyberSecEval case it is.

    Moonshot's ``input`` is CyberSecEval's ``test_case_prompt`` and ``user_input`` joined; a case
    whose English text matches cases of different kinds (or none) is left out."""
    cases = json_doc(cyberseceval)
    out: dict[int, tuple[str, str]] = {}
    for ex in json_doc(moonshot_english)["examples"]:
        text = _squash_ws(ex["input"])
        kinds = {
            (c["risk_category"], c["injection_type"])
            for c in cases
            if text.startswith(_squash_ws(c["test_case_prompt"])[:40])
            and text.endswith(_squash_ws(c["user_input"]))
        }
        if len(kinds) == 1:
            out[ex["id"]] = kinds.pop()
    return out


def moonshot_cyberseceval(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """``input`` (system prompt + injected user input) of each translated test case. The kind of
    each case comes from matching Moonshot's English file to CyberSecEval's: security-violating
    indirect cases are goal_hijacking, security-violating direct ones (a guarded secret or private
    user data) information_leakage; logic-violating cases are left out, as for the other
    CyberSecEval sources. English rows are left out (CyberSecEval's own are already used)."""
    kinds = _cse_case_kinds(files[_MOONSHOT_DIR + "en.json"], files[_CSE_ENGLISH])
    for path, data in sorted(files.items()):
        code = path.rsplit("-", 1)[-1].removesuffix(".json")
        lang = _MOONSHOT_LANGS.get(code) if path.startswith(_MOONSHOT_DIR) else None
        if lang is None:
            continue
        for ex in json_doc(data)["examples"]:
            risk, injection = kinds.get(ex["id"], ("", ""))
            if risk != "security-violating":
                continue
            indirect = injection == "indirect"
            yield from rows_from(
                [ex.get("input")],
                label="attack",
                category="goal_hijacking" if indirect else "information_leakage",
                lang=lang,
                kind="indirect" if indirect else "direct",
            )


# --- thu-coai/AISafetyLab: attack prompts its attackers produced (examples/attack/results) -------

_AISL = "thu-coai/AISafetyLab"
_AISL_COMMIT = "3fd15737dee5c6858466162d6a68e6cb6f996b27"
_AISL_DIR = "examples/attack/results/"
_AISL_JAILBROKEN = tuple(
    (_AISL_DIR + "jailbroken/" + path, sha)
    for path, sha in (
        (
            "jailbroken_harmbench_llama-2_base64.jsonl",
            "1d875faf92fddbe012cd6364972694d6894228e9ea426281259542ab0fff571e",
        ),
        (
            "jailbroken_harmbench_llama-2_base64_input_only.jsonl",
            "51d0d508836df710d669d0332fc514cd46f75d32812f7ae5da1570f63e9d17e9",
        ),
        (
            "jailbroken_harmbench_llama-2_base64_raw.jsonl",
            "e009c82916325a8f686810930993b965898ee533cffc8a2a5abe9b7331bde9bb",
        ),
        (
            "jailbroken_harmbench_llama-2_combination_1.jsonl",
            "5a681bdb942b7faa4a53e03a9cd247d3c055dbc2efaa754f52da3661cfa820f7",
        ),
        (
            "jailbroken_harmbench_llama-2_combination_2.jsonl",
            "08023f651e80681c22bfddba0b8a90d02bd23c610d066f2f29969da2c9b94102",
        ),
        (
            "jailbroken_harmbench_llama-2_combination_3.jsonl",
            "32b851a4227bf7d9715dcb1c08cacfea46411c6005e6cff87955a62b3b47fcd4",
        ),
        (
            "jailbroken_harmbench_llama-2_disemvowel.jsonl",
            "44dd67a8e2848fee41d877ac78e9edabf3044306f6fa6203a915739506f6e24d",
        ),
        (
            "jailbroken_harmbench_llama-2_leetspeak.jsonl",
            "3ca7fb1b94cfb3683cf5c4af54135582ac2923aff7756bef2ad8c53613cfbdf2",
        ),
        (
            "jailbroken_harmbench_llama-2_rot13.jsonl",
            "5efbfd4bf87c3bdc03a2b9bdc08e28bfbdad0dbbd864a56c6636bdbaf35bf40a",
        ),
        (
            "jailbroken_llama-2_base64.jsonl",
            "b39d900287f72d364711d30e6b543eb6af26afa9ca9369edf04f095204cfec28",
        ),
        (
            "jailbroken_llama-2_base64_input_only.jsonl",
            "6e30bd00911f1a6694d2c972644911c7428bd8ee8ce9bfd3e4810a71a5651751",
        ),
        (
            "jailbroken_llama-2_base64_raw.jsonl",
            "5bc0bb065d25ca076adc82732825b27dd5004af093becfe6e187f9cc66eb3216",
        ),
        (
            "jailbroken_llama-2_combination_1.jsonl",
            "e5cb72b14b6198b8e963d27ce9bb02da653c882985776c48cdc820b2018fb162",
        ),
        (
            "jailbroken_llama-2_combination_2.jsonl",
            "46161e5431278e9b1723ebbf0e737ad5bad6be172a4cd46308f8160f200dab1e",
        ),
        (
            "jailbroken_llama-2_combination_3.jsonl",
            "b99e08f0c92106c2c9ccb7968ae3a81854be84837974ba7009948f91d11f89ed",
        ),
        (
            "jailbroken_llama-2_disemvowel.jsonl",
            "eacd848e9a2b4a57342b4435bc9ce7c58ce296e892b94165842a04faa8dc8988",
        ),
        (
            "jailbroken_llama-2_leetspeak.jsonl",
            "e0cfe53085a3994b62b8410570c825b70e5687a44811cd4f5a7e241f50ccd781",
        ),
    )
)
_AISL_SEARCH = tuple(
    (_AISL_DIR + path, sha)
    for path, sha in (
        (
            "TAP_results/final_prompt_results/TAP_harmbench.jsonl",
            "22667e2c924ead3a5df310c000f9c058ee2b394beade98e5ddb1c4e751de0467",
        ),
        (
            "TAP_results/final_prompt_results/TAP_llamaguard3.jsonl",
            "07007b88033c6345a7b74e08c4cbd1d2baaa7a8108b14ce397ec7634aec58aed",
        ),
        (
            "advprompter_harmbench_50_vicuna-7b-v1.5.jsonl",
            "3abaffb61ca898d969d28589a1a1b49a8ca23d75e978c1498a66cc3faf7f684e",
        ),
        (
            "gcg_harmbench_50_vicuna-7b-v1.5.jsonl",
            "e9958749925a59ac69d097347e9298c789eaea845197bb917ba73a5146d30c2f",
        ),
        (
            "ica_vicuna7bv1.5_harmbench_1shot_PatternScore.jsonl",
            "d50dabd83d7a586eec8d4a0d096ff34b1f09274729e383780d243b85fd5f5c8d",
        ),
        (
            "inception_vicuna-7b.jsonl",
            "604705ec45a9dc37367ab3011ddba89ff7c73bb1f4b0747a4988e318383759dc",
        ),
        ("laa.jsonl", "ebc26ac85bd49286a0ab83c8b1527b9a326d777f661fd7fdf31bf9a178c02eaf"),
        (
            "pair_attack_result.jsonl",
            "45bc3c395341cdc904eb5ec1465225811c8725ee04df1e528a0181091e0cec46",
        ),
        (
            "rene_vicuna-7b-v1.5.json",
            "9bb9be12b7fea7122bfd557bffcb494cf63f6a3ca98cc809d8eaa4e90d885c0a",
        ),
        (
            "saa_vicuna-7b-v1.5.json",
            "695f1f9e308501ff794f8a9179d324bedeac139ea00e71b22377016ae143cede",
        ),
        (
            "jailbroken_vicuna_1.5.jsonl",
            "435b4fb2853ceabdba8bee0e1104480ba5ea58561db1863205d67b62d64e8e22",
        ),
    )
)
_REFUSAL = re.compile(r"\s*(I cannot|I can't|I can not|I apologi[sz]e|I'm sorry|I'm just an AI)")
"""Attacker-model outputs that are refusals rather than attack prompts."""


def aisafetylab_attacks(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """The prompt each attacker sent (``final_query``, ``jailbreak_prompt`` or ``prompt``), one
    row per distinct prompt; rewrites that are the attacker model's refusal are left out. The
    method (file name) is the row's kind. The language is left to detection: many prompts are
    encoded or ciphered."""
    for path, data in sorted(files.items()):
        kind = _stem(path)
        rows = []
        for rec in _records(path, data):
            text = rec.get("final_query") or rec.get("jailbreak_prompt") or rec.get("prompt")
            if isinstance(text, str) and not _REFUSAL.match(text):
                rows.append(text)
        yield from _unique(rows_from(rows, label="attack", category="guardrail_bypass", kind=kind))


# --- thu-coai/AISafetyLab: Chinese in-context-attack data (aisafetylab/attack/attackers/data/icl) -

_AISL_ICL_ZH = (
    (
        "aisafetylab/attack/attackers/data/icl/data_zh.json",
        "5740ee389c98b27e6984080d2ef93196a29607afaabe12109fcddc123adc0742",
    ),
)


def aisafetylab_zh_jailbreaks(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """``jb_prompt`` of each record: the harmful request rewritten as a persuasive Chinese
    jailbreak (expert, authority or flattery framing)."""
    for data in files.values():
        texts = [rec.get("jb_prompt") for rec in json_doc(data)]
        yield from _unique(
            rows_from(texts, label="attack", category="guardrail_bypass", lang="zh", kind="pap")
        )


def aisafetylab_zh_ica(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """One-shot in-context attacks as AISafetyLab's ICA attacker writes them
    (``User:{q}``, a blank line, ``Assistant:{a}``, a blank line, ``User:{next query}``): each
    record's request and unsafe answer as the demonstration, the next record's request as the
    query."""
    for data in files.values():
        recs = [r for r in json_doc(data) if r.get("query") and r.get("unsafe_response")]
        texts = [
            f"User:{demo['query']}\n\nAssistant:{demo['unsafe_response']}\n\nUser:{nxt['query']}"
            for demo, nxt in zip(recs, recs[1:] + recs[:1], strict=True)
        ]
        yield from rows_from(
            texts, label="attack", category="guardrail_bypass", lang="zh", kind="in_context_attack"
        )


# --- Beijing-AISI/panda-guard: attack prompts of its benchmark runs (data/AttackResults) ---------

_PANDA = "Beijing-AISI/panda-guard"
_PANDA_COMMIT = "2f8356624e78c7e8c84714c9cdd6fb205d343c05"
_PANDA_FILES = tuple(
    ("data/AttackResults/prompts/" + path, sha)
    for path, sha in (
        ("art_prompt.csv", "3fbc3005d936716c9ec34ab1655eb7753c53441720f9c5cc3525c1eb4de29028"),
        ("cold.csv", "e71b7e5bdeb62cfb6ab48de3de69e0c046163d41a963186262f3fc4a67e17fc4"),
        ("gcg.csv", "26b167f8b75cc6c70caf906cfcf0317b889b1b298a32b570c0937caf52f41537"),
        ("gpt4_cipher.csv", "df78ea4a67cd28122793b1eeac2c7f05e043c8e62350b1a2516f7d32945f4407"),
        ("ica.csv", "3bced85f5113f6083bd914e7aa2fa762185b24b3997682c544fb46f224170302"),
        ("pair.csv", "8b22f47711692d633f9a3d46d9e937d8a92ece8b7af67b2f800ad573fcca0d7a"),
        ("random_search.csv", "d649b315fd077197b9575570dd84e8c5226070984df79952954f2135c8d5d88c"),
        ("renellm.csv", "f779a6f73f70d29458872b940aea533bc0669638342e0242eebeaabafc1e2088"),
        ("scav.csv", "59fdfdadf0dfb7ae9b9808b5c794bc39571b9a7aad6878e6918a085c7374eccc"),
        ("tap.csv", "297b9136ac0d84b7fc608bb37a222bc8a9d7430a5f5b14efc683569bcbebe5c9"),
    )
)
_PANDA_META = frozenset({"Index", "Goal", "Target", "Behavior", "Category", "Source"})
"""Columns describing the JailbreakBench behaviour; every other column is one run's prompt."""


def panda_guard_attacks(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """Every non-empty prompt column (one per target model) of each attack's CSV, one row per
    distinct prompt; the attack (file name) is the row's kind (language left to detection:
    ASCII-art and cipher prompts)."""
    for path, data in sorted(files.items()):
        texts = [
            value
            for rec in csv_rows(data)
            for column, value in rec.items()
            if column and column.strip() not in _PANDA_META and value and not _REFUSAL.match(value)
        ]
        yield from _unique(
            rows_from(texts, label="attack", category="guardrail_bypass", kind=_stem(path))
        )


# --- The sources -----------------------------------------------------------------------------------

SOURCES: list[Source] = [
    Source(
        name="trustllm-jailbreak",
        family="trustllm",
        licence="MIT",
        url=_GH + "HowieHwong/TrustLLM",
        files=(gh("HowieHwong/TrustLLM", _TRUSTLLM_COMMIT, _TRUSTLLM_ZIP, _TRUSTLLM_SHA),),
        extract=trustllm_jailbreak,
        labels={
            "fixed sentence, no_punctuation, programming, cou, Refusal sentence prohibition, cot, "
            "multitask, no_long_word, url_encode, without_the, json_format, leetspeak, "
            "bad words": "guardrail_bypass",
            "scenario (copied persona templates)": "left out",
        },
        note="prompt of dataset/safety/jailbreak.json inside dataset/dataset.zip (13 methods, "
        "100 prompts each); the scenario method is left out",
        languages=("en",),
    ),
    Source(
        name="trustllm-privacy-leakage",
        family="trustllm",
        licence="MIT",
        url=_GH + "HowieHwong/TrustLLM",
        files=(gh("HowieHwong/TrustLLM", _TRUSTLLM_COMMIT, _TRUSTLLM_ZIP, _TRUSTLLM_SHA),),
        extract=trustllm_privacy_leakage,
        labels={"privacy leakage (zero-/five-shot e-mail completion)": "information_leakage"},
        note="prompt of dataset/privacy/privacy_leakage.json inside dataset/dataset.zip: "
        "prompts completing a person's e-mail address (training-data extraction)",
        languages=("en",),
    ),
    Source(
        name="hivetrace-system-prompt-extraction-ru",
        family="hivetrace-red",
        licence="Apache-2.0",
        url=_GH + _HIVETRACE,
        files=_pins(_HIVETRACE, _HIVETRACE_COMMIT, _HIVETRACE_EXTRACTION),
        extract=hivetrace_extraction,
        labels={"Internal Information Exposure / System Prompt Extraction": "information_leakage"},
        note="prompt column of datasets/system_prompt_extraction_ru.csv (Russian)",
        languages=("ru",),
    ),
    Source(
        name="hivetrace-jailbreak-templates-ru",
        family="hivetrace-red",
        licence="Apache-2.0",
        url=_GH + _HIVETRACE,
        files=_pins(_HIVETRACE, _HIVETRACE_COMMIT, _HIVETRACE_TEMPLATES),
        extract=hivetrace_templates,
        labels={
            "context_switching templates": "goal_hijacking",
            "output_formatting, in_context_learning, irrelevant_information, task_deflection "
            "templates": "guardrail_bypass",
        },
        note="19 Russian single-turn templates (base: template) each filled with 15 different "
        "harmful requests from datasets/prompts.csv; role-play templates (translated DAN/AIM) "
        "and attacker-model meta-prompts (base: model) are left out",
        languages=("ru",),
    ),
    Source(
        name="moonshot-cyberseceval-injection-translated",
        family="moonshot-cyberseceval-translations",
        licence="Apache-2.0",
        url=_GH + _MOONSHOT,
        files=(
            *_pins(_MOONSHOT, _MOONSHOT_COMMIT, _MOONSHOT_FILES),
            gh("meta-llama/PurpleLlama", _PURPLELLAMA_COMMIT, _CSE_ENGLISH, _CSE_ENGLISH_SHA),
        ),
        extract=moonshot_cyberseceval,
        labels={
            "security-violating, indirect": "goal_hijacking",
            "security-violating, direct": "information_leakage",
            "logic-violating": "left out",
        },
        note="input of datasets/cyberseceval-promptinjection2-{cn,fr,jp,kr,kw,my}.json "
        "(Moonshot's translations of CyberSecEval prompt injection, MIT); case kinds by matching "
        "the English file to PurpleLlama's prompt_injection.json (used only for the kinds)",
        languages=("zh", "fr", "ja", "ko", "sw", "ms"),
    ),
    Source(
        name="aisafetylab-jailbroken-encodings",
        family="aisafetylab-attack-results",
        licence="MIT",
        url=_GH + _AISL,
        files=_pins(_AISL, _AISL_COMMIT, _AISL_JAILBROKEN),
        extract=aisafetylab_attacks,
        labels={
            "Jailbroken: base64 variants, combination_1-3, disemvowel, leetspeak, rot13": (
                "guardrail_bypass"
            )
        },
        note="final_query/prompt of examples/attack/results/jailbroken/*.jsonl (Jailbroken "
        "obfuscations of HarmBench and AdvBench requests); auto_* rewrites (mostly the attacker "
        "model's refusals) are left out",
        languages=("en",),
        max_rows=1500,
    ),
    Source(
        name="aisafetylab-optimised-jailbreaks",
        family="aisafetylab-attack-results",
        licence="MIT",
        url=_GH + _AISL,
        files=_pins(_AISL, _AISL_COMMIT, _AISL_SEARCH),
        extract=aisafetylab_attacks,
        labels={
            "TAP, PAIR, GCG, AdvPrompter, ICA, DeepInception, LAA, ReNeLLM, SAA, Jailbroken": (
                "guardrail_bypass"
            )
        },
        note="final_query/jailbreak_prompt of examples/attack/results/*.json(l) (HarmBench "
        "requests); AutoDAN and GPTFuzzer results (seeded by copied jailbreak templates), "
        "translation-only and cipher results are left out",
        languages=("en",),
    ),
    Source(
        name="panda-guard-attack-prompts",
        family="panda-guard",
        licence="MIT",
        url=_GH + _PANDA,
        files=_pins(_PANDA, _PANDA_COMMIT, _PANDA_FILES),
        extract=panda_guard_attacks,
        labels={
            "ArtPrompt, COLD, GCG, GPT-4 cipher, ICA, PAIR, random search, ReNeLLM, SCAV, TAP": (
                "guardrail_bypass"
            )
        },
        note="per-model prompt columns of data/AttackResults/prompts/*.csv (JailbreakBench "
        "behaviours); AutoDAN and GPTFuzzer (seeded by copied jailbreak templates) and the bare "
        "template file are left out",
        languages=("en",),
    ),
    Source(
        name="aisafetylab-persuasive-jailbreaks-zh",
        family="aisafetylab-icl-zh",
        licence="MIT",
        url=_GH + _AISL,
        files=_pins(_AISL, _AISL_COMMIT, _AISL_ICL_ZH),
        extract=aisafetylab_zh_jailbreaks,
        labels={"jb_prompt (persuasive rewrite of a harmful request)": "guardrail_bypass"},
        note="jb_prompt of aisafetylab/attack/attackers/data/icl/data_zh.json (Chinese); the bare "
        "query is not used",
        languages=("zh",),
    ),
    Source(
        name="aisafetylab-in-context-attacks-zh",
        family="aisafetylab-icl-zh",
        licence="MIT",
        url=_GH + _AISL,
        files=_pins(_AISL, _AISL_COMMIT, _AISL_ICL_ZH),
        extract=aisafetylab_zh_ica,
        labels={"query + unsafe_response demonstration, then a new query": "guardrail_bypass"},
        note="one-shot in-context attacks composed from data_zh.json in AISafetyLab's ICA format "
        "(each record's query and unsafe answer as the demonstration, the next record's query)",
        languages=("zh",),
    ),
]
