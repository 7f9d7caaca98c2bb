"""Rows hand-written for this project (tools/training_text), marked written in the manifest."""

from __future__ import annotations

from corpus_builder._spec import Artifact, Source
from corpus_builder.sources._common import our_jsonl

_FILES = {
    "agent_content.jsonl": "6519ff9bda471f0e1166fc986043e634c4c70ec8aee012b933cf262eb0ccdbf1",
    "agent_documents.jsonl": "ab215d51f35f84838b3b5cd0a07ad7949b7baac07d9d2fba9e1f71cf2f3bd07e",
    "agent_infrastructure.jsonl": "2f796fbea7557f6dea9f4fe10ad2d94ab184db87bd78073bc1421123b595d619",
    "bypass_framings.jsonl": "733bb2e5c0268b9783d9b94a58d3f5e332b18a30cf252cb525b5539cfd1b565b",
    "direct_hijack.jsonl": "f94fc3b79ce8406feabc90bc0914e0e66ef5d3dda1ce6a9f71b93a6f207cfedd",
    "indirect_docs.jsonl": "4e07c346020a72c1cd26f49b8215f5109b82379de7deb04628cd38bea46a7929",
    "infrastructure.jsonl": "c7c3a27346cc1fac48b020e5039fdb510aaeac24836df5b35b224f50ec78de51",
    "leakage.jsonl": "53b2a8188ba4fd82ad5f14d8f3a4155bb83e28baac50869f6c2b110f4a618d9b",
    "multilingual.jsonl": "2ed3e9fcdf77652ed5441166dedf380a3937e8557fd468dcec31175481fa0197",
    "multilingual_2.jsonl": "348a77fa79bf2df2e5f88709940a46ed73d24ecfcadc912c56d45d1fb61c210c",
    "obfuscation.jsonl": "677df7a512b45ff556a79e9f25a26bc11845a9266d7982e87a7b5b2fb4a9b318",
    "persona_bypass.jsonl": "861303a37e52da9883b58e6e5be1172f5ef89c2bd35341ca2e0f01cebbc9d915",
    "secret_extraction.jsonl": "9d47b46356740c3d98d5ceb6f5b8a2a18d20033d93f5498f41bbec6bfc70d778",
}

SOURCES = [
    Source(
        name=f"written-{file.removesuffix('.jsonl').replace('_', '-')}",
        family="genai-guard-written",
        licence="Apache-2.0",
        url="https://example.invalid/genai-guard (tools/training_text)",
        files=(Artifact("written", "genai-guard", f"tools/training_text/{file}", sha),),
        extract=our_jsonl,
        labels={"attack rows by class": "as written", "benign": "benign"},
        note="hand-written for genai-guard by writers kept away from the rules and the probe",
        written=True,
    )
    for file, sha in _FILES.items()
]
