"""static/: its files are published as they are, and nothing from outside the site, nor anything but files."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from conftest import copy_sample_site, run_cli

from generator.config import SiteConfig
from generator.static import static_files


def test_links_out_of_the_site_pipes_and_loops_stop_the_build_each_with_a_message(tmp_path):
    """A link to /proc/self/environ published the build's environment; a pipe would have hung the build."""
    site = copy_sample_site(tmp_path / "site")
    static = site / "static"
    (static / "env.txt").symlink_to("/proc/self/environ")
    (tmp_path / "secret.css").write_text("body{}", encoding="utf-8")
    (static / "fonts").mkdir(exist_ok=True)
    (static / "fonts" / "theirs.css").symlink_to(tmp_path / "secret.css")
    os.mkfifo(static / "pipe.css")
    (static / "loop.js").symlink_to("loop.js")
    (static / "content").symlink_to(site / "content")
    result = run_cli("build", "--site", str(site), timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    plain_files = "static/ publishes plain files only: copy the files in, or remove this one"
    assert result.stderr.splitlines() == [
        f"static/content: error: this is a link to a folder, not a regular file — {plain_files}",
        "static/env.txt: error: this is a link to a place outside the site — copy the file into static/ instead "
        "of linking it",
        "static/fonts/theirs.css: error: this is a link to a place outside the site — copy the file into static/ "
        "instead of linking it",
        "static/loop.js: error: this link leads round in a loop and never reaches a file — replace the link with "
        "the file itself",
        f"static/pipe.css: error: this is a named pipe (FIFO), not a regular file — {plain_files}",
    ]
    assert "Build failed: 5 problem(s)" in result.stdout
    assert not (site / "output").exists() and not (site / ".output.spare" / "static" / "env.txt").exists()


def test_files_and_links_that_stay_in_the_site_are_published_and_dot_files_left_out(tmp_path):
    site = tmp_path / "site"
    static = site / "static"
    (static / "img").mkdir(parents=True)
    (static / "style.css").write_text("body{}", encoding="utf-8")
    (static / ".DS_Store").write_bytes(b"\0")
    (site / "logo.svg").write_text("<svg/>", encoding="utf-8")
    (static / "img" / "logo.svg").symlink_to(Path("..", "..", "logo.svg"))
    pages = static_files(SiteConfig(root=site))
    assert {page.path: page.data for page in pages} == {
        PurePosixPath("static/img/logo.svg"): b"<svg/>", PurePosixPath("static/style.css"): b"body{}"}
