"""Build a tiny but genuine Argos Translate package (.argosmodel) offline.

The real ar->en model cannot be downloaded here, yet the translation stage must
be exercised through the real machinery: ``argostranslate.package`` install and
discovery, the package's SentencePiece tokenizer and ``ctranslate2.Translator``.
This module writes a package that goes through all of them in about a second.

The network has random weights, so its "English" is gibberish, but it is shaped
to behave like a usable model: every hypothesis is made only of Latin-letter
pieces and ends with ``</s>`` after exactly ``max_output_tokens`` pieces.  Two
devices do this:

* a *clock* channel: the decoder's learned position table holds
  ``-CLOCK_VALUE`` in one model dimension for steps before
  ``max_output_tokens`` and ``+CLOCK_VALUE`` from then on; no sublayer writes
  to that dimension and only the ``</s>`` row of the output projection reads
  it, so ``</s>`` loses by a wide margin before the deadline and wins by a wide
  margin at it;
* an output bias that sinks every piece that is not made of ASCII letters.

Packages come in the layouts users meet (``layout=``):

* ``"sentencepiece"``: our plain package (``sentencepiece.model``, a current
  CTranslate2 folder, seven-key metadata);
* ``"argos-ar_en"``: the real ar->en package of the Argos index: top folder
  ``ar_en/`` with directory entries, the six-key ``metadata.json`` written with
  indent 4, a ``README.md``, ``model/shared_vocabulary.txt`` (the old text
  vocabulary, no ``config.json``), int8 weights and a ``stanza/`` folder (here
  with placeholder files: we never run stanza);
* ``"bpe"``: a Moses-tokenised, ``bpe.model`` (subword-nmt codes) package;
* ``"target-prefix"``: SentencePiece with ``target_prefix`` in its metadata,
  a token the model is made to start every translation with.

Identical inputs give byte-identical packages: weights come from a seeded numpy
generator, SentencePiece trains single-threaded without shuffling, BPE merges
are chosen with a fixed tie-break, and the zip has sorted entries with a fixed
timestamp.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from collections import Counter
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import sentencepiece as spm

DEFAULT_ENGLISH: tuple[str, ...] = (
    "The foreign ministers met on Monday to discuss trade and energy.",
    "Officials said the talks would continue later this week in the capital.",
    "The agreement covers oil, gas, transport and new investment projects.",
    "Analysts expect the two governments to sign several deals next year.",
    "The president told reporters that relations were stronger than ever.",
    "Markets reacted calmly to the news from the summit.",
    "A joint statement called for peace, stability and cooperation in the region.",
    "The delegation will visit factories, ports and universities during the trip.",
)

LANGUAGE_NAMES = {"ar": "Arabic", "en": "English"}
ARGOS_VERSION = "1.9"

ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
UNK_ID, BOS_ID, EOS_ID = 0, 1, 2
CLOCK_VALUE = 6.0  # residual-stream value of the clock dimension, before layer norm
EOS_CLOCK_WEIGHT = 16.0  # how strongly the normalised clock drives the </s> logit
NON_LATIN_LOGIT_BIAS = -40.0
MIN_DECODER_POSITIONS = 256  # CTranslate2's default max_decoding_length
LAYOUTS = ("sentencepiece", "argos-ar_en", "bpe", "target-prefix")
BPE_MERGES = 400
# model.bin as CTranslate2 2.x wrote it: read without config.json (version 6 needs one for its tokens).
OLD_BINARY_VERSION = 5
SPECIAL_TOKENS = ("<unk>", "<s>", "</s>")  # ids UNK_ID, BOS_ID, EOS_ID in the BPE vocabulary
# The real package's stanza folder; the .pt file is a placeholder (we never run stanza).
STANZA_FILES = {"stanza/resources.json": b'{"ar": {"tokenize": {"padt": {}}}}\n',
                "stanza/ar/tokenize/padt.pt": b"placeholder: not a stanza model\n"}


def build_argos_model(
    dest: Path,
    texts: Sequence[str],
    *,
    from_code: str = "ar",
    to_code: str = "en",
    layers: tuple[int, int] = (1, 1),
    d_model: int = 64,
    heads: int = 4,
    ffn: int = 128,
    vocab_size: int = 800,
    max_output_tokens: int = 12,
    quantization: str | None = None,
    seed: int = 0,
    package_version: str = "1.0",
    english: Sequence[str] = DEFAULT_ENGLISH,
    layout: str = "sentencepiece",
) -> Path:
    """Write a valid ``.argosmodel`` zip to ``dest`` and return ``dest``.

    ``texts`` (source-language sentences) and ``english`` train the shared
    SentencePiece vocabulary, which caps at ``vocab_size`` pieces but may be
    smaller for little text.  Every translation is ``max_output_tokens`` Latin
    pieces long (with the target prefix, if any, as the first).
    ``quantization`` is a CTranslate2 weight type such as "int8" (the
    "argos-ar_en" layout is always int8, as the real one is).
    """
    if d_model % heads:
        raise ValueError(f"d_model={d_model} is not divisible by heads={heads}")
    if max_output_tokens < 1:
        raise ValueError("max_output_tokens must be at least 1")
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; one of {', '.join(LAYOUTS)}")
    target_prefix = f"__{to_code}__" if layout == "target-prefix" else ""
    training = list(texts) + list(english)
    if layout == "bpe":
        codes = learn_bpe_codes(training, from_code, to_code)
        vocabulary = bpe_vocabulary(codes, training, from_code, to_code)
        tokenizer_files = {"bpe.model": codes}
        allowed: Callable[[str], bool] = is_latin_bpe_token
    else:
        sentencepiece_model = train_sentencepiece(training, vocab_size, [target_prefix] if target_prefix else [])
        processor = spm.SentencePieceProcessor(model_proto=sentencepiece_model)
        vocabulary = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
        tokenizer_files = {"sentencepiece.model": sentencepiece_model}
        allowed = is_latin_piece
    if not any(allowed(piece) for piece in vocabulary):
        raise ValueError("the vocabulary has no Latin pieces to translate into; pass `english`")
    spec = transformer_spec(
        vocabulary,
        layers=layers,
        d_model=d_model,
        heads=heads,
        ffn=ffn,
        max_output_tokens=max_output_tokens,
        rng=np.random.default_rng(seed),
        allowed=allowed,
    )
    spec.validate()
    spec.optimize(quantization="int8" if layout == "argos-ar_en" else quantization)
    model_files = saved_model_files(spec)

    metadata = {
        "package_version": package_version,
        "argos_version": ARGOS_VERSION,
        "from_code": from_code,
        "from_name": LANGUAGE_NAMES.get(from_code, from_code),
        "to_code": to_code,
        "to_name": LANGUAGE_NAMES.get(to_code, to_code),
        "type": "translate",
    }
    if target_prefix:
        metadata["target_prefix"] = target_prefix
    metadata_json = (json.dumps(metadata, indent=2, sort_keys=True) + "\n").encode()
    top = f"translate-{from_code}_{to_code}-{package_version.replace('.', '_')}"
    folders: list[str] = []
    if layout == "argos-ar_en":
        top = f"{from_code}_{to_code}"
        # The index's file: six keys in this order, indent 4, a trailing newline (158 bytes for ar_en 1.0).
        metadata = {key: metadata[key] for key in ("package_version", "argos_version", "from_code", "from_name",
                                                   "to_code", "to_name")}
        metadata["argos_version"] = "1.0"
        metadata_json = (json.dumps(metadata, indent=4) + "\n").encode()
        vocabulary_json = json.loads(model_files.pop("shared_vocabulary.json"))
        model_files.pop("config.json")
        model_files["model.bin"] = as_binary_version(model_files["model.bin"], OLD_BINARY_VERSION)
        model_files["shared_vocabulary.txt"] = "".join(token + "\n" for token in vocabulary_json).encode()
        tokenizer_files.update(STANZA_FILES)
        tokenizer_files["README.md"] = f"# {metadata['from_name']} to {metadata['to_name']}\n".encode()
        folders = ["", "model/", "stanza/", "stanza/ar/", "stanza/ar/tokenize/"]
    entries = {f"model/{name}": data for name, data in model_files.items()}
    entries.update(tokenizer_files)
    entries["metadata.json"] = metadata_json
    dest = Path(dest)
    files = {f"{top}/{name}": data for name, data in entries.items()}
    write_deterministic_zip(dest, files, [f"{top}/{folder}" for folder in folders])
    return dest


def train_sentencepiece(sentences: Sequence[str], vocab_size: int, symbols: Sequence[str] = ()) -> bytes:
    """Train a unigram SentencePiece model in memory, reproducibly, with </s> as id 2; `symbols` are
    pieces kept whole (a target prefix must decode to itself)."""
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences),
        model_writer=model,
        model_type="unigram",
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        character_coverage=1.0,
        num_threads=1,
        shuffle_input_sentence=False,
        unk_id=UNK_ID,
        bos_id=BOS_ID,
        eos_id=EOS_ID,
        pad_id=-1,
        user_defined_symbols=list(symbols),
        minloglevel=2,
    )
    return model.getvalue()


def moses_words(sentences: Sequence[str], from_code: str, to_code: str) -> list[str]:
    """The words Argos's BPE tokenizer sees: Moses-normalised and Moses-tokenised text."""
    from sacremoses.normalize import MosesPunctNormalizer
    from sacremoses.tokenize import MosesTokenizer

    words = []
    for code in dict.fromkeys((from_code, to_code)):
        normalizer, tokenizer = MosesPunctNormalizer(code), MosesTokenizer(code)
        for sentence in sentences:
            words.extend(tokenizer.tokenize(normalizer.normalize(sentence)))
    return words


