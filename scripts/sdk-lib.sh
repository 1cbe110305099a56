# Shared by scripts/sdk-generate and scripts/sdk-test: the SDK tool chains,
# installed only from their lock files (sdk/python/requirements-dev.txt,
# sdk/js/package-lock.json) and reinstalled only when those change.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SDK_VENV="$ROOT/.local/venv-sdk"

ensure_sdk_venv() {
  local lock="$ROOT/sdk/python/requirements-dev.txt" stamp="$SDK_VENV/.lock-sha"
  local want
  want=$(sha256sum "$lock" | cut -d' ' -f1)
  if [ ! -x "$SDK_VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log "installing the SDK's Python tools into .local/venv-sdk"
    python3 -m venv "$SDK_VENV"
    "$SDK_VENV/bin/pip" install -q --disable-pip-version-check -r "$lock"
    echo "$want" >"$stamp"
  fi
}

ensure_sdk_node() {
  local dir="$ROOT/sdk/js" stamp="$ROOT/sdk/js/node_modules/.lock-sha"
  local want
  want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ ! -d "$dir/node_modules" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log "installing the SDK's JS tools from sdk/js/package-lock.json"
    (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
    echo "$want" >"$stamp"
  fi
}

ensure_marketplace_bin() {
  if [ ! -x "$BIN" ]; then
    log "building the server binary"
    cargo build -p server --bin marketplace
  fi
}
