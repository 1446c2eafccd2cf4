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

Identical inputs give byte-identical packages: weights come from a seeded numpy
generator, SentencePiece trains single-threaded without shuffling, and the zip
has sorted entries with a fixed timestamp.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path
from typing import Sequence

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
) -> Path:
    """Write a valid ``.argosmodel`` zip to ``dest`` and return ``dest``.

    ``texts`` (source-language sentences) and ``english`` train the shared
    SentencePiece vocabulary, which caps at ``vocab_size`` pieces but may be
    smaller for little text.  Every translation is ``max_output_tokens`` Latin
    pieces long.  ``quantization`` is a CTranslate2 weight type such as "int8".
    """
    if d_model % heads:
        raise ValueError(f"d_model={d_model} is not divisible by heads={heads}")
    if max_output_tokens < 1:
        raise ValueError("max_output_tokens must be at least 1")
    sentencepiece_model = train_sentencepiece(list(texts) + list(english), vocab_size)
    processor = spm.SentencePieceProcessor(model_proto=sentencepiece_model)
    vocabulary = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    if not any(is_latin_piece(piece) for piece in vocabulary):
        raise ValueError("the vocabulary has no Latin pieces to translate into; pass `english`")
    spec = transformer_spec(
        vocabulary,
        layers=layers,
        d_model=d_model,
        heads=heads,
        ffn=ffn,
        max_output_tokens=max_output_tokens,
        rng=np.random.default_rng(seed),
    )
    spec.validate()
    spec.optimize(quantization=quantization)
    model_files = saved_model_files(spec)

    top = f"translate-{from_code}_{to_code}-{package_version.replace('.', '_')}"
    metadata = {
        "package_version": package_version,
        "argos_version": ARGOS_VERSION,
        "from_code": from_code,
        "from_name": LANGUAGE_NAMES.get(from_code, from_code),
        "to_code": to_code,
        "to_name": LANGUAGE_NAMES.get(to_code, to_code),
        "type": "translate",
    }
    entries = {f"model/{name}": data for name, data in model_files.items()}
    entries["sentencepiece.model"] = sentencepiece_model
    entries["metadata.json"] = (json.dumps(metadata, indent=2, sort_keys=True) + "\n").encode()
    dest = Path(dest)
    write_deterministic_zip(dest, {f"{top}/{name}": data for name, data in entries.items()})
    return dest


def train_sentencepiece(sentences: Sequence[str], vocab_size: int) -> bytes:
    """Train a unigram SentencePiece model in memory, reproducibly, with </s> as id 2."""
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
        minloglevel=2,
    )
    return model.getvalue()


def is_latin_piece(piece: str) -> bool:
    """True for pieces such as "▁news" or "ing" that decode to ASCII letters only."""
    text = piece.lstrip("\u2581")
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
):
    """A pre-norm Transformer spec with random weights plus the clock and Latin bias."""
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
    allowed = [i == EOS_ID or is_latin_piece(piece) for i, piece in enumerate(vocabulary)]
    decoder.projection.bias = np.where(allowed, 0.0, NON_LATIN_LOGIT_BIAS).astype(np.float32)

    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    return spec


def saved_model_files(spec) -> dict[str, bytes]:
    """The files CTranslate2 writes for ``spec`` (model.bin, config.json, vocabulary)."""
    with tempfile.TemporaryDirectory() as model_dir:
        spec.save(model_dir)
        return {path.name: path.read_bytes() for path in sorted(Path(model_dir).iterdir())}


def write_deterministic_zip(dest: Path, files: dict[str, bytes]) -> None:
    """Zip ``files`` in sorted order with fixed metadata so equal input gives equal bytes."""
    with zipfile.ZipFile(dest, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
