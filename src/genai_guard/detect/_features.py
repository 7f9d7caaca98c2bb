r"""Feature extraction of the shipped attack classifier (imports numpy; load lazily).

Training and inference call the same function, so the model sees exactly the features it was
trained on. Every hash is deterministic (``zlib.crc32`` and fixed integer mixing, never Python's
salted ``hash()``), so a text gives the same features in every process.

Features of one text (lowercased, NFKC-folded, zero-width/format characters removed):

* hashed word unigrams and bigrams (``\w+`` tokens);
* hashed character 3-, 4- and 5-grams;
* a few dense structural signals: length, second-person address, sentence-initial imperatives
  aimed at the model, role markers and chat-template tokens, long encoded-looking runs (the style
  signals of ``UNUSED_DENSE`` keep their slots at zero).

The model reads each hashed block as the mean weight of its bucket occurrences, so that a long text
does not get a larger score just by being long. Pure functions; thread-safe.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "BLOCK_NAMES",
    "DENSE_NAMES",
    "HASH_BITS",
    "MAX_CHARS",
    "N_BLOCKS",
    "N_POOLED",
    "UNUSED_DENSE",
    "Features",
    "canonical",
    "extract",
    "pool",
    "pool_top",
]

HASH_BITS = 18
"""The hashed space has ``2 ** HASH_BITS`` buckets."""

MAX_CHARS = 4096
"""Characters of a text used for features; longer texts are scored in windows by the detector."""

MAX_WORDS = 1024

BLOCK_NAMES = ("word1", "word2", "char3", "char4", "char5")
N_BLOCKS = len(BLOCK_NAMES)
TOP_K = 6
N_POOLED = 2 * N_BLOCKS
"""Pooled values per text: each block's mean of its ``TOP_K`` largest, then smallest, weights."""

_MASK = np.uint64((1 << 64) - 1)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_SHIFT = np.uint64(64 - HASH_BITS)
_P = np.uint64(1_000_003)
_SALT_CHAR = {3: np.uint64(0x51ED27), 4: np.uint64(0xA1B2C3D4), 5: np.uint64(0x7F4A7C15)}
_SALT_BIGRAM = np.uint64(0x2545F4914F6CDD1D)

# Linear patterns only: single character classes, no nested quantifiers.
_WORD = re.compile(r"\w+")
# The first word after a sentence end; run over "\n" + text, so the text's start counts as one.
# Starting with a character class (not ``^|``) lets ``re`` skip ahead: twice as fast.
_SENTENCE_START = re.compile(r"[.!?\n][^\w.!?\n]*(\w+)")
# One character class (linear); a regex scan is far cheaper than ``str.translate`` with a dict.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u180e\u200b-\u200f\u2060-\u2064\ufeff\u202a-\u202e\u2066-\u2069]"
)
_ROLE_TOKENS = (
    "<|im_start|>",
    "<|im_end|>",
    "<|system|>",
    "<|user|>",
    "<|assistant|>",
    "<|endoftext|>",
    "<|eot_id|>",
    "<|start_header_id|>",
    "[inst]",
    "[/inst]",
    "<<sys>>",
    "<</sys>>",
    "### instruction",
    "### system",
    "### response",
    "\nsystem:",
    "\nassistant:",
    "\nuser:",
    "\nhuman:",
    "[system]",
    "(system)",
    "</system>",
    "<system>",
)
_ROLE_GROUPS = tuple(
    (first, tuple(t for t in _ROLE_TOKENS if t[0] == first))
    for first in dict.fromkeys(t[0] for t in _ROLE_TOKENS)
)
"""Role tokens by first character: a group is counted only if that character occurs."""
_IMPERATIVES = frozenset(
    [
        "ignore",
        "disregard",
        "forget",
        "override",
        "bypass",
        "pretend",
        "act",
        "roleplay",
        "imagine",
        "respond",
        "reply",
        "answer",
        "reveal",
        "print",
        "output",
        "repeat",
        "say",
        "write",
        "tell",
        "show",
        "give",
        "list",
        "display",
        "leak",
        "dump",
        "expose",
        "execute",
        "run",
        "stop",
        "obey",
        "follow",
        "translate",
        "from",
        "do",
        "don't",
        "never",
        "always",
        "start",
        "begin",
        "continue",
        "enter",
        "switch",
        "enable",
        "disable",
    ]
)
_YOU = frozenset(["you", "your", "you're", "yourself", "you'll", "you've", "ur", "u"])

DENSE_NAMES = (
    "log_length",
    "non_alnum_share",
    "entropy",
    "upper_share",
    "you_share",
    "imperative_starts",
    "role_markers",
    "long_runs",
    "digit_share",
    "newline_share",
)

UNUSED_DENSE = ("newline_share", "digit_share", "upper_share", "entropy", "non_alnum_share")
"""Style signals kept in the vector (so the weights file keeps its shape) but never computed.

They separated the corpus's sources (e-mail layout, digits, case) rather than attacks from benign
text, so training fixes their weights at zero; computing them would only cost time.
"""


_I_LENGTH, _I_YOU, _I_STARTS, _I_ROLES, _I_RUNS = (
    DENSE_NAMES.index(n)
    for n in ("log_length", "you_share", "imperative_starts", "role_markers", "long_runs")
)


@dataclass(frozen=True, slots=True)
class Features:
    """The features of one text.

    Attributes:
        blocks: Hashed buckets of each block (one per occurrence): word unigrams, word
            bigrams, character 3-, 4- and 5-grams (an empty array when the text is too short).
        dense: The structural signals, each scaled to about ``[0, 1]``.
    """

    blocks: tuple[npt.NDArray[np.int64], ...]
    dense: npt.NDArray[np.float32]


