"""Sources: infrastructure payload lists (SQL, shell, SSRF, template injection, traversal, XXE).

Each list family of a security repository (repository + topic) is one source. A payload line
alone is what a text-to-SQL or tool-using agent would receive when an attacker fills a field with
it, so every line is an ``attack`` of category ``infrastructure``. The Prompt Injection page of
PayloadsAllTheThings is the exception: its example prompts are mapped by the page's own strategy
names onto our four categories.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping

from corpus_builder._formats import decode, lines
from corpus_builder._spec import Extractor, RawRow, Source
from corpus_builder.sources._common import gh

MIN_CHARS = 4
"""Payload lines shorter than this (``'``, ``;``, ``../``) say nothing on their own."""

PAYLOAD_LANG = "und"
"""Payload lines are code, not a language (detection would call them Latin, Afrikaans, ...)."""

MAX_ROWS = 3_000
"""Cap per payload source: traversal lists run to tens of thousands of near-identical lines."""

_COMMENT = re.compile(r"^#(?:\s|[A-Za-z][\w.]*:?$)")
"""``# note`` or ``#Heading:``; payloads such as ``#{7*7}`` or ``#x{...}`` are kept."""

_XML_ATTACK = re.compile(r"<!(?:ENTITY|DOCTYPE)|xi:include|\bSYSTEM\b", re.IGNORECASE)
"""What makes an XML line an XXE payload (the lists also hold plain well-formed XML baselines)."""

_URL = re.compile(r"^[a-z][a-z0-9+.-]*:\S+$|^\S*\?url=\S+$", re.IGNORECASE)
"""A URL (any scheme) or a ``page?url=...`` request, with no spaces."""


def payload_lines(data: bytes, keep: Callable[[str], bool] | None = None) -> Iterator[str]:
    """Payload lines of a fuzzing list: stripped, no comment lines, at least ``MIN_CHARS`` long."""
    for text in lines(data):
        if len(text) < MIN_CHARS or _COMMENT.match(text):
            continue
        if keep is None or keep(text):
            yield text


def payload_list(kind: str, keep: Callable[[str], bool] | None = None) -> Extractor:
    """An extractor giving every payload line of every file as an infrastructure attack."""

    def extract(files: Mapping[str, bytes]) -> Iterator[RawRow]:
        for data in files.values():
            for text in payload_lines(data, keep):
                yield RawRow(text, "attack", "infrastructure", PAYLOAD_LANG, kind)

    return extract


def is_xml_attack(text: str) -> bool:
    """Whether an XML line declares an entity or doctype, or includes an external resource."""
    return bool(_XML_ATTACK.search(text))


def exploit_strings(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """The ``Exploit String:`` field of each record of fuzzdb's XSS-with-context document."""
    prefix = "Exploit String:"
    for data in files.values():
        for line in decode(data).splitlines():
            if line.startswith(prefix):
                text = line[len(prefix) :].strip()
                if len(text) >= MIN_CHARS:
                    yield RawRow(text, "attack", "infrastructure", PAYLOAD_LANG, "xss")


def fenced_lines(markdown: str) -> Iterator[str]:
    """Stripped lines inside the fenced code blocks of a markdown page."""
    inside = False
    for line in markdown.splitlines():
        if line.strip().startswith("```"):
            inside = not inside
        elif inside and line.strip():
            yield line.strip()


def ssrf_urls(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """SSRF target URLs from the code blocks of the SSRF pages (``a = b`` keeps ``a``)."""
    for data in files.values():
        for line in fenced_lines(decode(data)):
            text = line.split(" = ")[0].strip()
            if len(text) >= MIN_CHARS and _URL.match(text):
                yield RawRow(text, "attack", "infrastructure", PAYLOAD_LANG, "ssrf")


# The Prompt Injection page's labels (bullet labels and the "Strategy" column of its table),
# mapped onto our categories. Labels absent here are not prompts ("Data Poisoning": a training
# practice; "Prompt Overload": a description of a prompt) or not attacks ("Output Manipulation":
# "Give Me JSON, Not Sentences!"; "Denial of Service": "Write a Never-Ending Story!").
PROMPT_INJECTION_LABELS = {
    "Force output": "goal_hijacking",
    "Leak prompt": "information_leakage",
    "Force XSS output": "infrastructure",
    "Force SQLi output": "infrastructure",
    "SSRF vulnerability": "infrastructure",
    "Data leakage": "information_leakage",
    "Cross Plugin Request Forgery": "goal_hijacking",
    "Basic Usage Test": "infrastructure",
    "Hallucination Test": "infrastructure",
    "RCE Test w/o Jailbreak": "infrastructure",
    "RCE Test w/ Jailbreak": "infrastructure",
    "Network Test": "infrastructure",
    "Backdoor Test": "infrastructure",
    "Instruction Overriding": "goal_hijacking",
    "Role Switching": "guardrail_bypass",
    "Context Injection": "goal_hijacking",
    "Data Extraction": "information_leakage",
    "Jailbreak": "guardrail_bypass",
    "Role Injection": "guardrail_bypass",
    "Recursive Prompting": "guardrail_bypass",
    "Function Abuse": "infrastructure",
    "Prompt Masking": "guardrail_bypass",
    "Logical Confusion": "guardrail_bypass",
    "Identity Injection": "guardrail_bypass",
    "Output Leakage": "information_leakage",
    "Third-Party Abuse": "goal_hijacking",
    "Encoding Bypass": "guardrail_bypass",
    "Reverse Prompt Injection": "goal_hijacking",
    "CoT Trickery": "guardrail_bypass",
    "Indirect Prompt Injection": "goal_hijacking",
}

_BULLET = re.compile(r"^\* ([^:`]+?)(?:, e\.g)?: `([^`]+)`")
_TABLE = re.compile(r"^\|\s*([^|]+?)\s*\|[^|]*\|\s*`([^`]+)`\s*\|\s*$")
_CODE_BULLET = re.compile(r"^\* ([^:`,]+?)(?:, e\.g[^`]*)?:?\s*$")


def _pi_sections(markdown: str) -> Iterator[tuple[str, str]]:
    """``(section heading, body)`` for the two injection sections of the page."""
    parts = re.split(r"^## (.+)$", markdown, flags=re.MULTILINE)
    for heading, body in zip(parts[1::2], parts[2::2], strict=True):
        if heading.strip() in ("Direct Prompt Injection", "Indirect Prompt Injection"):
            yield heading.strip(), body


def _pi_blocks(heading: str, body: str) -> Iterator[tuple[str, str]]:
    """``(label, text)``: inline examples of bullets and table rows, then fenced examples.

    A fenced block takes the label of the bullet above it; in the indirect section every
    block is labelled by the section (documents, web pages and API responses carrying
    instructions).
    """
    label = heading
    block: list[str] | None = None
    for line in body.splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            if block is None:
                block = []
            else:
                text = "\n".join(block).strip()
                yield (heading if heading.startswith("Indirect") else label), text
                block = None
            continue
        if block is not None:
            block.append(line[4:] if line.startswith("    ") else line.lstrip())
            continue
        if m := _BULLET.match(stripped) or _TABLE.match(stripped):
            yield m.group(1).strip(), m.group(2).strip()
        elif m := _CODE_BULLET.match(stripped):
            label = m.group(1).strip()


def prompt_injection_page(files: Mapping[str, bytes]) -> Iterator[RawRow]:
    """Example prompts of the Prompt Injection page, by the page's labels (unmapped ones skipped)."""
    for data in files.values():
        for heading, body in _pi_sections(decode(data)):
            kind = "indirect" if heading.startswith("Indirect") else "direct"
            for label, text in _pi_blocks(heading, body):
                category = PROMPT_INJECTION_LABELS.get(label)
                if category and len(text) >= MIN_CHARS:
                    yield RawRow(text, "attack", category, lang="en", kind=kind)


_PATT = "swisskyrepo/PayloadsAllTheThings"
_PATT_COMMIT = "f9fa51417886ac11476cb62db2dff21773dc570b"
_PATT_URL = "https://github.com/swisskyrepo/PayloadsAllTheThings"
_FUZZDB = "fuzzdb-project/fuzzdb"
_FUZZDB_COMMIT = "5656ab25dc6bb43bae32236fab775658a90d7380"
_FUZZDB_URL = "https://github.com/fuzzdb-project/fuzzdb"
_FUZZDB_LICENCE_NOTE = "fuzzdb _copyright.txt: BSD-3-Clause (or CC BY 3.0)"


def _source(
    name: str,
    repo: str,
    commit: str,
    pins: Mapping[str, str],
    *,
    licence: str,
    url: str,
    extract: Extractor,
    labels: Mapping[str, str],
    note: str,
    family: str | None = None,
    languages: tuple[str, ...] = (),
) -> Source:
    """A source of pinned files of one repository at one commit."""
    return Source(
        name=name,
        family=family or name,
        licence=licence,
        url=url,
        files=tuple(gh(repo, commit, path, sha) for path, sha in pins.items()),
        extract=extract,
        labels=labels,
        note=note,
        languages=languages,
        max_rows=MAX_ROWS,
    )


def _fuzzdb(name: str, pins: Mapping[str, str], extract: Extractor, topic: str) -> Source:
    """A fuzzdb ``attack/`` list family."""
    return _source(
        name,
        _FUZZDB,
        _FUZZDB_COMMIT,
        pins,
        licence="BSD-3-Clause",
        url=_FUZZDB_URL,
        extract=extract,
        labels={f"{topic} payload": "infrastructure"},
        note=f"fuzzdb@5656ab2 {topic} lists: one payload per line (comments and lines under "
        f"4 chars dropped), each an infrastructure attack; {_FUZZDB_LICENCE_NOTE}",
    )


def _patt(
    name: str, pins: Mapping[str, str], extract: Extractor, topic: str, how: str = ""
) -> Source:
    """A PayloadsAllTheThings list family."""
    how = how or "one payload per line (comments and lines under 4 chars dropped)"
    return _source(
        name,
        _PATT,
        _PATT_COMMIT,
        pins,
        licence="MIT",
        url=_PATT_URL,
        extract=extract,
        labels={f"{topic} payload": "infrastructure"},
        note=f"PayloadsAllTheThings@f9fa514 {topic}: {how}, each an infrastructure attack",
    )


# fuzzdb first: several PayloadsAllTheThings lists are copies of its lists (FUZZDB_*.txt,
# payloads-sql-blind-*, traversals-8-deep-exotic-encoding.txt, JHADDIX_LFI.txt); those copies are
# not pinned again below, nor its NoSQL Intruder lists (four in five lines repeat fuzzdb's).
SOURCES = [
    _fuzzdb(
        "fuzzdb-sqli",
        {
            "attack/sql-injection/detect/GenericBlind.txt": "224a67f0923dee5395c0b00b68d273ebf1ad1baeed8bef292409407a5e27ae3c",
            "attack/sql-injection/detect/MSSQL.txt": "787c10d50b61f3f812e8c801c30e2f480994433808b576a803eaac7f91965fbe",
            "attack/sql-injection/detect/MSSQL_blind.txt": "a2fb40547106c4bc33e95a38eff5a7815533a7f40e358fa24935a1e0c0f6da6e",
            "attack/sql-injection/detect/MySQL.txt": "05698d9b9ff0b19ea473a0df81a397d36528d720db4ac3939faba534130efb52",
            "attack/sql-injection/detect/MySQL_MSSQL.txt": "7c4848e1c634acc2ee54b74161c3f5beb80f16f96fab9026c8c52dec52d0ed9c",
            "attack/sql-injection/detect/oracle.txt": "4ea50e4006609ac0ce904a265fe53020a7502e55d980a516d31cf0c537faea68",
            "attack/sql-injection/detect/xplatform.txt": "eca4a122e72eb2677a730ca330218ef64c9cc3bad8c291e1b88d939601c08875",
            "attack/sql-injection/exploit/db2-enumeration.txt": "8090f342a4f9cceb294d72c567b01d46ded7103391bfa75f37c1b6b0d3f61d3f",
            "attack/sql-injection/exploit/ms-sql-enumeration.txt": "aa54da9aa39171bbc00162fb0a279990e49fab7297fb217de590ff14437ea02a",
            "attack/sql-injection/exploit/mysql-injection-login-bypass.txt": "44886c92c4d0016758cb29aed81b6a4ae90a06655556dac8aadf0da69c709f27",
            "attack/sql-injection/exploit/mysql-read-local-files.txt": "ba7613860e1fe3349d3b8fbafd034710a8ecf937427a18f80a83eece2010ec4c",
            "attack/sql-injection/exploit/postgres-enumeration.txt": "0671859ed8c9cd33459b64847e07e537ba19da3b20fdd6cb5016a4fad0fd6154",
            "attack/sql-injection/payloads-sql-blind/payloads-sql-blind-MSSQL-INSERT.txt": "4476f8425c367a0851ee433f70b7e5ac71abffab707889791ca6d6802f89ea80",
            "attack/sql-injection/payloads-sql-blind/payloads-sql-blind-MSSQL-WHERE.txt": "a76872a8eec369cf3ff33dc376f01e85b67f9b8781e880d97ca930744e0d20a7",
            "attack/sql-injection/payloads-sql-blind/payloads-sql-blind-MySQL-INSERT.txt": "cbe3479a8528e9523995b9e732cfa4d69f442c4ef5bb5cdd5011668de3004767",
            "attack/sql-injection/payloads-sql-blind/payloads-sql-blind-MySQL-ORDER_BY.txt": "1b3243e360f0508423ce73e805d7e65a30cd664c0f30fd6af6e9e0f6c995937a",
            "attack/sql-injection/payloads-sql-blind/payloads-sql-blind-MySQL-WHERE.txt": "46b57b87025e82cf0839b61fb46dc6c909d3f0e9cc00fc91d48ed1fd3e31a077",
        },
        payload_list("sql"),
        "SQL injection",
    ),
    _fuzzdb(
        "fuzzdb-os-cmd",
        {
            "attack/os-cmd-execution/command-execution-unix.txt": "2a331555079a8448876fb656a5be71b2ed628a84e47d12ce5a7faedb75546727",
            "attack/os-cmd-execution/command-injection-template.txt": "0f695ef85a048b4f5ef9c2b26e21a4c3dc700f67b4b5afa5510658e0f449d60e",
            "attack/os-cmd-execution/OSCommandInject.Windows.txt": "6151e2f4bbee864949e9840c1b43e556bf80d89f39e8235b09e10863bf6a7b6a",
            "attack/os-cmd-execution/source-disc-cmd-exec-traversal.txt": "b6e93241ba14d8e583e15d4d05f300701cf13b902e70eb2399882fbdb339fb2b",
        },
        payload_list("shell"),
        "OS command injection",
    ),
    _fuzzdb(
        "fuzzdb-path-traversal",
        {
            "attack/path-traversal/path-traversal-windows.txt": "bc78ec8d3c1b33093ac0f93bff3e1c15c93a6b5eb081e9494fe8aad4c43bd046",
            "attack/path-traversal/traversals-8-deep-exotic-encoding.txt": "fe313c4b0eb87eb6bc98e7e06d9918fb141c17248ad47e65a3f3b5c438f5853e",
            "attack/lfi/JHADDIX_LFI.txt": "333e1982ddebf1e5687bdc43c63ffce3867a4f9f2a0d13516ebbe7909fe1fa6b",
        },
        payload_list("path"),
        "path traversal / local file inclusion",
    ),
    _fuzzdb(
        "fuzzdb-xss",
        {
            "attack/xss/XSSPolyglot.txt": "c55cbd1c9038fc019c9e9ca14cffac0cdaa889fe423c4b8258bd8d194fe64cab",
            "attack/xss/xss-other.txt": "b2757a3d36b822d64c86152be1ca7323677cc1f64aad4c603799258ccd9683c5",
            "attack/xss/xss-rsnake.txt": "c147e2be6439cadf96c059eab005a47960114505f03ead0700645ccf152e6eb9",
            "attack/xss/xss-uri.txt": "54dc51ebd9fe4dca9e62a5ac5753b31662f17b79beb33da19437ebd1c5efad0d",
        },
        payload_list("xss"),
        "XSS",
    ),
    _source(
        "fuzzdb-xss-context",
        _FUZZDB,
        _FUZZDB_COMMIT,
        {
            "attack/xss/JHADDIX_XSS_WITH_CONTEXT.doc.txt": "83e8f371b01b3a0c147a3d1da70c1f548f860ab9f77339028a293d463b4b2d38",
        },
        family="fuzzdb-xss",
        licence="BSD-3-Clause",
        url=_FUZZDB_URL,
        extract=exploit_strings,
        labels={"Exploit String": "infrastructure"},
        note="fuzzdb@5656ab2 attack/xss/JHADDIX_XSS_WITH_CONTEXT.doc.txt: the 'Exploit String:' "
        f"field of each record, each an infrastructure attack; {_FUZZDB_LICENCE_NOTE}",
    ),
    _fuzzdb(
        "fuzzdb-xxe",
        {
            "attack/xml/xml-attacks.txt": "19d019a4c5fc9d4994d40e5a0dfe91e14f4ceae42d51faaa759ca13b8f3c0d32",
        },
        payload_list("xml", is_xml_attack),
        "XML/XXE (lines with an ENTITY, DOCTYPE, SYSTEM or xi:include)",
    ),
    _fuzzdb(
        "fuzzdb-query-injection",
        {
            "attack/ldap/ldap-injection.txt": "b64cdcf7585dcbf983d9c6fc56fa45972bb6bdce13502ecd5e04c2345a1cfa31",
            "attack/xpath/xpath-injection.txt": "fa23c8d4cbc9a0589db1e4883ac36ad7e172b6cb75d96ad9c1e68a5c6fa36c70",
            "attack/no-sql-injection/mongodb.txt": "bb300793b09b9b033c8fd8b4348c04931e700e333849c8ad9ec3a7d325ece402",
        },
        payload_list("query"),
        "LDAP, XPath and NoSQL injection",
    ),
    _fuzzdb(
        "fuzzdb-ssi",
        {
            "attack/server-side-include/server-side-includes-generic.txt": "82105881b06ecf29d1a746049ccfd6d2dcd5fdc8dfcfedf3873199dd785750f6",
        },
        payload_list("template"),
        "server-side include",
    ),
    _source(
        "patt-prompt-injection",
        _PATT,
        _PATT_COMMIT,
        {
            "Prompt Injection/README.md": "302c565b6ec62bab727f4bb55f8a5aa054ccac2e6cdc0df8e36728329366ab12",
        },
        licence="MIT",
        url=_PATT_URL,
        extract=prompt_injection_page,
        labels=PROMPT_INJECTION_LABELS,
        note="PayloadsAllTheThings@f9fa514 Prompt Injection/README.md: example prompts of the "
        "Direct (bullets, table) and Indirect (code blocks) sections, by the page's strategy "
        "labels; descriptions that are not prompts, 'Output Manipulation' and 'Denial of Service' skipped",
        languages=("en",),
    ),
    _patt(
        "patt-sqli",
        {
            "SQL Injection/Intruder/Auth_Bypass.txt": "37c699933b6985816b53235d21efbcd89a6c3fa7538abab913bc6796ca481d9e",
            "SQL Injection/Intruder/Auth_Bypass2.txt": "40f2e77d466ae55f782440a8b625df8930800f7599afe5f3bb4ac648794b9291",
            "SQL Injection/Intruder/Generic_ErrorBased.txt": "0db851ce365ffa9042b0609f692abc5e06e39c1af175503f12a9ae58e2459b32",
            "SQL Injection/Intruder/Generic_Fuzz.txt": "57dc54806d681efb0e2c990a9688202dab5152a759eba8489f56a87029e403b8",
            "SQL Injection/Intruder/Generic_TimeBased.txt": "5151d74486f125e2cea74c5a4883036680892f36df2bd9aaa40fa42ecacda810",
            "SQL Injection/Intruder/Generic_UnionSelect.txt": "97c0c29b5a7dd86522968f697aa945c99279a46bcfdc23abc91380b5843ddf10",
            "SQL Injection/Intruder/SQL-Injection": "1d51160e3359506768927e68b8003bb69e3c70aabfd596dd600fdcdfb29bf137",
            "SQL Injection/Intruder/SQLi_Polyglots.txt": "06891d333220a7094ff6623a3d03224738c672fc3977b6d4a9f8de91c77c4bdf",
        },
        payload_list("sql"),
        "SQL Injection/Intruder (its FUZZDB_* and payloads-sql-blind-* copies left out)",
    ),
    _patt(
        "patt-command-injection",
        {
            "Command Injection/Intruder/command-execution-unix.txt": "93d437305481bcf88f2adb742cba0de8c447a0e62377b9acb481e82c887aa5d4",
            "Command Injection/Intruder/command_exec.txt": "e67a624f363af20b3c35b0016445454a7a36cfe85f9e4ce996b91755e602cf33",
        },
        payload_list("shell"),
        "Command Injection/Intruder",
    ),
    _patt(
        "patt-path-traversal",
        {
            "Directory Traversal/Intruder/deep_traversal.txt": "d375fc6399172613377e1baa54d38339d56c31373af93cbe0a199f1e3567f9de",
            "Directory Traversal/Intruder/directory_traversal.txt": "9e97863bdb5ded069a1df215888aaa4feb2d000e067d2eefaafd1b37586fb204",
            "Directory Traversal/Intruder/dotdotpwn.txt": "314043e8bc04dcb73381cc34caa9405b053cf0f9015c174db3c0c1fca7d1fb3d",
        },
        payload_list("path"),
        "Directory Traversal/Intruder (fuzzdb's traversals-8-deep copy left out)",
    ),
    _patt(
        "patt-file-inclusion",
        {
            "File Inclusion/Intruders/Traversal.txt": "e9eeedaaa76cf8645053cddb532525bf47b4f78ce21670bd533c44861cb36d49",
            "File Inclusion/Intruders/dot-slash-PathTraversal_and_LFI_pairing.txt": "ebb16821c2a656ea39cb30cd95cb3362ef1ecd00eb881c78833d41733c7f6613",
            "File Inclusion/Intruders/List_Of_File_To_Include_NullByteAdded.txt": "cc680485369be4ef37f1f0bfd4e2d691e9aeb525bc2bb9b09a76671ec1565c3d",
        },
        payload_list("path"),
        "File Inclusion/Intruders traversal lists (plain file-name lists and the JHADDIX_LFI "
        "copy left out)",
    ),
    _patt(
        "patt-ssti",
        {
            "Server Side Template Injection/Intruder/ssti.fuzz": "c79d8cf64202da8333e50d7ae14ade1100e13f25676323846372b189fbb7d138",
        },
        payload_list("template"),
        "Server Side Template Injection/Intruder/ssti.fuzz",
    ),
    _patt(
        "patt-xxe",
        {
            "XXE Injection/Intruders/XXE_Fuzzing.txt": "6fa2260a5405f62eb2b20038b041f4d292283ca423cbbe7fdb2c18644ba17769",
            "XXE Injection/Intruders/xml-attacks.txt": "9c05eddabe7ec82bb7f3f73ac7079c900e86b80031b6963c1cd3017f58ca9a17",
        },
        payload_list("xml", is_xml_attack),
        "XXE Injection/Intruders (lines with an ENTITY, DOCTYPE, SYSTEM or xi:include)",
    ),
    _patt(
        "patt-ssrf",
        {
            "Server Side Request Forgery/README.md": "04073bdaa2d40f9515ee5488362fdde817d24312a6677e3ab76ae6ddbbb774d3",
            "Server Side Request Forgery/SSRF-Cloud-Instances.md": "f6b20e634d4ae9864a356146b2b5d66a5f17ac690c359fc4fdeb506976db8c17",
            "Server Side Request Forgery/SSRF-Advanced-Exploitation.md": "59e7475347527cdb94edbb810856d56ef9e677c542f5b01246db328474f029e7",
        },
        ssrf_urls,
        "Server Side Request Forgery pages",
        how="URLs (any scheme, no spaces) on their own line in the pages' code blocks",
    ),
    _patt(
        "patt-xss",
        {
            "XSS Injection/Intruders/BRUTELOGIC-XSS-JS.txt": "aee4b0513aed4339802619596534929fb06056aebde329308b7bf67973c45791",
            "XSS Injection/Intruders/BRUTELOGIC-XSS-STRINGS.txt": "9c3bff1e98c8809a96512fd1898628ab9bbe9bc59f20d10f0300299e20a5fedf",
            "XSS Injection/Intruders/IntrudersXSS.txt": "37df594154abd07a8d380e69bbae7444134837a6c229522f066e17b34fa59982",
            "XSS Injection/Intruders/JHADDIX_XSS.txt": "8465814a841462c2996e43c04df12419b428a9fa1205dc809feac6d5748bbad6",
            "XSS Injection/Intruders/MarioXSSVectors.txt": "30416535d6f9d842cffdebab891ec91a67b5253a70fb64d560bc0d7e54826a70",
            "XSS Injection/Intruders/RSNAKE_XSS.txt": "af3a62d97a170c4847343a653dd3bf0b5bd98671154327fde521fddff7818606",
            "XSS Injection/Intruders/XSSDetection.txt": "19bcb9312beb0c676d3f4cb571ac9f5db387b4263fda289ed3dee068e4b4e063",
            "XSS Injection/Intruders/XSS_Polyglots.txt": "9f6c3b5e327827b24bd30f7786fd4e0834a13ea5d3ebceee401e0d63f4e754eb",
            "XSS Injection/Intruders/jsonp_endpoint.txt": "b4522fbcdf866dd788d0038299391486521ddb4f73640d74ead0332d1a4f5090",
            "XSS Injection/Intruders/xss_alert.txt": "d8785ece7a960c98835378e9d8ef4d174f571c80a05d7dbf63e2cd99881eda34",
            "XSS Injection/Intruders/xss_alert_identifiable.txt": "088d7b46c52c70d804a28871dc457c9df9b4880dd186aad413c12791902d5043",
            "XSS Injection/Intruders/xss_payloads_quick.txt": "596353b83f5d3159f20292a205e7b24fab439d859bc5770ef3cfa6a394b712b1",
            "XSS Injection/Intruders/xss_swf_fuzz.txt": "bf80fdf32257dcaa379cac994264d0e23e7db1e1ddf86f0bb6d5685aaeed9a02",
        },
        payload_list("xss"),
        "XSS Injection/Intruders (event-handler name lists left out)",
    ),
]
