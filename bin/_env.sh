# Shared by bin/demo and bin/test: find Python 3.11 and make the project's virtual environment.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

find_python() {
  for cand in python3.11 python3 python; do
    if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' 2>/dev/null; then
      command -v "$cand"; return 0
    fi
  done
  echo "Renda needs Python 3.11 (python3.11 on PATH)." >&2
  return 1
}

# Run pip without the machine-specific noise some pip configurations print for every package.
pip_quiet() {
  "$@" 2>&1 | { grep -v "is ignored: it is neither a file nor a directory" || true; }
  return "${PIPESTATUS[0]}"
}

# ensure_venv REQUIREMENT_FILE... : create .venv and install the pinned requirements once per change of the files.
ensure_venv() {
  local py stamp want
  if [ ! -x .venv/bin/python ]; then
    py="$(find_python)"
    "$py" -m venv .venv
  fi
  want="$(cat "$@" pyproject.toml | sha256sum | cut -c1-16)"
  stamp=".venv/.renda-installed-$(echo "$*" | tr ' /' '__')"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    pip_quiet .venv/bin/python -m pip install --quiet --upgrade pip
    local args=()
    for f in "$@"; do args+=(-r "$f"); done
    pip_quiet .venv/bin/python -m pip install --quiet "${args[@]}"
    pip_quiet .venv/bin/python -m pip install --quiet --no-deps -e .
    echo "$want" > "$stamp"
  fi
}
