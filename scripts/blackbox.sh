#!/usr/bin/env bash
# The black-box HTTP suite (tests/blackbox, vitest.blackbox.config.ts) against the Node
# server (`npm start`) and against `wrangler dev` (workerd), both over one fresh Postgres
# database, with the same files and the same assertions.
#
#   bash scripts/blackbox.sh              # both targets (what CI runs)
#   bash scripts/blackbox.sh node         # one target: node | workerd
#   bash scripts/blackbox.sh prism        # the suite through Prism's validating proxy in front of
#                                         # the Node server: every response must match /openapi.json
#                                         # (CI runs this too; see "API contract" in the README)
#
# BLACKBOX_PG_URL (default postgres://postgres@127.0.0.1:5432/test) must reach a server where
# that user may create databases. Everything listens on 127.0.0.1; every wait is bounded;
# the servers, the database and the temp dir are removed on any exit (trap).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN="$ROOT/node_modules/.bin"
PG_ADMIN_URL="${BLACKBOX_PG_URL:-postgres://postgres@127.0.0.1:5432/test}"
TARGETS="${1:-both}"
case "$TARGETS" in
  both | node | workerd | prism) ;;
  *) echo "usage: $0 [both|node|workerd|prism]" >&2 && exit 2 ;;
esac
export WRANGLER_SEND_METRICS=false

WORK="$(mktemp -d "${TMPDIR:-/tmp}/scangate-blackbox.XXXXXX")"
export WRANGLER_LOG_PATH="$WORK/wrangler-logs"
DB_NAME=""
SERVER_PID=""
SERVER_LOG=""
PRISM_PID=""
SUITE_PID=""
SEEDED=""
FAILED=""
REPORTS=()

log() { printf '[blackbox] %s\n' "$*"; }
helper() { "$BIN/tsx" scripts/blackbox.ts "$@"; }
cli() { DATABASE_URL="$DB_URL" npm run -s cli -- "$@"; }

stop_prism() {
  [ -n "$PRISM_PID" ] || return 0
  kill -TERM -- "-$PRISM_PID" 2>/dev/null || true
  PRISM_PID=""
}

