"""`models install` against a loopback server playing the Argos index and the hosts it links to:
hosts that refuse clients without a User-Agent, bodies cut short, dead links, `ipfs://` links,
several versions of one package, and a download killed half-way."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import ARGOS_ENV, REPO, run_cli

from generator.config import TranslationSettings
from generator.translate import download
from generator.translate.download import RetryPolicy, install_from_index, offered_version
from generator.translate.models import ModelError

IPFS_LINK = "ipfs://QmPackageOnIpfs/translate-ar_en-1_0.argosmodel"


class Host:
    """A loopback HTTP server; `routes` maps a path to a handler(request) and records every request."""

    def __init__(self):
        self.routes: dict[str, object] = {}
        self.requests: list[tuple[str, str]] = []  # (path, User-Agent)
        host = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                host.requests.append((self.path, self.headers.get("User-Agent", "")))
                route = host.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                else:
                    route(self)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def requested(self, path: str) -> int:
        return sum(p == path for p, _ in self.requests)


def send(data: bytes, status: int = 200, length: int | None = None, stall: float = 0.0):
    """A handler answering `data`, claiming `length` bytes (default: all of them); with `stall`,
    it sends the first half and waits before the rest."""
    def handle(request):
        request.send_response(status)
        request.send_header("Content-Length", str(len(data) if length is None else length))
        request.end_headers()
        if stall:
            request.wfile.write(data[:len(data) // 2])
            request.wfile.flush()
            time.sleep(stall)
            data_rest = data[len(data) // 2:]
        else:
            data_rest = data
        request.wfile.write(data_rest)
    return handle


def needs_agent(data: bytes):
    """A host that, like some CDNs, answers 403 to a client that sends no User-Agent of its own."""
    def handle(request):
        agent = request.headers.get("User-Agent", "")
        if not agent or agent.startswith("Python-urllib"):
            request.send_error(403, "Forbidden")
        else:
            send(data)(request)
    return handle


def cut_off(data: bytes):
    return send(data[:len(data) // 3], length=len(data))


def in_turn(*handlers):
    """Each request gets the next handler; the last one answers every request after."""
    served = []

    def handle(request):
        handlers[min(len(served), len(handlers) - 1)](request)
        served.append(request.path)
    return handle


def index_entry(version: str, links: list[str]) -> dict:
    """An entry as the Argos index has it for ar→en: no type, no checksum, no size."""
    return {"package_version": version, "argos_version": "1.0", "from_code": "ar", "from_name": "Arabic",
            "to_code": "en", "to_name": "English", "links": links}


@pytest.fixture
def host():
    server = Host()
    yield server
    server.server.shutdown()


@pytest.fixture
def argos_here(tmp_path, host, monkeypatch):
    """argostranslate's settings pointed at this test's packages folder and the loopback index."""
    from argostranslate import settings as argos_settings

    packages = tmp_path / "packages"
    monkeypatch.setattr(argos_settings, "package_data_dir", packages)
    monkeypatch.setattr(argos_settings, "remote_package_index", f"{host.url}/index/index.json")
    return packages


def serve_index(host: Host, *entries: dict) -> None:
    host.routes["/index/index.json"] = send(json.dumps(list(entries)).encode())


def test_cli_installs_the_newest_version_through_ipfs_a_dead_link_and_a_host_wanting_an_agent(
        host, layout_model, argos_home):
    model = layout_model("argos-ar_en").read_bytes()
    host.routes["/v1/translate-ar_en-1_0.argosmodel"] = needs_agent(model)
    links = [IPFS_LINK, f"{host.url}/gone/translate-ar_en-1_0.argosmodel", f"{host.url}/v1/translate-ar_en-1_0.argosmodel"]
    serve_index(host, index_entry("0.9", [f"{host.url}/old.argosmodel"]), index_entry("1.0", links))
    with pytest.raises(urllib.error.HTTPError, match="403"):
        urllib.request.urlopen(links[2], timeout=10)  # what the host does to a client without an agent
    host.requests.clear()

    result = run_cli("models", "install", env={**argos_home, "ARGOS_PACKAGE_INDEX": f"{host.url}/index/"})

    assert result.returncode == 0, result.stderr
    assert "Installed Argos Translate ar→en 1.0" in result.stdout
    assert f"note: skipping {IPFS_LINK}: only http(s) links can be fetched" in result.stderr
    assert "translate-ar_en-1_0.argosmodel" in result.stderr and "B/s" in result.stderr  # the progress bar
    assert host.requested("/gone/translate-ar_en-1_0.argosmodel") == 1, "a 404 is not tried again"
    assert host.requested("/old.argosmodel") == 0, "the newest version is installed"
    agents = {agent for path, agent in host.requests if path.startswith("/v1/")}
    assert agents == {download.USER_AGENT}
    packages = Path(argos_home["ARGOS_PACKAGES_DIR"])
    assert sorted(p.name for p in packages.iterdir()) == ["ar_en"]
    assert (packages / "ar_en" / "model" / "model.bin").is_file()


def test_a_body_cut_short_is_fetched_again_after_a_wait(host, argos_here, layout_model):
    model = layout_model("sentencepiece").read_bytes()
    host.routes["/m.argosmodel"] = in_turn(cut_off(model), send(model))
    serve_index(host, index_entry("1.0", [f"{host.url}/m.argosmodel"]))
    waits, notes = [], []

    installed = install_from_index(TranslationSettings(install_timeout=10), progress=False,
                                   retry=RetryPolicy(attempts=3, first_wait=0.25), sleep=waits.append,
                                   note=notes.append)

    assert installed == "ar→en 1.0"
    assert waits == [0.25]
    assert notes[0] == f"{host.url}/m.argosmodel: cut off after {len(model) // 3} of {len(model)} bytes"
    assert sorted(p.name for p in argos_here.iterdir()) == ["translate-ar_en-1_0"]


def test_when_every_link_fails_the_error_names_each_and_nothing_is_left(host, argos_here, layout_model):
    model = layout_model("sentencepiece").read_bytes()
    damaged = bytearray(model)
    damaged[len(model) // 2] ^= 0xFF  # a flipped byte inside the weights: the zip's CRC catches it
    host.routes["/cut.argosmodel"] = cut_off(model)
    host.routes["/busy.argosmodel"] = send(b"try later", status=503)
    host.routes["/damaged.argosmodel"] = send(bytes(damaged))
    links = [IPFS_LINK, f"{host.url}/cut.argosmodel", f"{host.url}/missing.argosmodel",
             f"{host.url}/busy.argosmodel", f"{host.url}/damaged.argosmodel"]
    serve_index(host, index_entry("1.0", links))
    waits = []

    with pytest.raises(ModelError) as failure:
        install_from_index(TranslationSettings(install_timeout=10), progress=False,
                           retry=RetryPolicy(attempts=2, first_wait=0.5), sleep=waits.append, note=lambda _: None)

    lines = str(failure.value).splitlines()
    assert lines[0] == f"could not download ar→en 1.0 listed in {host.url}/index/index.json; tried:"
    assert lines[1:5] == [
        f"  {IPFS_LINK}: skipped (ipfs:// links cannot be fetched)",
        f"  {links[1]}: cut off after {len(model) // 3} of {len(model)} bytes (after 2 attempts)",
        f"  {links[2]}: HTTP 404 Not Found",
        f"  {links[3]}: HTTP 503 Service Unavailable (after 2 attempts)",
    ]
    assert len(lines) == 6 and lines[5].startswith(f"  {links[4]}: not a sound package: damaged archive")
    assert waits == [0.5, 0.5], "the cut-off and the busy link are tried again; the 404 and the damaged zip are not"
    assert host.requested("/damaged.argosmodel") == 1
    assert list(argos_here.iterdir()) == [], "no package and no partial download is left"


def test_the_cli_error_ends_with_the_offline_route(host, argos_home):
    serve_index(host, index_entry("1.0", [IPFS_LINK, f"{host.url}/missing.argosmodel"]))
    result = run_cli("models", "install", env={**argos_home, "ARGOS_PACKAGE_INDEX": f"{host.url}/index/"})
    assert result.returncode == 1
    assert f"  {host.url}/missing.argosmodel: HTTP 404 Not Found" in result.stderr
    assert result.stderr.rstrip().endswith("`python -m generator models install --from-file PATH.argosmodel`.")
    assert "Traceback" not in result.stderr


def test_a_killed_download_installs_nothing_and_the_next_install_clears_it(host, layout_model, argos_home):
    model = layout_model("sentencepiece").read_bytes()
    host.routes["/slow.argosmodel"] = send(model, stall=60)
    serve_index(host, index_entry("1.0", [f"{host.url}/slow.argosmodel"]))
    env = {**os.environ, **ARGOS_ENV, **argos_home, "ARGOS_PACKAGE_INDEX": f"{host.url}/index/"}
    packages = Path(argos_home["ARGOS_PACKAGES_DIR"])
    process = subprocess.Popen([sys.executable, "-m", "generator", "models", "install"], cwd=REPO, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(p.stat().st_size for p in packages.glob(".download-*")):
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert [p.name.startswith(".download-") for p in packages.iterdir()] == [True]

    listed = run_cli("models", "list", "--site", str(REPO), env=argos_home)
    assert "No Argos packages installed" in listed.stdout
    host.routes["/slow.argosmodel"] = send(model)
    again = run_cli("models", "install", env={**argos_home, "ARGOS_PACKAGE_INDEX": f"{host.url}/index/"})
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in packages.iterdir()) == ["translate-ar_en-1_0"]


BROKEN_IMPORT = "raise ImportError('{name} cannot be imported here')\n"


def test_install_from_file_and_build_need_neither_stanza_nor_spacy(tmp_path, layout_model, argos_home,
                                                                   sample_site):
    blockers = tmp_path / "blockers"
    for name in ("stanza", "spacy", "minisbd"):
        (blockers / name).mkdir(parents=True)
        (blockers / name / "__init__.py").write_text(BROKEN_IMPORT.format(name=name))
    env = {**argos_home, "PYTHONPATH": os.pathsep.join([str(blockers), str(REPO)])}
    probe = subprocess.run([sys.executable, "-c", "import argostranslate.translate"], env={**os.environ, **env},
                           capture_output=True, text=True)
    assert "stanza cannot be imported here" in probe.stderr, "argostranslate.translate needs stanza"

    installed = run_cli("models", "install", "--from-file", str(layout_model("argos-ar_en")), env=env)
    assert installed.returncode == 0, installed.stderr
    (sample_site / "content" / "articles" / "2023-03-17-xi-to-visit-moscow.en.md").unlink()
    built = run_cli("build", "--site", str(sample_site), env=env)
    assert built.returncode == 0, built.stderr
    assert "Argos Translate ar→en 1.0" in built.stdout


def test_the_version_the_index_offers_keys_the_workflow_cache(host, argos_here):
    assert offered_version(TranslationSettings(), RetryPolicy(attempts=1)) is None  # no index served
    serve_index(host, index_entry("1.0", []), index_entry("1.10", []), index_entry("1.9", []),
                {**index_entry("2.0", []), "to_code": "fr"})
    assert offered_version(TranslationSettings(), RetryPolicy(attempts=1)) == "1.10"
