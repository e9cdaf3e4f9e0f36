"""Deploying to scrapyd and scheduling crawls through its HTTP API.

The egg holds the Scrapy project (`crawler`: settings, spiders, middlewares) with the
`[scrapy] settings = crawler.settings` entry point scrapyd looks for. Rule packs, the
pipelines and their data files are read from the file system, which a zipped egg is not,
so the scrapyd host installs the wangjian package itself (`pip install wangjian`) and the
egg only pins the project code of a deploy."""

from __future__ import annotations

import configparser
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zipfile
from pathlib import Path
from typing import Any

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
EGG_PACKAGES = ("crawler",)


class ScrapydError(Exception):
    """scrapyd refused a request or could not be reached."""


def build_egg(out_dir: Path, version: str | None = None) -> Path:
    """Write wangjian-<version>.egg (a zip with EGG-INFO) into `out_dir`; return its path."""
    version = version or str(int(time.time()))
    out_dir.mkdir(parents=True, exist_ok=True)
    egg = out_dir / f"wangjian-{version}-py3.egg"
    with zipfile.ZipFile(egg, "w", zipfile.ZIP_DEFLATED) as zf:
        for package in EGG_PACKAGES:
            for path in sorted((PACKAGE_ROOT / package).rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts and path.suffix in (".py", ".json"):
                    zf.write(path, path.relative_to(PACKAGE_ROOT).as_posix())
        zf.writestr("EGG-INFO/PKG-INFO", f"Metadata-Version: 1.1\nName: wangjian\nVersion: {version}\n")
        zf.writestr("EGG-INFO/entry_points.txt", "[scrapy]\nsettings = crawler.settings\n")
        zf.writestr("EGG-INFO/top_level.txt", "\n".join(EGG_PACKAGES) + "\n")
        zf.writestr("EGG-INFO/zip-safe", "\n")
    return egg


def deploy_target(config: Path, target: str = "default") -> tuple[str, str]:
    """(url, project) of a scrapy.cfg deploy target: [deploy] or [deploy:NAME]."""
    parser = configparser.ConfigParser()
    parser.read(config, encoding="utf-8")
    section = "deploy" if target == "default" else f"deploy:{target}"
    if not parser.has_section(section):
        raise ScrapydError(f"{config} has no [{section}] section")
    return parser.get(section, "url"), parser.get(section, "project", fallback="wangjian")


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, data) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        parts += [head.encode(), data, b"\r\n"]
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class ScrapydClient:
    def __init__(self, url: str, timeout: float = 60) -> None:
        self.url = url.rstrip("/") + "/"
        self.timeout = timeout

    def _call(self, endpoint: str, data: bytes | None = None, content_type: str | None = None) -> dict[str, Any]:
        request = urllib.request.Request(urllib.parse.urljoin(self.url, endpoint), data=data)
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = json.loads(response.read().decode("utf-8"))
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise ScrapydError(f"scrapyd at {self.url}: {exc}") from None
        if answer.get("status") != "ok":
            raise ScrapydError(f"scrapyd {endpoint}: {answer.get('message', answer)}")
        return answer

    def add_version(self, project: str, version: str, egg: Path) -> dict[str, Any]:
        body, content_type = _multipart({"project": project, "version": version}, {"egg": (egg.name, egg.read_bytes())})
        return self._call("addversion.json", body, content_type)

    def deploy(self, project: str, work_dir: Path, version: str | None = None) -> dict[str, Any]:
        """Build the egg and upload it as a new version of `project`."""
        version = version or str(int(time.time()))
        return self.add_version(project, version, build_egg(work_dir, version))

    def schedule(self, project: str, spider: str, args: dict[str, str], settings: dict[str, str]) -> str:
        """Start a crawl; spider arguments go as form fields, settings as `setting=NAME=VALUE`."""
        pairs = [("project", project), ("spider", spider), *args.items()]
        pairs += [("setting", f"{name}={value}") for name, value in settings.items()]
        answer = self._call(
            "schedule.json", urllib.parse.urlencode(pairs).encode(), "application/x-www-form-urlencoded"
        )
        return str(answer["jobid"])

    def jobs(self, project: str) -> dict[str, Any]:
        return self._call(f"listjobs.json?project={urllib.parse.quote(project)}")

    def spiders(self, project: str) -> list[str]:
        return list(self._call(f"listspiders.json?project={urllib.parse.quote(project)}")["spiders"])
