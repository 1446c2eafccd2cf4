"""Turning text into a package's tokens and back, for each layout Argos ships.

Done here rather than through argostranslate's tokenizers so the build's English does not change
with the installed argostranslate: 1.10 began turning every "_" of a translation into a space.
DECODING_VERSION is part of the translation memory's model identity, so a change made here to
what decoding returns never mixes with translations stored before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..files import read_json_object

DECODING_VERSION = "1"  # bump whenever `decode` below returns other text for the same tokens
WORD_MARKER = "\u2581"  # SentencePiece's "▁": a space before the piece
BPE_JOINER = "@@"  # subword-nmt's mark on a token that the next one continues


@dataclass(frozen=True)
class PackageLayout:
    """What an installed package is made of, as far as translating with it goes."""

    tokenizer: str  # "SentencePiece" | "BPE" | "none"
    target_prefix: str  # a token the model starts every translation with ("" for none)
    stanza: bool  # ships a stanza sentence splitter (we split sentences ourselves)

    @property
    def description(self) -> str:
        parts = [self.tokenizer, "with stanza" if self.stanza else "without stanza"]
        if self.target_prefix:
            parts.append(f"target prefix {self.target_prefix}")
        return ", ".join(parts)


def package_layout(path: Path) -> PackageLayout:
    metadata = read_json_object(path / "metadata.json")
    prefix = metadata.get("target_prefix", "")
    if (path / "sentencepiece.model").is_file():
        kind = "SentencePiece"
    elif (path / "bpe.model").is_file():
        kind = "BPE"
    else:
        kind = "none"
    return PackageLayout(kind, prefix if isinstance(prefix, str) else "", (path / "stanza").is_dir())


class SentencePieceTokenizer:
    def __init__(self, model_file: Path):
        import sentencepiece

        self.processor = sentencepiece.SentencePieceProcessor(model_file=str(model_file))

    def encode(self, text: str) -> list[str]:
        return self.processor.encode(text, out_type=str)

    def decode(self, pieces: list[str]) -> str:
        # SentencePiece leaves "▁" in pieces it does not know (a model's vocabulary may hold some).
        return self.processor.decode_pieces(pieces).replace(WORD_MARKER, " ")


class BPETokenizer:
    """Moses punctuation normalising and tokenising, then subword-nmt merges: how Argos's BPE
    packages were trained (argostranslate ships that subword-nmt code as apply_bpe)."""

    def __init__(self, codes_file: Path, source: str, target: str):
        from argostranslate.apply_bpe import BPE
        from sacremoses.normalize import MosesPunctNormalizer
        from sacremoses.tokenize import MosesDetokenizer, MosesTokenizer

        self.normalizer = MosesPunctNormalizer(source)
        self.tokenizer = MosesTokenizer(source)
        self.detokenizer = MosesDetokenizer(target)
        with open(codes_file, encoding="utf-8") as codes:
            self.bpe = BPE(codes)

    def encode(self, text: str) -> list[str]:
        words = " ".join(self.tokenizer.tokenize(self.normalizer.normalize(text))).strip("\r\n ").split(" ")
        return self.bpe.segment_tokens(words)

    def decode(self, tokens: list[str]) -> str:
        # A joiner on the last token continues nothing: dropped (Argos keeps it in the text).
        joined = " ".join(tokens).replace(BPE_JOINER + " ", "").removesuffix(BPE_JOINER)
        return self.detokenizer.detokenize(joined.split(" "))


def package_tokenizer(path: Path, source: str, target: str) -> SentencePieceTokenizer | BPETokenizer:
    """The tokenizer of the installed package at `path` (SentencePiece first, as Argos chooses)."""
    if (path / "sentencepiece.model").is_file():
        return SentencePieceTokenizer(path / "sentencepiece.model")
    if (path / "bpe.model").is_file():
        return BPETokenizer(path / "bpe.model", source, target)
    raise ValueError(f"{path}: neither sentencepiece.model nor bpe.model: not a translation package")


def detokenize(tokenizer: SentencePieceTokenizer | BPETokenizer, tokens: list[str], target_prefix: str) -> str:
    """A hypothesis as text: without the target prefix, with single spaces, "_" and emoji as they are."""
    if target_prefix and tokens[:1] == [target_prefix]:
        tokens = tokens[1:]
    return " ".join(tokenizer.decode(tokens).split())
