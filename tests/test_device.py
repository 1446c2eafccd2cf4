"""translation.device and translation.compute_type: validated in site.yaml, "auto" picks CUDA only
when CTranslate2 sees a GPU."""

from __future__ import annotations

import pytest

from generator.config import load_config
from generator.structure import BuildFailed
from generator.translate.engine import chosen_device


def with_translation(site, lines: str) -> None:
    text = (site / "site.yaml").read_text(encoding="utf-8")
    (site / "site.yaml").write_text(text.replace("translation:\n", "translation:\n" + lines, 1), encoding="utf-8")


def test_device_and_compute_type_default_to_auto(sample_site):
    settings = load_config(sample_site).translation
    assert (settings.device, settings.compute_type) == ("auto", "auto")


def test_device_and_compute_type_are_read(sample_site):
    with_translation(sample_site, "  device: cuda\n  compute_type: int8_float16\n")
    settings = load_config(sample_site).translation
    assert (settings.device, settings.compute_type) == ("cuda", "int8_float16")


def test_an_unknown_device_is_an_error_naming_line_and_key(sample_site):
    with_translation(sample_site, "  device: gpu\n  compute_type: int4\n")
    line = (sample_site / "site.yaml").read_text(encoding="utf-8").splitlines().index("  device: gpu") + 1
    with pytest.raises(BuildFailed) as failure:
        load_config(sample_site)
    problems = {d.key: d for d in failure.value.diagnostics}
    assert set(problems) == {"translation.device", "translation.compute_type"}
    assert problems["translation.device"].line == line
    assert "'gpu' is not one of auto, cpu, cuda" in problems["translation.device"].message
    assert problems["translation.compute_type"].line == line + 1


def test_auto_uses_cuda_only_when_ctranslate2_sees_a_gpu(monkeypatch):
    import ctranslate2

    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 0)
    assert chosen_device("auto") == "cpu"
    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 1)
    assert chosen_device("auto") == "cuda"
    assert chosen_device("cpu") == "cpu"
