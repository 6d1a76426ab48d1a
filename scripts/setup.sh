#!/usr/bin/env bash
# Set up a local norae: redis-server (Debian/Ubuntu via apt-get, when missing), a virtual
# environment in .venv with a CPU build of torch, and norae with its dev tools.
#   TORCH_SPEC   what to install for torch (default: torch==2.13.0)
#   PYTHON       the interpreter for the virtual environment (default: python3)
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v redis-server >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1; then
        echo "setup: installing redis-server with apt-get"
        SUDO=""
        if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null
    else
        echo "setup: redis-server is missing; install it (e.g. 'brew install redis') or set NORAE_REDIS_URL" >&2
    fi
fi

if [ ! -x .venv/bin/python ]; then
    "${PYTHON:-python3}" -m venv .venv
fi
# torch first and pinned, so that resolving the project does not pull a multi-GB CUDA build
.venv/bin/python -m pip install -q --disable-pip-version-check "${TORCH_SPEC:-torch==2.13.0}"
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[dev]"
echo "setup: done (.venv/bin/norae --help)"
