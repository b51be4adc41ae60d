#!/usr/bin/env bash
# Prepares a fresh Debian/Ubuntu machine: system libraries Qt needs, then the Python environment in .venv.
# Usage: scripts/bootstrap.sh [run|test]   (test also installs the test tools and poppler-utils)
set -euo pipefail
cd "$(dirname "$0")/.."
MODE="${1:-run}"
PYTHON="${PYTHON:-python3}"

packages=(libegl1 libgl1 libopengl0 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0
          libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0
          libxcb-render-util0 libxcb-image0 libnss3 python3-venv)
if [ "$MODE" = "test" ]; then packages+=(poppler-utils xvfb xauth); fi

missing=()
if command -v dpkg >/dev/null 2>&1; then
  for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Paquets système manquants : ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    || { DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
           $(printf '%s\n' "${missing[@]}" | grep -v '^python3-venv$') ; }
fi

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.installed-$MODE-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  if .venv/bin/python -m pip show -q PySide6-Pdf >/dev/null 2>&1; then
    # An older checkout's 6.12 QtPdf wheel shares files with Addons: remove it, then lay Addons down again.
    .venv/bin/python -m pip uninstall -y -q PySide6-Pdf
    .venv/bin/python -m pip install -q --force-reinstall --no-deps "$(grep -o 'PySide6-Addons==[0-9.]*' pyproject.toml)"
  fi
  if [ "$MODE" = "test" ]; then
    .venv/bin/python -m pip install -q -e ".[test]"
  else
    .venv/bin/python -m pip install -q -e .
  fi
  touch "$stamp"
fi
