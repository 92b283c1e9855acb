"""The files the bundle installs: icons for every platform, a valid .desktop entry and AppStream metainfo,
and an install script that puts them where desktops look. (CI builds the real bundle: .ci/run.)"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from bedrock_chat import __version__
from bedrock_chat.resource_files import resource_path

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"


def test_icons_exist_for_every_platform():
    for size in (16, 32, 48, 128, 256, 512, 1024):
        image = QImage(str(resource_path(f"icons/bedrock-chat-{size}.png")))
        assert (image.width(), image.height()) == (size, size)
        assert image.hasAlphaChannel()
    assert resource_path("icons/bedrock-chat.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"
    assert resource_path("icons/bedrock-chat.icns").read_bytes()[:4] == b"icns"
    assert "<svg" in resource_path("icons/bedrock-chat.svg").read_text()


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils not installed")
def test_desktop_entry_is_valid():
    result = subprocess.run(["desktop-file-validate", str(PACKAGING / "bedrock-chat.desktop")],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0 and "error" not in result.stdout, result.stdout


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstream not installed")
def test_metainfo_is_valid_and_names_this_version():
    path = PACKAGING / "io.github.bedrock_chat.metainfo.xml"
    result = subprocess.run(["appstreamcli", "validate", "--no-net", str(path)], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stdout
    assert f'<release version="{__version__}"' in path.read_text()


def test_install_script_places_the_bundle_the_entry_and_the_icons(tmp_path):
    # A stand-in bundle laid out as PyInstaller lays out the real one (the spec's datas).
    bundle = tmp_path / "bedrock-chat"
    share = bundle / "_internal" / "share"
    (share / "applications").mkdir(parents=True)
    (share / "metainfo").mkdir()
    (share / "icons").mkdir()
    shutil.copy(PACKAGING / "bedrock-chat.desktop", share / "applications")
    shutil.copy(PACKAGING / "io.github.bedrock_chat.metainfo.xml", share / "metainfo")
    for name in ("bedrock-chat-48.png", "bedrock-chat-256.png", "bedrock-chat.svg"):
        shutil.copy(resource_path(f"icons/{name}"), share / "icons" / name)
    program = bundle / "bedrock-chat"
    program.write_text(f"#!/bin/sh\necho bedrock-chat {__version__}\n")
    program.chmod(program.stat().st_mode | stat.S_IEXEC)
    shutil.copy(PACKAGING / "install-linux.sh", bundle / "install.sh")
    prefix = tmp_path / "prefix"
    env = {**os.environ, "PATH": "/usr/bin:/bin"}

    result = subprocess.run(["sh", str(bundle / "install.sh"), "--prefix", str(prefix)], capture_output=True,
                            text=True, env=env, check=False)
    assert result.returncode == 0, result.stderr
    assert f"Installed bedrock-chat {__version__}" in result.stdout
    assert f"Add {prefix}/bin to your PATH" in result.stdout
    installed = prefix / "lib" / "bedrock-chat"
    assert subprocess.run([str(prefix / "bin" / "bedrock-chat")], capture_output=True, text=True,
                          check=True).stdout.strip() == f"bedrock-chat {__version__}"
    desktop = (prefix / "share/applications/bedrock-chat.desktop").read_text()
    assert f"Exec={installed}/bedrock-chat\n" in desktop
    assert (prefix / "share/metainfo/io.github.bedrock_chat.metainfo.xml").is_file()
    for icon in ("48x48/apps/bedrock-chat.png", "256x256/apps/bedrock-chat.png", "scalable/apps/bedrock-chat.svg"):
        assert (prefix / "share/icons/hicolor" / icon).is_file(), icon

    subprocess.run(["sh", str(installed / "install.sh"), "--uninstall", "--prefix", str(prefix)], check=True,
                   capture_output=True, env=env)
    assert not installed.exists() and not (prefix / "bin" / "bedrock-chat").exists()
    assert not (prefix / "share/applications/bedrock-chat.desktop").exists()
    assert not list((prefix / "share/icons").rglob("bedrock-chat.*"))


def test_spec_bundles_the_resources_and_the_platform_plugins_ci_relies_on():
    spec = (PACKAGING / "bedrock-chat.spec").read_text()
    assert '"bedrock_chat/resources"' in spec
    assert "bedrock-chat.ico" in spec and "bedrock-chat.icns" in spec
    ci = (ROOT / ".ci" / "run").read_text()
    assert "packaging/build.sh" in ci and "--self-check" in ci
