# Shared by scripts/run and scripts/test: install what is missing (and
# nothing else), and start a project-local PostgreSQL when DATABASE_URL is
# not set. Sourced, not run.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

CARGO_LEPTOS_VERSION="0.3.10"
# cargo-leptos debug builds compile with this flag; plain cargo runs must use
# the same RUSTFLAGS or every dependency is built twice.
export RUSTFLAGS="--cfg erase_components"
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"
# Where cargo puts the binary (CARGO_TARGET_DIR, e.g. a warm one shared by
# two checkouts, or ./target); logs and reports go to ./target either way.
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/marketplace"
mkdir -p "$ROOT/target"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# The wasm-bindgen version the lockfile pins: the CLI must match it exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

ensure_rust_tools() {
  command -v cargo >/dev/null || die "cargo not found: install Rust (rustup) first"
  if ! rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
    log "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    log "installing cargo-leptos $CARGO_LEPTOS_VERSION (once; several minutes)"
    # Its release profile uses fat LTO; a build tool does not need it, and
    # without it the install takes a fraction of the time on two cores.
    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
      CARGO_PROFILE_RELEASE_OPT_LEVEL=1 RUSTFLAGS="" \
      cargo install cargo-leptos --locked --version "$CARGO_LEPTOS_VERSION"
  fi
  local wbv
  wbv="$(wasm_bindgen_version)"
  [ -n "$wbv" ] || die "cannot read the wasm-bindgen version from Cargo.lock"
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $wbv\$"; then
    log "installing wasm-bindgen-cli $wbv (once; several minutes)"
    # Not --locked: its lockfile pins a crate version the registry no longer has.
    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 RUSTFLAGS="" \
      cargo install wasm-bindgen-cli --version "=$wbv"
  fi
}

ensure_npm_packages() {
  command -v npm >/dev/null || die "npm not found: install Node.js 20+ first"
  local stamp="$ROOT/node_modules/.package-lock.json"
  if [ ! -f "$stamp" ] || [ "$ROOT/package-lock.json" -nt "$stamp" ]; then
    log "installing npm packages from package-lock.json"
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
  fi
}

ensure_chromium() {
  CHROMIUM_PATH="${CHROMIUM_PATH:-$(command -v chromium || command -v chromium-browser || true)}"
  if [ -z "$CHROMIUM_PATH" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      log "installing Debian's chromium for the browser tests"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
      CHROMIUM_PATH="$(command -v chromium)"
    else
      die "Chromium is needed for the browser tests: install your distribution's 'chromium' package"
    fi
  fi
  export CHROMIUM_PATH
}

# redis-server and redis-cli, for the tests that share rate limits through Redis.
ensure_redis() {
  if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      log "installing Debian's redis-server for the Redis tests"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
    else
      die "redis-server is needed for the tests: install your distribution's 'redis-server' package"
    fi
  fi
}

# --- PostgreSQL ---------------------------------------------------------

pg_bindir() {
  if command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then
    dirname "$(command -v pg_ctl)"
    return
  fi
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  [ -n "$d" ] && echo "$d"
}

ensure_pg_binaries() {
  if [ -z "$(pg_bindir)" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      log "installing PostgreSQL from the OS packages"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi
  fi
  [ -n "$(pg_bindir)" ] || die "PostgreSQL's initdb/pg_ctl not found. Install PostgreSQL (e.g. 'apt-get install postgresql') or set DATABASE_URL."
  ensure_pg_rum
}

# The RUM extension for the local clusters (search reads a query's matches
# best-rated first from its ordered index; docs/search-design.md). Optional:
# without it the migrations skip its indexes and search uses GIN alone.
ensure_pg_rum() {
  local bin major
  bin="$(pg_bindir)"
  [ -n "$bin" ] && [ -x "$bin/postgres" ] || return 0
  major="$("$bin/postgres" --version | sed -E 's/.* ([0-9]+)(\.[0-9]+)*.*/\1/')"
  [ -f "/usr/share/postgresql/$major/extension/rum.control" ] && return 0
  # Tried once per checkout: without a network apt's waits would recur on
  # every run.
  local tried="$ROOT/.local/rum-install-failed"
  [ -f "$tried" ] && return 0
  # Debian's package fits Debian's server only (/usr/lib/postgresql/NN).
  local server
  server="$(readlink -f "$bin/postgres")"
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null && [ "${server#/usr/lib/postgresql/}" != "$server" ]; then
    log "installing postgresql-$major-rum (search's ordered index)"
    { apt-get -o Acquire::http::Timeout=20 update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get -o Acquire::http::Timeout=20 install -y -qq "postgresql-$major-rum" >/dev/null; } || {
      mkdir -p "$ROOT/.local" && touch "$tried"
      log "postgresql-$major-rum could not be installed: search uses the GIN index alone"
    }
  else
    log "no RUM extension for PostgreSQL $major (package postgresql-$major-rum): search uses the GIN index alone"
  fi
}

# Runs a PostgreSQL server binary as an unprivileged user: initdb refuses root.
as_pg_user() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# start_local_postgres DIR PORT: a cluster in DIR (created once, reused),
# listening on 127.0.0.1:PORT with trust auth. Exports DATABASE_URL's base.
start_local_postgres() {
  local dir="$1" port="$2" bin
  ensure_pg_binaries
  bin="$(pg_bindir)"
  mkdir -p "$(dirname "$dir")"
  # As root the server runs as 'postgres', which must reach the folder; a
  # checkout under a private home directory cannot be, so use /var/tmp.
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$(dirname "$dir")" 2>/dev/null; then
    dir="/var/tmp/marketplace-$(basename "$dir")-$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)"
    log "the checkout is not reachable by the postgres user; using $dir"
  fi
  if [ ! -f "$dir/PG_VERSION" ]; then
    log "creating a local PostgreSQL cluster in $dir"
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir" && chmod 700 "$dir"
    as_pg_user "$bin/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null
  fi
  if ! as_pg_user "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    log "starting local PostgreSQL on 127.0.0.1:$port"
    as_pg_user "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -c listen_addresses=127.0.0.1 -k /tmp -c max_connections=300 -c fsync=off -c synchronous_commit=off" \
      start >/dev/null || { tail -n 20 "$dir/server.log" >&2; die "PostgreSQL did not start"; }
  fi
  PG_LOCAL_BIN="$bin"
  PG_LOCAL_DIR="$dir"
  PG_LOCAL_PORT="$port"
  export PG_LOCAL_BIN PG_LOCAL_DIR PG_LOCAL_PORT
}

stop_local_postgres() {
  [ -n "${PG_LOCAL_DIR:-}" ] || return 0
  as_pg_user "$PG_LOCAL_BIN/pg_ctl" -D "$PG_LOCAL_DIR" -m fast stop >/dev/null 2>&1 || true
}

# create_database URL_BASE NAME: creates NAME unless it exists.
create_database() {
  local base="$1" name="$2"
  if ! psql "$base/postgres" -XtAc "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
    psql "$base/postgres" -Xq -c "CREATE DATABASE \"$name\"" >/dev/null
  fi
}

wait_for_http() {
  local url="$1" seconds="$2" i
  for ((i = 0; i < seconds * 4; i++)); do
    if curl -fsS -o /dev/null "$url" 2>/dev/null; then return 0; fi
    sleep 0.25
  done
  return 1
}
