"""`generator translate --cluster`: pending segments translated by Ray workers, stored by the driver.

The segments become a Ray Dataset; `map_batches` runs them through a pool of `Translator` actors,
each of which loads the CTranslate2 model once (from the package path it is given: the package must
be installed at that path on every node) and translates a batch per call. Results stream back to
the driver as they finish, and the driver alone appends them to the memory, so the memory keeps
one writer and a kill loses only the batches in flight. Ray is an optional extra: the default path
never imports it.
"""

from __future__ import annotations

import importlib
import logging
import os
from pathlib import Path
from typing import Iterator

from ..config import SiteConfig, TranslationSettings
from . import CHUNK_BATCHES, Chunks
from .ahead import Backend
from .engine import Engine, InstalledModel

INSTALL_EXTRA = "pip install -e '.[cluster]'"
LOCAL_CPUS = 2  # `--cluster local`: a Ray instance on this machine with this many CPUs


class ClusterUnavailable(Exception):
    """Ray is not installed, or the address is not one Ray can join."""


class Translator:
    """One Ray actor: the model loaded once in __init__, a batch of segments translated per call."""

    def __init__(self, model: InstalledModel, settings: TranslationSettings, threads: int):
        self.engine = Engine(model, settings, threads=threads)

    def __call__(self, batch: dict) -> dict:
        sources = [str(s) for s in batch["source"]]
        return {"source": sources, "target": self.engine.translate(sources)}


def ray_chunks(address: str) -> Backend:
    """A backend for `translate_ahead` that sends chunks to the Ray cluster at `address` ("local":
    start one here with LOCAL_CPUS CPUs; "ray://HOST:PORT": join one)."""
    try:
        importlib.import_module("ray.data")
    except ImportError:
        raise ClusterUnavailable(f"--cluster needs Ray: run `{INSTALL_EXTRA}`") from None
    if address != "local" and not address.startswith("ray://"):
        raise ClusterUnavailable(f"--cluster takes `local` or `ray://HOST:PORT`, not {address!r}")

    def backend(model: InstalledModel, config: SiteConfig) -> Chunks:
        return lambda missing: _translate_on_ray(address, model, config, missing)

    return backend


def _translate_on_ray(address: str, model: InstalledModel, config: SiteConfig,
                      missing: list[str]) -> Iterator[list[tuple[str, str]]]:
    import ray

    if not ray.is_initialized():
        if address == "local":
            ray.init(num_cpus=LOCAL_CPUS, include_dashboard=False, log_to_driver=False,
                     configure_logging=False, runtime_env={"env_vars": _code_path()})
        else:  # the generator's code goes along; the model package is read where it is installed
            ray.init(address=address, log_to_driver=False,
                     runtime_env={"py_modules": [str(Path(__file__).resolve().parents[1])]})
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False  # ours counts segments
    logging.getLogger("ray.data").setLevel(logging.WARNING)  # not a line per dataset run
    device = config.translation.device  # "auto": GPU workers when the cluster has GPUs
    gpu = device == "cuda" or (device == "auto" and ray.cluster_resources().get("GPU", 0) > 0)
    workers = max(1, int(ray.cluster_resources().get("GPU" if gpu else "CPU", 1)))
    size = config.translation.batch_size * CHUNK_BATCHES
    dataset = ray.data.from_items([{"source": s} for s in missing]).map_batches(
        Translator, fn_constructor_kwargs={"model": model, "settings": config.translation, "threads": 1},
        batch_size=size, compute=ray.data.ActorPoolStrategy(size=workers), num_gpus=1 if gpu else 0,
        num_cpus=0 if gpu else 1)
    for batch in dataset.iter_batches(batch_size=None, batch_format="numpy"):
        yield [(str(s), str(t)) for s, t in zip(batch["source"], batch["target"])]


def _code_path() -> dict[str, str]:
    """PYTHONPATH for local workers, so they import this checkout's generator package."""
    root = str(Path(__file__).resolve().parents[2])
    return {"PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)}