def learn_bpe_codes(sentences: Sequence[str], from_code: str, to_code: str, merges: int = BPE_MERGES) -> bytes:
    """subword-nmt (version 0.2) merge codes learnt on the sentences, ties broken by the pair itself."""
    words = {tuple(word[:-1]) + (word[-1] + "</w>",): count
             for word, count in Counter(moses_words(sentences, from_code, to_code)).items()}
    learnt = []
    for _ in range(merges):
        pairs: Counter[tuple[str, str]] = Counter()
        for word, count in words.items():
            for pair in zip(word, word[1:]):
                pairs[pair] += count
        if not pairs:
            break
        best = max(pairs, key=lambda pair: (pairs[pair], pair))
        if pairs[best] < 2:
            break
        learnt.append(best)
        words = {merge_pair(word, best): count for word, count in words.items()}
    return ("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in learnt)).encode()


def merge_pair(word: tuple[str, ...], pair: tuple[str, str]) -> tuple[str, ...]:
    merged, i = [], 0
    while i < len(word):
        if word[i:i + 2] == pair:
            merged.append(pair[0] + pair[1])
            i += 2
        else:
            merged.append(word[i])
            i += 1
    return tuple(merged)


def bpe_vocabulary(codes: bytes, sentences: Sequence[str], from_code: str, to_code: str) -> list[str]:
    """The special tokens, then every token Argos's BPE tokenizer makes of the sentences, sorted."""
    from argostranslate.tokenizer import BPETokenizer

    with tempfile.TemporaryDirectory() as folder:
        codes_file = Path(folder) / "bpe.model"
        codes_file.write_bytes(codes)
        tokens = set()
        for code in dict.fromkeys((from_code, to_code)):
            tokenizer = BPETokenizer(codes_file, code, to_code)
            for sentence in sentences:
                tokens.update(tokenizer.encode(sentence))
    return list(SPECIAL_TOKENS) + sorted(tokens - set(SPECIAL_TOKENS))


def is_latin_piece(piece: str) -> bool:
    """True for pieces such as "▁news" or "ing" that decode to ASCII letters only."""
    text = piece.lstrip("\u2581")
    return bool(text) and text.isascii() and text.isalpha()


def is_latin_bpe_token(token: str) -> bool:
    """True for BPE tokens such as "news" or "ne@@" (a word continued by the next token) of ASCII letters."""
    text = token.removesuffix("@@")
    return bool(text) and text.isascii() and text.isalpha()


def transformer_spec(
    vocabulary: list[str],
    *,
    layers: tuple[int, int],
    d_model: int,
    heads: int,
    ffn: int,
    max_output_tokens: int,
    rng: np.random.Generator,
    allowed: Callable[[str], bool] = is_latin_piece,
):
    """A pre-norm Transformer spec with random weights plus the clock and a bias towards the
    pieces `allowed` accepts (Latin ones)."""
    # Imported here: ctranslate2.specs pulls in torch (~1.5 s), needed only when building.
    from ctranslate2.specs import transformer_spec as ct2_transformer

    spec = ct2_transformer.TransformerSpec.from_config(num_layers=tuple(layers), num_heads=heads)
    clock = d_model - 1
    size = len(vocabulary)

    def matrix(rows: int, cols: int) -> np.ndarray:
        return (rng.standard_normal((rows, cols)) / np.sqrt(cols)).astype(np.float32)

    def fill_norm(norm) -> None:
        norm.gamma = np.ones(d_model, np.float32)
        norm.beta = np.zeros(d_model, np.float32)

    def fill_linear(linear, rows: int, cols: int, *, writes_residual: bool = False) -> None:
        linear.weight = matrix(rows, cols)
        linear.bias = np.zeros(rows, np.float32)
        if writes_residual:
            linear.weight[clock] = 0.0  # keep the clock channel untouched

    def fill_ffn(block) -> None:
        fill_norm(block.layer_norm)
        fill_linear(block.linear_0, ffn, d_model)
        fill_linear(block.linear_1, d_model, ffn, writes_residual=True)

    def embeddings() -> np.ndarray:
        table = matrix(size, d_model)
        table[:, clock] = 0.0
        return table

    encoder, decoder = spec.encoder, spec.decoder
    encoder.embeddings[0].weight = embeddings()
    fill_norm(encoder.layer_norm)
    for layer in encoder.layer:
        fill_norm(layer.self_attention.layer_norm)
        fill_linear(layer.self_attention.linear[0], 3 * d_model, d_model)
        fill_linear(layer.self_attention.linear[1], d_model, d_model)
        fill_ffn(layer.ffn)

    decoder.embeddings.weight = embeddings()
    # Random rows vary the output from step to step; without them it loops on one piece.
    position_count = max(MIN_DECODER_POSITIONS, max_output_tokens + 1)
    positions = rng.standard_normal((position_count, d_model)).astype(np.float32)
    positions[:, clock] = CLOCK_VALUE
    positions[:max_output_tokens, clock] = -CLOCK_VALUE
    decoder.position_encodings.encodings = positions
    fill_norm(decoder.layer_norm)
    for layer in decoder.layer:
        fill_norm(layer.self_attention.layer_norm)
        fill_linear(layer.self_attention.linear[0], 3 * d_model, d_model)
        fill_linear(layer.self_attention.linear[1], d_model, d_model, writes_residual=True)
        fill_norm(layer.attention.layer_norm)
        fill_linear(layer.attention.linear[0], d_model, d_model)
        fill_linear(layer.attention.linear[1], 2 * d_model, d_model)
        fill_linear(layer.attention.linear[2], d_model, d_model, writes_residual=True)
        fill_ffn(layer.ffn)

    projection = matrix(size, d_model)
    projection[:, clock] = 0.0
    projection[EOS_ID] = 0.0
    projection[EOS_ID, clock] = EOS_CLOCK_WEIGHT
    decoder.projection.weight = projection
    kept = [i == EOS_ID or allowed(piece) for i, piece in enumerate(vocabulary)]
    decoder.projection.bias = np.where(kept, 0.0, NON_LATIN_LOGIT_BIAS).astype(np.float32)

    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    return spec


def saved_model_files(spec) -> dict[str, bytes]:
    """The files CTranslate2 writes for ``spec`` (model.bin, config.json, vocabulary)."""
    with tempfile.TemporaryDirectory() as model_dir:
        spec.save(model_dir)
        return {path.name: path.read_bytes() for path in sorted(Path(model_dir).iterdir())}


def as_binary_version(model_bin: bytes, version: int) -> bytes:
    """model.bin with another format version in its header (a little-endian uint32); versions 5 and 6
    store a Transformer's weights alike, and 5 takes the special tokens' names as defaults."""
    return version.to_bytes(4, "little") + model_bin[4:]


def write_deterministic_zip(dest: Path, files: dict[str, bytes], folders: Sequence[str] = ()) -> None:
    """Zip ``files`` (and directory entries for ``folders``, names ending in "/") in sorted order with
    fixed metadata so equal input gives equal bytes."""
    with zipfile.ZipFile(dest, "w") as archive:
        for name in sorted(folders):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIMESTAMP)
            info.external_attr = (0o40755 << 16) | 0x10  # a directory, as zip -r writes it
            archive.writestr(info, b"")
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
