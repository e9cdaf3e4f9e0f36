#!/usr/bin/env bash
# Make this machine able to run wangjian: Debian packages (python3-venv, chromium, a CJK font,
# libGL/glib for OpenCV, redis-server, a C compiler and the Python headers for the compiled normaliser) when
# missing, then .venv with the pinned Python packages. Safe to run again: each step is
# skipped when already done, so a second `make demo` starts at once.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=.venv
APT_PACKAGES=()

have_python_venv() { "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; }
have_cjk_font() { ls /usr/share/fonts/truetype/wqy/wqy-microhei.ttc >/dev/null 2>&1; }
have_python_headers() {
  "$PYTHON" -c 'import os, sys, sysconfig; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))'
}
pyver=$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')

if [ ! -x "$VENV/bin/python" ] && ! have_python_venv; then
  APT_PACKAGES+=("python3-venv" "python${pyver}-venv")
fi
command -v cc >/dev/null 2>&1 || APT_PACKAGES+=("gcc" "libc6-dev")
have_python_headers || APT_PACKAGES+=("python3-dev" "python${pyver}-dev")
[ -x /usr/bin/chromium ] || APT_PACKAGES+=("chromium")
have_cjk_font || APT_PACKAGES+=("fonts-wqy-microhei")
# OpenCV (under the OCR engine) links libGL and glib even when nothing is displayed.
[ -e /usr/lib/x86_64-linux-gnu/libGL.so.1 ] || ldconfig -p 2>/dev/null | grep -q 'libGL.so.1 ' || APT_PACKAGES+=("libgl1")
ldconfig -p 2>/dev/null | grep -q 'libgthread-2.0.so.0 ' || APT_PACKAGES+=("libglib2.0-0")
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || APT_PACKAGES+=("redis-server")

if [ ${#APT_PACKAGES[@]} -gt 0 ]; then
  echo "bootstrap: installing Debian packages: ${APT_PACKAGES[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "bootstrap: need root (or sudo) to apt-get install ${APT_PACKAGES[*]}" >&2; exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${APT_PACKAGES[@]}" >/dev/null
fi

stamp="$VENV/.wangjian-installed"
if [ ! -x "$VENV/bin/python" ]; then
  echo "bootstrap: creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
stale=0
for f in pyproject.toml requirements.lock setup.py rules/_fastnorm.c; do
  if [ "$f" -nt "$stamp" ]; then stale=1; fi
done
compgen -G "rules/_fastnorm*.so" >/dev/null || stale=1
if [ ! -f "$stamp" ] || [ "$stale" -eq 1 ]; then
  echo "bootstrap: installing pinned Python packages into $VENV"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -c requirements.lock -e '.[embedded,dev]'
  touch "$stamp"
fi