stop_server() {
  stop_prism
  [ -n "$SERVER_PID" ] || return 0
  local pid=$SERVER_PID
  SERVER_PID=""
  # started with setsid: the server leads its own process group, children included
  kill -TERM -- "-$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do
    kill -0 -- "-$pid" 2>/dev/null || return 0
    sleep 0.25
  done
  log "process group $pid still running after 10s: killing it"
  kill -KILL -- "-$pid" 2>/dev/null || true
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$SUITE_PID" ]; then kill -TERM "$SUITE_PID" 2>/dev/null || true; fi
  stop_server
  if [ -n "$DB_NAME" ]; then
    helper drop-db "$PG_ADMIN_URL" "$DB_NAME" || log "warning: could not drop database $DB_NAME"
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# $1 target name, $2 base URL: waits for readiness, seeds once, runs the suite
test_target() {
  local name=$1 base=$2
  if ! helper wait-ready "$base" 90 "$SERVER_PID"; then
    log "$name did not become ready; its log:"
    tail -n 60 "$SERVER_LOG" || true
    exit 1
  fi
  if [ -z "$SEEDED" ]; then
    helper seed "$base" "$ADMIN_TOKEN"
    SEEDED=1
  fi
  log "suite against $name at $base"
  local rc=0
  # in the background + wait, so that INT/TERM run the cleanup at once instead of after the suite
  BLACKBOX_PROXY="$([ "$name" = prism ] && echo prism || true)" BLACKBOX_BASE_URL="$base" BLACKBOX_ADMIN_TOKEN="$ADMIN_TOKEN" BLACKBOX_OTHER_TOKEN="$OTHER_TOKEN" \
    timeout --kill-after=10 600 "$BIN/vitest" run --config vitest.blackbox.config.ts \
    --reporter=default --reporter=json --outputFile.json="$WORK/$name.json" &
  SUITE_PID=$!
  wait "$SUITE_PID" || rc=$?
  SUITE_PID=""
  if [ "$rc" -ne 0 ]; then
    FAILED=1
    log "$name: the suite failed (exit $rc); last lines of the server log:"
    tail -n 40 "$SERVER_LOG" || true
  fi
  [ -f "$WORK/$name.json" ] && REPORTS+=("$name=$WORK/$name.json")
  return 0
}

log "fresh database on $PG_ADMIN_URL"
DB_NAME="$(helper create-db "$PG_ADMIN_URL")"
DB_URL="$(helper db-url "$PG_ADMIN_URL" "$DB_NAME")"
log "database $DB_NAME: migrations and tokens through the CLI"
cli migrate
ADMIN_TOKEN="$(cli token create --name blackbox-admin --scopes ranges:write | tail -n 1)"
OTHER_TOKEN="$(cli token create --name blackbox-reader --scopes audit:read | tail -n 1)"
FEED_SIGNING_KEY="$(npm run -s cli -- keygen | sed -n 's/^FEED_SIGNING_KEY=//p')"
[ -n "$FEED_SIGNING_KEY" ] || { log "keygen printed no FEED_SIGNING_KEY" && exit 1; }
# the Worker gets the key the way a secret arrives (an env file, not the command line)
(umask 077 && printf 'FEED_SIGNING_KEY=%s\n' "$FEED_SIGNING_KEY" >"$WORK/worker.env")

if [ "$TARGETS" = prism ]; then
  PORT="$(helper free-port)"
  PRISM_PORT="$(helper free-port)"
  SERVER_LOG="$WORK/node.log"
  log "Node server (npm start) on 127.0.0.1:$PORT"
  DATABASE_URL="$DB_URL" HOST=127.0.0.1 PORT="$PORT" LOG_LEVEL=warn DEMO_DATA=off FEED_SIGNING_KEY="$FEED_SIGNING_KEY" \
    setsid npm start >"$SERVER_LOG" 2>&1 </dev/null &
  SERVER_PID=$!
  helper wait-ready "http://127.0.0.1:$PORT" 90 "$SERVER_PID" || { tail -n 60 "$SERVER_LOG"; exit 1; }
  # the document as this server serves it (same code, no database needed)
  "$BIN/tsx" scripts/openapi-document.ts "$WORK/openapi.json"
  PRISM_LOG="$WORK/prism.log"
  log "Prism validating proxy on 127.0.0.1:$PRISM_PORT in front of it"
  # Not --errors: with it Prism answers for the server wherever a request breaks the document
  # (no token, unknown path, HEAD, the undocumented /openapi.json), and the suite checks the
  # server's own answers to exactly those. Response violations still fail: every answer that
  # breaks the document carries `sl-violations` (tests/blackbox/support/target.ts throws on
  # it) and is logged by Prism's VALIDATOR (scanned below). No CORS headers of Prism's own.
  setsid "$BIN/prism" proxy --cors=false -h 127.0.0.1 -p "$PRISM_PORT" \
    "$WORK/openapi.json" "http://127.0.0.1:$PORT" >"$PRISM_LOG" 2>&1 </dev/null &
  PRISM_PID=$!
  SERVER_LOG="$PRISM_LOG"
  test_target prism "http://127.0.0.1:$PRISM_PORT"
  # response violations only: request ones are the suite's deliberate bad input
  # (each names the request it belongs to; the suite runs one request at a time). The .sig
  # alias is exempt: outside the document, and Prism routes it to /v1/versions/{serial}.
  awk '/\[HTTP SERVER\] [a-z]+ \// { req = $0; sub(/.*\[HTTP SERVER\] /, "", req); sub(/ [^ ]+ +(info|error|warning) .*/, "", req) }
       /Violation: response|✖ +fatal/ && req !~ /^get \/v1\/versions\/[0-9]+\.sig/ { print req ": " $0 }' \
    "$PRISM_LOG" >"$WORK/violations.txt"
  if [ -s "$WORK/violations.txt" ]; then
    FAILED=1
    log "Prism reported $(wc -l <"$WORK/violations.txt") contract violation line(s):"
    head -n 80 "$WORK/violations.txt"
  else
    log "Prism: no contract violations in $(grep -c . "$PRISM_LOG") log lines"
  fi
  stop_server
fi

if [ "$TARGETS" = both ] || [ "$TARGETS" = node ]; then
  PORT="$(helper free-port)"
  SERVER_LOG="$WORK/node.log"
  log "Node server (npm start) on 127.0.0.1:$PORT"
  DATABASE_URL="$DB_URL" HOST=127.0.0.1 PORT="$PORT" LOG_LEVEL=warn DEMO_DATA=off FEED_SIGNING_KEY="$FEED_SIGNING_KEY" \
    setsid npm start >"$SERVER_LOG" 2>&1 </dev/null &
  SERVER_PID=$!
  test_target node "http://127.0.0.1:$PORT"
  stop_server
fi

if [ "$TARGETS" = both ] || [ "$TARGETS" = workerd ]; then
  PORT="$(helper free-port)"
  INSPECTOR_PORT="$(helper free-port)"
  SERVER_LOG="$WORK/workerd.log"
  log "wrangler dev (workerd) on 127.0.0.1:$PORT"
  # Miniflare's local Hyperdrive insists on a password in the URL (trust auth ignores it)
  CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE="$(helper db-url "$PG_ADMIN_URL" "$DB_NAME" --password)" \
    setsid "$BIN/wrangler" dev --ip 127.0.0.1 --port "$PORT" --inspector-port "$INSPECTOR_PORT" \
    --persist-to "$WORK/wrangler-state" --env-file "$WORK/worker.env" --test-scheduled \
    --show-interactive-dev-session=false >"$SERVER_LOG" 2>&1 </dev/null &
  SERVER_PID=$!
  test_target workerd "http://127.0.0.1:$PORT"
  log "cron trigger in workerd (/__scheduled)"
  if helper get-ok "http://127.0.0.1:$PORT/__scheduled?cron=*+*+*+*+*" && sleep 1 &&
    grep -q '"msg":"scheduled job done","job":"lifecycle-publish"' "$SERVER_LOG"; then
    log "scheduled jobs ran: $(grep -o '"job":"lifecycle-publish"[^}]*' "$SERVER_LOG" | tail -n 1)"
  else
    FAILED=1
    log "the scheduled handler did not run its jobs; last lines of the server log:"
    tail -n 40 "$SERVER_LOG" || true
  fi
  stop_server
  log "Workers bundle (wrangler deploy --dry-run)"
  if "$BIN/wrangler" deploy --dry-run --outdir "$WORK/bundle" >"$WORK/bundle.log" 2>&1; then
    helper bundle-budget "$WORK/bundle.log" 300 || FAILED=1
  else
    FAILED=1
    cat "$WORK/bundle.log"
  fi
  # the mail Worker (Email Routing) has the same budget
  if "$BIN/wrangler" deploy -c wrangler.mail.toml --dry-run --outdir "$WORK/bundle-mail" >"$WORK/bundle-mail.log" 2>&1; then
    helper bundle-budget "$WORK/bundle-mail.log" 300 || FAILED=1
  else
    FAILED=1
    cat "$WORK/bundle-mail.log"
  fi
fi

if [ "${#REPORTS[@]}" -gt 0 ]; then helper compare "${REPORTS[@]}" || FAILED=1; fi
[ -z "$FAILED" ] || { log "FAILED" && exit 1; }
log "passed"
