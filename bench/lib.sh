# Shell functions shared by bench/run and bench/soak (sourced, not run). The caller sets BENCH (this
# folder), ROOT (the repository), WORK (its scratch folder) and TAG (the log prefix) before sourcing.
# Everything listens on 127.0.0.1 only.

JAVA_HOME="$("$ROOT/scripts/java-home")"; export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"
JAR="$ROOT/target-bench/quarry.jar"
STUB_PORT=18001 NGINX_PORT=18002 QUARRY_PORT=18003 PORTKEY_PORT=18004
STUB_URL="http://127.0.0.1:$STUB_PORT/v1/chat/completions"
QUARRY_URL="http://127.0.0.1:$QUARRY_PORT/v1/chat/completions"
PIDS=()

cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

log() { echo "[$TAG $(date +%T)] $*"; }
wait_port() { # wait (bounded) until something answers on 127.0.0.1:$1
  for _ in $(seq 1 200); do curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0; sleep 0.1; done
  echo "nothing listening on 127.0.0.1:$1" >&2; return 1
}
listener_pids() { # pids of the processes listening on a port (comma list)
  ss -ltnpH "sport = :$1" | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u | paste -sd, -
}

build_quarry() { # target-bench/quarry.jar (BENCH_SKIP_BUILD=1 reuses it), then the bench classes into $WORK/classes
  if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
    log "building Quarry"
    (cd "$ROOT" && mvn -B -q -Dmaven.test.skip=true -Dquarry.build.dir="$ROOT/target-bench" package)
  fi
  [ -f "$JAR" ] || { echo "no $JAR: run without BENCH_SKIP_BUILD once" >&2; return 1; }
  mkdir -p "$WORK/classes"
  "$JAVA_HOME/bin/javac" -d "$WORK/classes" "$BENCH"/src/*.java
}

start_stub() { # [CHUNKS] [MS]: the upstream stub on $STUB_PORT: models bench-zero, bench-d20, bench-paced (20 chunks 5 ms apart), bench-slow (500 ms apart)
  local chunks=${1:-20} ms=${2:-5}
  log "starting the upstream stub on :$STUB_PORT (models bench-zero, bench-d20, bench-paced: $chunks chunks $ms ms apart, bench-slow: 500 ms apart)"
  "$JAVA" -Dsun.net.httpserver.nodelay=true -cp "$WORK/classes" Stub "$STUB_PORT" "$chunks" "$ms" > "$WORK/stub.log" 2>&1 & PIDS+=($!)
  wait_port "$STUB_PORT"
}

# The guardrail of the quarry-guarded target: PII, a custom regex and a word list, all pattern
# detectors. No denied topics and no prompt-attack filter: those run the embedding model, which
# would be a different benchmark.
GUARDRAIL_YAML='guardrails:
  - id: bench
    name: bench
    blockedInputMessaging: "blocked"
    blockedOutputsMessaging: "withheld"
    sensitiveInformationPolicyConfig:
      piiEntitiesConfig:
        - {type: CREDIT_DEBIT_CARD_NUMBER, action: BLOCK}
        - {type: EMAIL, action: ANONYMIZE}
        - {type: PHONE, action: ANONYMIZE}
        - {type: US_SOCIAL_SECURITY_NUMBER, action: BLOCK}
      regexesConfig:
        - {name: order-id, pattern: "ORD-[0-9]{6}", action: ANONYMIZE}
    wordPolicyConfig:
      wordsConfig: [{text: "project nightjar"}]'

# setup_quarry DIR MODE [EXTRA_YAML]: writes DIR/quarry.yaml for MODE governed | ungoverned | guarded, and sets
# QUARRY_MODE and QUARRY_ADMIN (the bootstrap admin's key). start_quarry then sets QUARRY_KEY (the key the load uses).
# EXTRA_YAML (top-level sections such as store: or agents:) is appended; QUARRY_MODELS replaces the served models.
#   governed:   a plain user key (group users, ModelAccess policy), a principal rate limit and a monthly
#               budget: authentication, policy, rate limit, budget reservation and ledger on every request.
#   ungoverned: the bootstrap admin's key, no rate limit, no budget (authentication, one policy decision,
#               routing, the audit trail and the ledger remain: they are not switches).
#   guarded:    governed, plus the guardrail above (the load names it in X-Quarry-Guardrail).
setup_quarry() {
  local Q=$1 mode=$2 extra=${3:-}
  QUARRY_MODE=$mode
  mkdir -p "$Q"
  cat > "$Q/quarry.yaml" <<YML
server:
  host: 127.0.0.1
  # The load generator is one client address that may hold hundreds of connections at the top rates.
  max_connections_per_client: 4096
providers:
  - name: stub
    type: openai-compatible
    base_url: http://127.0.0.1:$STUB_PORT/v1
    whole_answers: true   # non-streaming requests get one JSON body from the stub (off by default: see the README)
models:
YML
  for m in ${QUARRY_MODELS:-bench-zero bench-d20 bench-paced bench-slow}; do cat >> "$Q/quarry.yaml" <<YML
  - id: $m
    kind: chat
    context_window: 131072
    deployments: [{ provider: stub, model: $m }]
    price: { input: 1.0, output: 2.0, cache_read: 0.1, cache_write: 0 }
YML
  done
  [ -n "$extra" ] && echo "$extra" >> "$Q/quarry.yaml"
  QUARRY_ADMIN="qk-bench-admin-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  [ "$mode" = ungoverned ] && return
  cat >> "$Q/quarry.yaml" <<YML
rate_limits:   # generous, but checked on every request (governance on)
  - { scope: principal, name: "*", requests_per_minute: 100000000, tokens_per_minute: 1000000000 }
YML
  if [ "$mode" = guarded ]; then # BENCH_GUARDRAIL_FILE: another top-level guardrails: section (its guardrail's id must be bench)
    if [ -n "${BENCH_GUARDRAIL_FILE:-}" ]; then cat "$BENCH_GUARDRAIL_FILE"; else echo "$GUARDRAIL_YAML"; fi >> "$Q/quarry.yaml"
  fi
}

# start_quarry DIR: serves DIR/quarry.yaml on $QUARRY_PORT (JVM options from QUARRY_JAVA_OPTS, none by
# default), sets QPID and waits until it answers; then sets QUARRY_KEY: the admin's when ungoverned, else a
# new user key (bench) with a monthly budget, made through the admin API (the CLI is a client of the server).
start_quarry() {
  local Q=$1
  # shellcheck disable=SC2086  # QUARRY_JAVA_OPTS is a list of options
  QUARRY_ADMIN_KEY="$QUARRY_ADMIN" "$JAVA" ${QUARRY_JAVA_OPTS:-} -jar "$JAR" serve --config "$Q/quarry.yaml" --data "$Q/data" \
    --port "$QUARRY_PORT" > "$Q/quarry.log" 2>&1 & QPID=$!; PIDS+=($QPID)
  if ! wait_port "$QUARRY_PORT"; then tail -20 "$Q/quarry.log" >&2; return 1; fi
  if [ "$QUARRY_MODE" = ungoverned ]; then QUARRY_KEY=$QUARRY_ADMIN; return; fi
  local admin=(--url "http://127.0.0.1:$QUARRY_PORT" --key "$QUARRY_ADMIN")
  QUARRY_KEY=$("$JAVA" -jar "$JAR" keys create --name bench "${admin[@]}" | grep -o 'qk-[A-Za-z0-9_-]*' | head -1)
  "$JAVA" -jar "$JAR" budgets create --name bench --scope principal:bench --period month --limit 1000000000 "${admin[@]}" > /dev/null
}

stop_quarry() { kill "$QPID" 2>/dev/null || true; wait "$QPID" 2>/dev/null || true; }

# ledger_counts DIR: "rows=N<TAB>completed_rows=M<TAB>access_200=K" (usage_ledger rows, and the access
# log's 200 lines). Give the ledger's group commit a moment to land before calling it.
ledger_counts() {
  local Q=$1
  echo -e "$("$JAVA" -cp "$ROOT/target-bench/lib/*" "$BENCH/src/LedgerCount.java" "$Q/data/quarry.db")\taccess_200=$(grep -c 'quarry.access.*status=200' "$Q/quarry.log" || true)"
}

machine_info() { # key=value lines describing the machine and the build, for the reports
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//') x $(nproc)"
  echo "mem=$(free -h | awk '/^Mem:/ {print $2 " total, " $7 " available"}')"
  echo "java=$("$JAVA" -version 2>&1 | head -2 | tail -1)"
  echo "kernel=$(uname -sr)"
  echo "clk_tck=$(getconf CLK_TCK)"
  echo "quarry=$(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet -- src && [ -z "$(git -C "$ROOT" ls-files --others --exclude-standard -- src)" ] || echo '+local changes')"
  echo "date=$(date -u +%FT%TZ)"
}