@functools.lru_cache(maxsize=1 << 16)
def _word_hash(word: str) -> int:
    """CRC-32 of a word; cached, since most words of a text are common words seen before."""
    return zlib.crc32(word.encode("utf-8"))


def _folded(text: str) -> str:
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text[: MAX_CHARS * 2]))


def canonical(text: str) -> str:
    """Lowercased, NFKC-folded text without invisible format characters."""
    return _folded(text).lower()[:MAX_CHARS]


def _bucket(h: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
    return ((h * _MIX) >> _SHIFT).astype(np.int64)


def _char_hashes(codes: npt.NDArray[np.uint64]) -> list[npt.NDArray[np.int64]]:
    """Buckets of the character 3-, 4- and 5-grams of ``codes``.

    Polynomial hashes; each k-gram's hash extends the (k-1)-gram's by one character, which gives
    the same values as hashing every k-gram from scratch.
    """
    out = []
    n = codes.shape[0]
    h: npt.NDArray[np.uint64] | None = None
    for k in (3, 4, 5):
        if n < k:
            out.append(np.zeros(0, dtype=np.int64))
            continue
        if h is None:
            h = np.zeros(n - k + 1, dtype=np.uint64)
            for j in range(k):
                h = h * _P + codes[j : n - k + 1 + j]
        else:
            h = h[:-1] * _P + codes[k - 1 :]
        out.append(_bucket(h ^ _SALT_CHAR[k]))
    return out


def _longest_token_share(words: list[str]) -> float:
    if not words or max(map(len, words)) < 24:
        return 0.0
    long_runs = sum(1 for w in words if len(w) >= 24)
    return min(1.0, long_runs / 3.0)


def pool(blocks: tuple[npt.NDArray[np.int64], ...], weights: npt.NDArray[Any]) -> Any:
    """Pooled weights of one text, shape ``(N_POOLED,)``, for a 1-D array of bucket weights.

    ``weights`` should be contiguous: ``np.take`` copies a strided array on every call.

    Value ``j`` is block ``j``'s mean of its ``TOP_K`` largest weights, value ``N_BLOCKS + j``
    the mean of its ``TOP_K`` smallest; 0 when the block is empty. Max-like pooling: an attack
    phrase inside a long benign document still shows, where a mean over all n-grams would dilute
    it; the min side keeps the evidence that a text is ordinary.
    """
    # np.take and one sort, rather than fancy indexing and a two-sided np.partition: the same
    # values, about 2.6 times faster on a 4,096-character window (175 -> 67 us for five blocks).
    out = np.zeros(N_POOLED)
    for j, b in enumerate(blocks):
        n = b.shape[0]
        if n > TOP_K:
            v = np.sort(np.take(weights, b))
            out[j] = v[n - TOP_K :].sum() / TOP_K
            out[N_BLOCKS + j] = v[:TOP_K].sum() / TOP_K
        elif n:
            # sum / n rather than mean(): the same value without numpy's Python-level overhead.
            out[j] = out[N_BLOCKS + j] = np.take(weights, b).sum() / n
    return out


def pool_top(blocks: tuple[npt.NDArray[np.int64], ...], weights_t: npt.NDArray[Any]) -> Any:
    """The top side of ``pool`` (its first ``N_BLOCKS`` values) for ``k`` weight columns at once.

    ``weights_t`` is the weight matrix transposed, shape ``(k, D)`` and C-contiguous, so each
    column's values are partitioned in contiguous memory. Returns shape ``(N_BLOCKS, k)``.
    """
    out = np.zeros((N_BLOCKS, weights_t.shape[0]))
    for j, b in enumerate(blocks):
        n = b.shape[0]
        if n:
            # np.take along the axis: a fraction of the cost of ``weights_t[:, b]``.
            v = np.take(weights_t, b, axis=1)
            if n > TOP_K:
                out[j] = np.partition(v, n - TOP_K, axis=1)[:, n - TOP_K :].sum(axis=1) / TOP_K
            else:
                out[j] = v.sum(axis=1) / n
    return out


def extract(text: str) -> Features:
    """Features of ``text`` (at most ``MAX_CHARS`` characters of it are used)."""
    folded = _folded(text)
    canon = folded[:MAX_CHARS].lower()
    words = _WORD.findall(canon)[:MAX_WORDS]
    empty = np.zeros(0, dtype=np.int64)
    uni, bi = empty, empty
    if words:
        wh = np.fromiter(map(_word_hash, words), dtype=np.uint64, count=len(words))
        uni = _bucket(wh)
        if len(words) > 1:
            bi = _bucket((wh[:-1] * _P + wh[1:]) ^ _SALT_BIGRAM)
    padded = f" {canon} "
    codes = np.frombuffer(padded.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    blocks = (uni, bi, *_char_hashes(codes))
    nw = max(1, len(words))
    you = sum(map(_YOU.__contains__, words))
    starts = sum(map(_IMPERATIVES.__contains__, _SENTENCE_START.findall("\n" + canon)))
    roles = sum(canon.count(tok) for first, toks in _ROLE_GROUPS if first in canon for tok in toks)
    dense = np.zeros(len(DENSE_NAMES), dtype=np.float32)
    dense[_I_LENGTH] = math.log1p(len(folded)) / 10.0
    dense[_I_YOU] = min(1.0, 10.0 * you / nw)
    dense[_I_STARTS] = min(1.0, starts / 3.0)
    dense[_I_ROLES] = min(1.0, roles / 2.0)
    dense[_I_RUNS] = _longest_token_share(words)
    return Features(blocks=blocks, dense=dense)
