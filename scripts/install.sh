#!/usr/bin/env bash
# Install depgraph into ./.venv, with what the build tree and the tests need.
#
#   scripts/install.sh          depgraph itself (networkx, pydot, watchdog)
#   scripts/install.sh --test   depgraph and the test tools (pytest, ruff, import-linter)
#
# On a fresh Debian machine it first installs, with apt-get (as root, or through sudo),
# the system packages it needs and does not find: make, gcc and binutils to build
# sample_tree like kbuild would, Graphviz's dot for picture output, and python3-venv.
set -euo pipefail
cd "$(dirname "$0")/.."

# Users get a plain install; developers (--test) an editable one, so edits take effect.
spec=(".")
if [ "${1:-}" = "--test" ]; then spec=(-e ".[test]"); fi

missing=()
command -v make >/dev/null 2>&1 || missing+=(make)
command -v gcc >/dev/null 2>&1 || missing+=(gcc libc6-dev)
command -v ld >/dev/null 2>&1 || missing+=(binutils)
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if command -v python3 >/dev/null 2>&1 && ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    missing+=(python3-venv)
fi
if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
    echo "install.sh: installing system packages: ${missing[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install -q "${spec[@]}"
echo "install.sh: depgraph installed in .venv (run .venv/bin/depgraph)" >&2
