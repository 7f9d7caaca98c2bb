"""The development corpus in ``shared/data`` (its README gives upstream commits and licences)."""

from __future__ import annotations

from corpus_builder._spec import Artifact, Source
from corpus_builder.sources._common import our_jsonl

_UPSTREAM = "https://github.com/"


def _shared(
    file: str,
    sha: str,
    *,
    family: str,
    licence: str,
    upstream: str,
    labels: dict[str, str],
    note: str,
) -> Source:
    return Source(
        name=file.removesuffix(".jsonl").replace("_", "-"),
        family=family,
        licence=licence,
        url=_UPSTREAM + upstream,
        files=(Artifact("shared", "shared/data", file, sha),),
        extract=our_jsonl,
        labels=labels,
        note=note,
    )


SOURCES = [
    _shared(
        "jailbreakbench_artifacts.jsonl",
        "718948307ff651ce50802d6afc12cbe2d548ee901a864f9a5794143009ea459b",
        family="jailbreakbench",
        licence="MIT",
        upstream="JailbreakBench/artifacts",
        labels={"PAIR/GCG/JBC/DSN/random-search prompts": "guardrail_bypass"},
        note="shared/data file built from JailbreakBench/artifacts@909e68c (every non-empty prompt)",
    ),
    _shared(
        "gptfuzz_templates.jsonl",
        "c8071b62e9f90e13c8423c844678798126192e0c6553b16078e26293fb4d8cc2",
        family="gptfuzz",
        licence="MIT",
        upstream="sherdencooper/GPTFuzz",
        labels={"jailbreak template + question": "guardrail_bypass"},
        note="shared/data file from sherdencooper/GPTFuzz@1eddeb5: 77 templates filled with a question",
    ),
    _shared(
        "cyberseceval_prompt_injection.jsonl",
        "3cba69d6bf47e34b2c9f3e068c28c86691a36d80cb88341215449d271040fdb4",
        family="cyberseceval",
        licence="MIT",
        upstream="meta-llama/PurpleLlama",
        labels={
            "direct, secret in system prompt": "information_leakage",
            "indirect / override": "goal_hijacking",
        },
        note="shared/data file from PurpleLlama@4be64c3 prompt_injection.json (user_input only)",
    ),
    _shared(
        "cyberseceval_interpreter.jsonl",
        "61171f4faf2dfc3ee93b90085cff0fec63926e2925fbd77b377e940a74ea683e",
        family="cyberseceval",
        licence="MIT",
        upstream="meta-llama/PurpleLlama",
        labels={"interpreter abuse": "infrastructure"},
        note="shared/data file from PurpleLlama@4be64c3 interpreter.json",
    ),
    _shared(
        "bipia_attacks.jsonl",
        "6f5c45395b59e28fca7113ac92b313013956ee0145f57afe0f866c9f17c3b642",
        family="bipia",
        licence="MIT",
        upstream="microsoft/BIPIA",
        labels={"text attack": "goal_hijacking", "code attack": "infrastructure"},
        note="shared/data file from microsoft/BIPIA@1a2a91d: the raw injected instructions",
    ),
    _shared(
        "bipia_embedded.jsonl",
        "a92257bdd8757ca8de8e253298513f1c1e6ed7aac87363d541ccb4868e072021",
        family="bipia",
        licence="MIT",
        upstream="microsoft/BIPIA",
        labels={
            "text attack in email": "goal_hijacking",
            "code attack in answer": "infrastructure",
        },
        note="shared/data file: BIPIA test attacks inserted into emails / Stack Overflow answers",
    ),
    _shared(
        "notinject.jsonl",
        "4a35491135c52808524192978f478e66a5f0ab4f8aa873b6b8c3f15eaa3f98f4",
        family="notinject",
        licence="MIT",
        upstream="leolee99/InjecGuard",
        labels={"NotInject": "benign"},
        note="shared/data file from InjecGuard@588f555 NotInject_{one,two,three}.json",
    ),
    _shared(
        "wildguard_benign.jsonl",
        "3e376bc094eea5e0da762ac2448a040344ee24f972a21d3e5a91e3bf5d71aa10",
        family="wildguard",
        licence="ODC-BY-1.0",
        upstream="leolee99/InjecGuard",
        labels={"benign (incl. adversarial benign)": "benign"},
        note="shared/data file: WildGuardTest benign prompts as redistributed in InjecGuard",
    ),
    _shared(
        "xstest_safe.jsonl",
        "98f404776fd3bf7d1e02c0255c053d68cd54ee63d81eae4ebdc1667dd294e60a",
        family="xstest",
        licence="CC-BY-4.0",
        upstream="paul-rottger/exaggerated-safety",
        labels={"safe": "benign"},
        note="shared/data file from exaggerated-safety@d7bb5bd xstest_prompts.csv label safe",
    ),
    _shared(
        "cyberseceval_frr_benign.jsonl",
        "81988db5d7bab66dec72c4b29a77b100883607887440c08abfa4fa8f909a0242",
        family="cyberseceval",
        licence="MIT",
        upstream="meta-llama/PurpleLlama",
        labels={"false-refusal prompts": "benign"},
        note="shared/data file from PurpleLlama@4be64c3 mitre_frr.json",
    ),
    _shared(
        "awesome_chatgpt_prompts.jsonl",
        "85718275d496f9245cb567b1b9a0b6358d56c0d84650d6eb83e2f9c935e31373",
        family="awesome-chatgpt-prompts",
        licence="CC0-1.0",
        upstream="f/awesome-chatgpt-prompts",
        labels={"role prompt": "benign"},
        note="shared/data file from f/awesome-chatgpt-prompts@2464183 prompts.csv (history)",
    ),
    _shared(
        "self_instruct.jsonl",
        "c6bf1b78268703e58f9993b2d441c90f0eae227887ed57100ac059f58d0a9794",
        family="self-instruct",
        licence="Apache-2.0",
        upstream="yizhongw/self-instruct",
        labels={"instruction": "benign"},
        note="shared/data file from yizhongw/self-instruct@0b26cca human-written instructions",
    ),
    _shared(
        "vicuna_bench.jsonl",
        "294e52d51713c853e014c585768185ca56420ec1f9e1b79c7645555445e31696",
        family="vicuna-bench",
        licence="Apache-2.0",
        upstream="lm-sys/FastChat",
        labels={"question": "benign"},
        note="shared/data file from FastChat@0e6d3e4 vicuna_bench question.jsonl (first turns)",
    ),
    _shared(
        "llmail_benign_emails.jsonl",
        "335837ecd20fecc56bc6335f657b5c32067dd83f213f01d4c19341b606111eb8",
        family="llmail-inject",
        licence="MIT",
        upstream="microsoft/llmail-inject-challenge-analysis",
        labels={"benign email": "benign"},
        note="shared/data file from llmail-inject-challenge-analysis@f9a0594 benign emails",
    ),
    _shared(
        "bipia_contexts_benign.jsonl",
        "531d4fab6df2f785746b8e1b56a3c5b4436fbf6556e19460e2b7cacc9d43a7a8",
        family="bipia",
        licence="MIT",
        upstream="microsoft/BIPIA",
        labels={"clean email/table/code context": "benign"},
        note="shared/data file: BIPIA's clean documents",
    ),
]
