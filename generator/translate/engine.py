"""The Argos Translate model, driven directly through CTranslate2 in large batches.

We use argostranslate.package for discovery, but not argostranslate.translate: that one imports
stanza and spaCy, downloads a sentence-boundary model on first use and calls the model about once
per sentence. Here every pending sentence of the build goes through `translate_batch` together
(CTranslate2 sorts them by length and batches them), on all cores, with the package's tokenizer
driven by tokenizers.py (SentencePiece or BPE, with or without a target prefix).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..config import TranslationSettings
from ..files import read_json_object, replace_file
from .memory import ModelIdentity
from .tokenizers import DECODING_VERSION, detokenize, package_layout, package_tokenizer

LENGTH_PENALTY = 0.2  # as Argos Translate decodes


@dataclass(frozen=True)
class InstalledModel:
    """An installed Argos package that serves the configured language pair."""

    path: Path
    name: str
    version: str
    from_code: str
    to_code: str

    @property
    def label(self) -> str:
        return f"Argos Translate {self.from_code}→{self.to_code} {self.version}"


def installed_packages() -> list:
    """argostranslate's installed packages, skipping folders that are not packages (it would crash on them)."""
    from argostranslate import package, settings

    found = []
    for directory in settings.package_dirs:
        if not directory.is_dir():
            continue
        for child in sorted(directory.iterdir()):
            if child.is_dir() and (child / "metadata.json").is_file():
                try:
                    found.append(package.Package(child))
                except (OSError, ValueError, KeyError):
                    continue
    return found


def find_model(settings: TranslationSettings) -> InstalledModel | None:
    """The newest installed package for source→target, or None."""
    from packaging.version import InvalidVersion, Version

    def version_of(pkg) -> Version:
        try:
            return Version(str(pkg.package_version))
        except InvalidVersion:
            return Version("0")

    candidates = [p for p in installed_packages()
                  if p.from_code == settings.source and p.to_code == settings.target
                  and getattr(p, "type", "translate") == "translate" and (p.package_path / "model").is_dir()]
    if not candidates:
        return None
    best = max(candidates, key=version_of)
    return InstalledModel(Path(best.package_path), best.package_path.name, str(best.package_version),
                          best.from_code, best.to_code)


def model_identity(model: InstalledModel, settings: TranslationSettings, cache_dir: Path) -> ModelIdentity:
    options = (f"beam={settings.beam_size};max={settings.max_decoding_length};lp={LENGTH_PENALTY}"
               f";decode={DECODING_VERSION}")
    return ModelIdentity(model.name, model.version, _checksum(model.path, cache_dir), options)


def _checksum(package_path: Path, cache_dir: Path) -> str:
    """sha256 over the package's files; cached by size and mtime so big models are hashed once."""
    files = sorted(p for p in package_path.rglob("*") if p.is_file())
    stamp = json.dumps([[p.relative_to(package_path).as_posix(), p.stat().st_size, p.stat().st_mtime_ns]
                        for p in files])
    cache_file = cache_dir / "model-checksums.json"
    known = read_json_object(cache_file)
    key = hashlib.sha256(f"{package_path}\n{stamp}".encode()).hexdigest()
    if key in known:
        return known[key]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(package_path).as_posix().encode())
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    known[key] = digest.hexdigest()
    replace_file(cache_file, json.dumps(known, indent=0, sort_keys=True).encode())
    return known[key]


def chosen_device(setting: str) -> str:
    """translation.device as CTranslate2 takes it: "auto" is CUDA when CTranslate2 sees a GPU."""
    if setting != "auto":
        return setting
    import ctranslate2

    return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"


class Engine:
    """A loaded model. Load once per process (the serve loop keeps it between rebuilds)."""

    def __init__(self, model: InstalledModel, settings: TranslationSettings, threads: int | None = None):
        import ctranslate2

        self.model = model
        self.settings = settings
        self.tokenizer = package_tokenizer(model.path, model.from_code, model.to_code)
        self.target_prefix = package_layout(model.path).target_prefix
        self.device = chosen_device(settings.device)
        # On CPU, batches decoded side by side, one core each, beat one batch at a time on every core
        # (1.47x on 2 cores: bench/README.md). A GPU takes one batch at a time.
        cores = threads or os.cpu_count() or 1
        inter, intra = (cores, 1) if self.device == "cpu" else (1, cores)
        self.translator = ctranslate2.Translator(str(model.path / "model"), device=self.device,
                                                 compute_type=settings.compute_type, inter_threads=inter,
                                                 intra_threads=intra)

    def translate(self, sentences: list[str]) -> list[str]:
        """Translate sentences in one batched call; CTranslate2 sorts by length and splits into batches."""
        if not sentences:
            return []
        tokens = [self.tokenizer.encode(s) for s in sentences]
        prefix = [[self.target_prefix]] * len(tokens) if self.target_prefix else None
        results = self.translator.translate_batch(
            tokens, target_prefix=prefix, max_batch_size=self.settings.batch_size, batch_type="examples",
            beam_size=self.settings.beam_size, max_decoding_length=self.settings.max_decoding_length,
            length_penalty=LENGTH_PENALTY, replace_unknowns=True)
        return [self._decode(result.hypotheses[0]) for result in results]

    def translate_in_chunks(self, sentences: list[str], chunk: int) -> Iterator[list[tuple[str, str]]]:
        """Yield (source, translation) pairs chunk by chunk, so each chunk can be stored as it finishes."""
        for start in range(0, len(sentences), chunk):
            part = sentences[start:start + chunk]
            yield list(zip(part, self.translate(part)))

    def _decode(self, tokens: list[str]) -> str:
        return detokenize(self.tokenizer, tokens, self.target_prefix)
