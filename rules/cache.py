"""Compiled packs cached on disk, keyed by the content of every file that goes into them.

Loading validates every pack with pydantic, expands lexicon references and checks every
regex; a crawl process, `wangjian rules scan` and each test session would repeat that. The
result is pickled under a key that hashes the packs, the lexicons, the category signals and
the engine modules that define their meaning, so editing any of them (or upgrading the
engine) makes a new entry and a stale one is never read. The cache lives in the user's own
cache folder (`$WANGJIAN_RULES_CACHE`, else `$XDG_CACHE_HOME/wangjian/rules`, else
`~/.cache/wangjian/rules`); `WANGJIAN_RULES_CACHE=off` disables it. Any failure to read or
write it only means loading from the YAML again.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Any

import pydantic

from rules.checks import CHECK_KINDS
from rules.lexicon import lexicon_dirs

#: Engine modules whose change changes what a loaded pack means (and every check kind module).
_ENGINE_FILES = ("model.py", "document.py", "loader.py", "lexicon.py", "category.py", "normalise.py", "cache.py")
_HERE = Path(__file__).parent


def cache_dir() -> Path | None:
    configured = os.environ.get("WANGJIAN_RULES_CACHE")
    if configured == "off":
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "wangjian" / "rules"


def source_files(packs_dir: Path, signals: Path) -> list[Path]:
    """Every file a rule set loaded from `packs_dir` depends on, in a stable order."""
    files = sorted(packs_dir.glob("*.yaml"))
    for d in lexicon_dirs(packs_dir):
        files += sorted(d.glob("*.yaml"))
    files.append(signals)
    files += [_HERE / name for name in _ENGINE_FILES]
    files += sorted((_HERE / "checks").glob("*.py"))
    return files


def key(packs_dir: Path, signals: Path) -> str:
    h = hashlib.sha256()
    # the folder too: loaded packs record their path, which two identical copies do not share
    h.update(f"{sys.version_info[:2]} {pydantic.VERSION} {packs_dir.resolve()}".encode())
    # check kinds registered from outside the project change what a pack may say
    kinds = sorted(CHECK_KINDS.items())
    h.update(" ".join(f"{name}={cls.__module__}.{cls.__qualname__}" for name, cls in kinds).encode())
    for path in source_files(packs_dir, signals):
        h.update(str(path.name).encode())
        h.update(b"\0")
        h.update(path.read_bytes() if path.is_file() else b"-")
        h.update(b"\0")
    return h.hexdigest()


def load(cache_key: str) -> Any | None:
    d = cache_dir()
    if d is None:
        return None
    try:
        with open(d / f"{cache_key}.pickle", "rb") as fh:
            return pickle.load(fh)  # noqa: S301 - written by this module into the user's own cache folder
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None


def store(cache_key: str, value: Any) -> None:
    d = cache_dir()
    if d is None:
        return
    try:
        d.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=d, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, d / f"{cache_key}.pickle")
    except OSError:
        return
