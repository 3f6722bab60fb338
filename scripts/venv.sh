# Sourced by run.sh and test.sh: create .venv when missing and (re)install the project when
# pyproject.toml or the requested extras changed since the last install.
ensure_venv() {
  local extras="$1" python="${PYTHON:-python3}"
  if [ ! -x .venv/bin/python ]; then
    echo "Creating .venv with $("$python" --version 2>&1)…" >&2
    "$python" -m venv .venv
  fi
  local stamp=".venv/.wire-installed$extras"
  local want
  want="$(cat pyproject.toml | .venv/bin/python -c 'import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())')"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "Installing wire-reader$extras into .venv (first run takes a minute or two)…" >&2
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".$extras" >&2
    echo "$want" > "$stamp"
  fi
  # The project is installed editable, so its own modules are compiled by Python when first imported, and not
  # kept where PYTHONDONTWRITEBYTECODE is set (every `wire` would compile ~100 modules again, ~0.1 s). Only
  # changed files are compiled; a module edited later is still read from its source until the next run.
  .venv/bin/python -m compileall -q reader >/dev/null || true
}
