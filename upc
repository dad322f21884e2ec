#!/usr/bin/env bash
# upc — the UPC launcher: installs what is missing, builds, tests, runs the demo and benches.
# Usage: ./upc help
set -Eeuo pipefail

# ---------------------------------------------------------------------------------------------
# Constants
# ---------------------------------------------------------------------------------------------

readonly APT_PACKAGES=(podman runc postgresql busybox-static build-essential pkgconf maven
  openjdk-17-jdk-headless curl ca-certificates openssl iproute2 strace)
readonly CRIU_BUILD_DEPS=(libbsd-dev libcap-dev libgnutls28-dev libnet1-dev libnftables-dev
  libnl-3-dev libprotobuf-c-dev libprotobuf-dev pkgconf protobuf-c-compiler protobuf-compiler
  uuid-dev python3-protobuf build-essential)

readonly CRIU_VERSION=4.1.1
readonly CRIU_DEB_VERSION=4.1.1-1
readonly CRIU_ORIG=criu_4.1.1.orig.tar.xz
readonly CRIU_ORIG_SHA256=f80a66cb3726bb2116266d4759ce3bcbfab7abdb6b6d430bf20dd41911717afe
readonly CRIU_SRC_DIR=/var/cache/upc/criu-src
readonly CRIU_REAL=/usr/local/lib/upc/criu     # the binary built here
readonly CRIU_LINK=/usr/local/sbin/criu        # what podman/runc find on PATH
readonly CRIU_CURE_ENV=CRIU_FAULT=130          # FI_NO_BREAKPOINTS: cures the "parasite cure" hang
readonly CRIU_STAMP=/var/lib/upc/criu-selftest.ok
readonly SELFTEST_TIMEOUT=20
# private apt config: trixie's source index only, leaves the system's apt state alone
readonly CRIU_APT_OPTS=(-o "Dir::Etc::SourceList=$CRIU_SRC_DIR/sources.list"
  -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$CRIU_SRC_DIR/lists"
  -o "Dir::Cache=$CRIU_SRC_DIR/cache")

readonly LOG_DIR=/var/log/upc
readonly TEMURIN_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
readonly MAIN_CLASS=dev.upc.e2e.UpcMain
readonly BENCHES=(migration policy store registry agent study owner soak)  # keep in sync with UpcMain
readonly BOINC_PACKAGE=boinc-client  # the peer that ./upc bench agent compares the agent with
readonly BUILD_STAMP=.upc/build.stamp
readonly CLI_LAUNCHER=cli/target/upc-cli/bin/upc
# What the launcher runs: a build that lacks one of them is rebuilt.
readonly BUILT_ARTIFACTS=(e2e/target/classes e2e/target/classpath.txt "$CLI_LAUNCHER"
  registry-service/target/quarkus-app/quarkus-run.jar scheduler-service/target/quarkus-app/quarkus-run.jar
  checkpoint-store/target/quarkus-app/quarkus-run.jar worker-agent/target/quarkus-app/quarkus-run.jar)

# ---------------------------------------------------------------------------------------------
# Output and timing helpers
# ---------------------------------------------------------------------------------------------

say() { printf 'upc: %s\n' "$*"; }
warn() { printf 'upc: warning: %s\n' "$*" >&2; }
die() { printf 'upc: %s\n' "$*" >&2; exit "${DIE_CODE:-1}"; }

# One line for failures nobody anticipated (set -e); subshells stay quiet so it prints once.
on_error() {
  local rc=$1 line=$2 cmd=$3
  if (( BASH_SUBSHELL == 0 )); then
    printf 'upc: internal error: "%s" failed (exit %s) at line %s of %s; please report it\n' \
      "$cmd" "$rc" "$line" "$0" >&2
  fi
}
trap 'on_error $? $LINENO "$BASH_COMMAND"' ERR

now_ms() { local t=${EPOCHREALTIME//[.,]/}; echo $(( t / 1000 )); }

# fmt_ms MS -> "58ms", "2.4s", "12s", "1m05s"
fmt_ms() {
  local ms=$1
  if (( ms < 1000 )); then
    printf '%dms' "$ms"
  elif (( ms < 10000 )); then
    printf '%d.%ds' $(( ms / 1000 )) $(( ms % 1000 / 100 ))
  elif (( ms < 60000 )); then
    printf '%ds' $(( ms / 1000 ))
  else
    printf '%dm%02ds' $(( ms / 60000 )) $(( ms % 60000 / 1000 ))
  fi
}

since() { fmt_ms $(( $(now_ms) - $1 )); }

# ---------------------------------------------------------------------------------------------
# Environment
# ---------------------------------------------------------------------------------------------

enter_project_dir() {
  local here
  here=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
  cd "$here"
}

# /usr/local/sbin must come first so podman/runc and we find the same criu.
fix_path() {
  local d
  for d in /usr/sbin /sbin /usr/local/bin /usr/local/sbin; do
    case ":$PATH:" in *":$d:"*) ;; *) PATH="$d:$PATH" ;; esac
  done
  export PATH
}

# Temurin 25 when present (AOT cache, faster start), else the default JDK 17.
use_java() {
  [[ -z ${UPC_JAVA_CHOSEN:-} ]] || return 0
  UPC_JAVA_CHOSEN=1
  if [[ -x $TEMURIN_HOME/bin/java ]]; then
    export JAVA_HOME=$TEMURIN_HOME
    PATH="$JAVA_HOME/bin:$PATH"
    export PATH
    # Debian's maven bundles a guava that trips JDK 25's sun.misc.Unsafe warnings on every run
    export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--sun-misc-unsafe-memory-access=allow"
  fi
}

java_cmd() {
  if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]]; then
    echo "$JAVA_HOME/bin/java"
  else
    echo java
  fi
}

need_mvn() {
  command -v mvn >/dev/null 2>&1 || die "mvn not found: run 'sudo ./upc setup' (it installs maven)"
}

# ---------------------------------------------------------------------------------------------
# setup: prerequisites
# ---------------------------------------------------------------------------------------------

check_root() {
  [[ $EUID -eq 0 ]] || die "setup needs root (it installs packages): run it with sudo"
}

check_apt() {
  if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-query >/dev/null 2>&1; then
    die "setup needs apt-get and dpkg (Debian/Ubuntu); on other systems install podman, runc, CRIU >= 4 and maven by hand"
  fi
}

kernel_config_value() {  # prints e.g. "CONFIG_CHECKPOINT_RESTORE=y", or nothing if unknown
  local cfg
  cfg=/boot/config-$(uname -r)
  if [[ -r $cfg ]]; then
    grep -E '^# ?CONFIG_CHECKPOINT_RESTORE[ =]' "$cfg" || true
  elif [[ -r /proc/config.gz ]]; then
    zcat /proc/config.gz | grep -E '^# ?CONFIG_CHECKPOINT_RESTORE[ =]' || true
  fi
}

check_kernel() {
  [[ -e /proc/sys/kernel/ns_last_pid ]] && return 0
  local v
  v=$(kernel_config_value)
  case $v in
    CONFIG_CHECKPOINT_RESTORE=y) return 0 ;;
    "") warn "cannot tell whether kernel $(uname -r) supports checkpoint/restore (no /proc/sys/kernel/ns_last_pid, no kernel config); the CRIU self-test will decide" ;;
    *) die "kernel $(uname -r) lacks CONFIG_CHECKPOINT_RESTORE, which CRIU needs: boot a kernel built with it" ;;
  esac
}

# ---------------------------------------------------------------------------------------------
# setup: apt packages
# ---------------------------------------------------------------------------------------------

is_installed() {
  [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true) == "install ok installed" ]]
}

missing_packages() {  # prints the missing ones among "$@", one per line
  local p
  for p in "$@"; do is_installed "$p" || echo "$p"; done
}

APT_UPDATED=""

# apt_install_missing WHAT PKG... : installs only what is missing; quiet if nothing is.
apt_install_missing() {
  local what=$1; shift
  local missing t0 log=$LOG_DIR/apt.log
  mapfile -t missing < <(missing_packages "$@")
  (( ${#missing[@]} )) || return 0
  t0=$(now_ms)
  mkdir -p "$LOG_DIR"
  say "apt: installing $what: ${missing[*]} (log: $log)"
  if [[ -z $APT_UPDATED ]]; then
    if ! apt-get -o DPkg::Lock::Timeout=300 update >>"$log" 2>&1; then
      tail -n 15 "$log" >&2
      die "apt-get update failed (see $log): check /etc/apt/sources.list* and the network, then rerun setup"
    fi
    APT_UPDATED=1
  fi
  if ! DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y \
      --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
    tail -n 15 "$log" >&2
    die "apt-get install ${missing[*]} failed (see $log): fix the apt problem shown above, then rerun setup"
  fi
  say "apt: installed ${missing[*]} ($(since "$t0"))"
}

# ---------------------------------------------------------------------------------------------
# setup: CRIU self-test (a real dump + restore of a counting process)
# ---------------------------------------------------------------------------------------------

ST_DIR=""
ST_UNSHARE=""
ST_RESULT=""   # human-readable outcome of the last self-test

selftest_cleanup() {
  local pids
  if [[ -n $ST_DIR ]]; then
    pids=$(pgrep -f "$ST_DIR/loop.sh" || true)
    # shellcheck disable=SC2086 # word splitting of the pid list is intended
    [[ -z $pids ]] || kill -9 $pids 2>/dev/null || true
  fi
  [[ -z $ST_UNSHARE ]] || kill -9 "$ST_UNSHARE" 2>/dev/null || true
  if [[ -n $ST_DIR ]]; then
    rm -rf "$ST_DIR" 2>/dev/null || { sleep 0.3; rm -rf "$ST_DIR" 2>/dev/null || true; }
  fi
  ST_DIR="" ST_UNSHARE=""
}

last_criu_error() {  # last meaningful error line of a CRIU log
  grep -E 'Error|error' "$1" 2>/dev/null | grep -v 'RLIMIT_NOFILE' | tail -n 1 || true
}

# selftest_body CRIU_CMD... : returns 0 iff dump and restore succeed and the restored process counts on.
selftest_body() {
  local d p c1 c2 rc t0 dump_time tries
  d=$ST_DIR
  mkdir -p "$d/img"
  # shellcheck disable=SC2016 # $i is for the loop's shell, not ours
  printf 'i=0; while :; do i=$((i+1)); echo $i > %s/count; sleep 0.1; done\n' "$d" >"$d/loop.sh"
  # started from a command substitution: not our job, so bash reports nothing when it dies.
  # setsid must run inside the new pid namespace; --mount-proc breaks the restore.
  ST_UNSHARE=$(unshare --pid --fork setsid sh "$d/loop.sh" </dev/null >/dev/null 2>&1 & echo $!)
  sleep 0.5
  for (( tries = 0; tries < 10; tries++ )); do
    p=$(pgrep -P "$ST_UNSHARE" | head -n 1 || true)
    [[ -n $p && -s $d/count ]] && break
    sleep 0.2
  done
  if [[ -z $p ]]; then ST_RESULT="the test process did not start"; return 1; fi

  t0=$(now_ms)
  rc=0
  timeout -k 5 "$SELFTEST_TIMEOUT" "$@" dump -t "$p" -D "$d/img" -o dump.log >/dev/null 2>&1 || rc=$?
  dump_time=$(since "$t0")
  if (( rc == 124 || rc == 137 )); then
    ST_RESULT="dump hung (killed after ${SELFTEST_TIMEOUT}s)"; return 1
  elif (( rc != 0 )); then
    ST_RESULT="dump failed (exit $rc): $(last_criu_error "$d/img/dump.log")"; return 1
  fi
  sleep 0.2
  c1=$(cat "$d/count" 2>/dev/null || echo 0)

  rc=0
  timeout -k 5 "$SELFTEST_TIMEOUT" "$@" restore -D "$d/img" -o restore.log -d >/dev/null 2>&1 || rc=$?
  if (( rc == 124 || rc == 137 )); then
    ST_RESULT="dump ok in $dump_time, restore hung (killed after ${SELFTEST_TIMEOUT}s)"; return 1
  elif (( rc != 0 )); then
    ST_RESULT="dump ok in $dump_time, restore failed (exit $rc): $(last_criu_error "$d/img/restore.log")"; return 1
  fi
  sleep 0.5
  c2=$(cat "$d/count" 2>/dev/null || echo 0)
  if (( c2 > c1 )); then
    ST_RESULT="dump ${dump_time}, restored process counts on ($c1 -> $c2)"
    return 0
  fi
  ST_RESULT="dump ok in $dump_time, restore ok, but the restored process does not run (count stays $c1)"
  return 1
}

# criu_selftest LABEL CRIU_CMD... : runs the self-test, always cleans up, reports the outcome.
criu_selftest() {
  local label=$1; shift
  local rc=0
  ST_DIR=$(mktemp -d /tmp/upc-criu-selftest.XXXXXX)
  ST_RESULT=""
  selftest_body "$@" || rc=$?
  selftest_cleanup
  if (( rc == 0 )); then
    say "criu self-test ($label): passed: $ST_RESULT"
  else
    say "criu self-test ($label): FAILED: $ST_RESULT"
  fi
  return "$rc"
}

# ---------------------------------------------------------------------------------------------
# setup: CRIU (keep a working one, else build 4.1.1 from Debian trixie's source package)
# ---------------------------------------------------------------------------------------------

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

is_script() { [[ $(head -c 2 "$1" 2>/dev/null) == '#!' ]]; }

# What the self-test stamp is keyed on: the criu on PATH (and the binary a wrapper execs) + kernel.
criu_fingerprint() {
  local c=$1 f fp
  f=$(readlink -f "$c")
  fp="criu=$c sha256=$(sha256_of "$f")"
  if is_script "$f" && grep -q "$CRIU_REAL" "$f" && [[ -f $CRIU_REAL ]]; then
    fp+=" real_sha256=$(sha256_of "$CRIU_REAL")"
  fi
  echo "$fp kernel=$(uname -r)"
}

stamp_matches() { [[ -f $CRIU_STAMP && $(cat "$CRIU_STAMP") == "$(criu_fingerprint "$1")" ]]; }

write_stamp() {
  mkdir -p "$(dirname "$CRIU_STAMP")"
  criu_fingerprint "$1" >"$CRIU_STAMP"
}

criu_on_path() { hash -r; command -v criu 2>/dev/null || true; }

criu_check_ok() { "$@" check >/dev/null 2>&1; }

PLAIN_REAL_FAILED=""   # set when $CRIU_REAL itself just failed the self-test as the PATH criu

# The criu found on PATH is good if it passed the self-test before (same binary, same kernel)
# or passes it now.
path_criu_works() {
  local c
  c=$(criu_on_path)
  [[ -n $c ]] || return 1
  criu_check_ok "$c" || { say "criu: '$c check' fails"; return 1; }
  stamp_matches "$c" && return 0
  if criu_selftest "$c" "$c"; then
    write_stamp "$c"
    return 0
  fi
  [[ $(readlink -f "$c") != "$CRIU_REAL" ]] || PLAIN_REAL_FAILED=1
  return 1
}

debian_mirror() {
  local uri=""
  if [[ -r /etc/apt/sources.list.d/debian.sources ]]; then
    uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  fi
  if [[ -z $uri && -r /etc/apt/sources.list ]]; then
    uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; exit } }' \
      /etc/apt/sources.list)
  fi
  [[ $uri == *security* ]] && uri=""
  echo "${uri:-http://deb.debian.org/debian}"
}

expected_orig_sha256() {  # from the trixie Sources index; falls back to the known value
  local sha
  sha=$(apt-cache "${CRIU_APT_OPTS[@]}" showsrc criu 2>/dev/null | awk -v ver="$CRIU_DEB_VERSION" -v f="$CRIU_ORIG" '
    /^Version:/ { inver = ($2 == ver) }
    /^Checksums-Sha256:/ { insum = 1; next }
    /^[^ ]/ { insum = 0 }
    inver && insum && $3 == f { print $1; exit }') || true
  echo "${sha:-$CRIU_ORIG_SHA256}"
}

# Downloads criu_4.1.1.orig.tar.xz into $CRIU_SRC_DIR/src (the .dsc and .debian.tar.xz may 404 on
# this mirror; the orig tarball is all the build needs).
fetch_criu_source() {
  local tarball=$CRIU_SRC_DIR/src/$CRIU_ORIG log=$1 mirror want got
  if [[ -f $tarball && $(sha256_of "$tarball") == "$CRIU_ORIG_SHA256" ]]; then
    return 0
  fi
  mirror=$(debian_mirror)
  mkdir -p "$CRIU_SRC_DIR"/{lists/partial,cache/archives/partial,src}
  echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" \
    >"$CRIU_SRC_DIR/sources.list"
  say "criu: downloading the $CRIU_DEB_VERSION source from $mirror (trixie)"
  if ! apt-get "${CRIU_APT_OPTS[@]}" update >>"$log" 2>&1; then
    tail -n 10 "$log" >&2
    die "cannot read Debian trixie's source index from $mirror (see $log): check the mirror, then rerun setup"
  fi
  rm -f "$tarball"
  (cd "$CRIU_SRC_DIR/src" && apt-get "${CRIU_APT_OPTS[@]}" source --download-only "criu=$CRIU_DEB_VERSION") \
    >>"$log" 2>&1 || true   # tolerated: only the orig tarball matters
  [[ -f $tarball ]] || {
    tail -n 10 "$log" >&2
    die "could not download $CRIU_ORIG from $mirror (see $log): check the mirror, then rerun setup"
  }
  want=$(expected_orig_sha256)
  got=$(sha256_of "$tarball")
  if [[ $want != "$CRIU_ORIG_SHA256" ]]; then
    die "the trixie index lists sha256 $want for $CRIU_ORIG, expected $CRIU_ORIG_SHA256: refusing to build; check the mirror $mirror"
  fi
  if [[ $got != "$want" ]]; then
    rm -f "$tarball"
    die "$CRIU_ORIG has sha256 $got, expected $want: download corrupted or tampered; rerun setup or check the mirror $mirror"
  fi
}

build_criu() {
  local t0 log=$LOG_DIR/criu-build.log build=$CRIU_SRC_DIR/build
  t0=$(now_ms)
  mkdir -p "$LOG_DIR"
  : >"$log"
  apt_install_missing "CRIU build dependencies" "${CRIU_BUILD_DEPS[@]}"
  fetch_criu_source "$log"
  say "criu: building CRIU $CRIU_VERSION (about a minute; log: $log)"
  rm -rf "$build"
  mkdir -p "$build"
  tar -xJf "$CRIU_SRC_DIR/src/$CRIU_ORIG" -C "$build" --strip-components=1
  if ! make -C "$build" -j"$(nproc)" criu >>"$log" 2>&1; then
    tail -n 25 "$log" >&2
    die "building CRIU $CRIU_VERSION failed (full log: $log): fix the error shown above, then rerun setup"
  fi
  [[ -x $build/criu/criu ]] || die "the CRIU build produced no $build/criu/criu (see $log): rerun setup"
  mkdir -p "$(dirname "$CRIU_REAL")"
  install -m 0755 "$build/criu/criu" "$CRIU_REAL.new"
  mv -f "$CRIU_REAL.new" "$CRIU_REAL"
  rm -rf "$build"
  say "criu: built and installed $CRIU_REAL ($(since "$t0"))"
}

# Expose $CRIU_REAL as $CRIU_LINK: a symlink when it works as is, a wrapper with the
# CRIU_FAULT=130 cure when plain CRIU hangs or fails (podman does not pass its env to CRIU).
install_criu_link() {
  local tmp
  mkdir -p "$(dirname "$CRIU_LINK")"
  rm -f "$CRIU_LINK.new"
  if [[ -z $PLAIN_REAL_FAILED ]] && criu_selftest "plain" "$CRIU_REAL"; then
    ln -s "$CRIU_REAL" "$CRIU_LINK.new"
    mv -Tf "$CRIU_LINK.new" "$CRIU_LINK"
    say "criu: $CRIU_LINK -> $CRIU_REAL (plain)"
  elif criu_selftest "with $CRIU_CURE_ENV" env "$CRIU_CURE_ENV" "$CRIU_REAL"; then
    tmp=$CRIU_LINK.new
    printf '#!/bin/sh\n%s exec %s "$@"\n' "$CRIU_CURE_ENV" "$CRIU_REAL" >"$tmp"
    chmod 0755 "$tmp"
    mv -Tf "$tmp" "$CRIU_LINK"
    say "criu: $CRIU_LINK is a wrapper running $CRIU_REAL with $CRIU_CURE_ENV (plain CRIU does not work here)"
  else
    die "CRIU $CRIU_VERSION fails its dump+restore self-test, plain and with $CRIU_CURE_ENV ($ST_RESULT): checkpoint/restore cannot work on this machine/kernel"
  fi
  write_stamp "$CRIU_LINK"
  local c
  c=$(criu_on_path)
  [[ $c == "$CRIU_LINK" ]] ||
    die "$c comes before $CRIU_LINK on PATH, so podman would use it: remove it or put /usr/local/sbin first in PATH"
}

setup_criu() {
  local t0
  t0=$(now_ms)
  path_criu_works && return 0
  if [[ -x $CRIU_REAL ]] && criu_check_ok "$CRIU_REAL"; then
    say "criu: reusing $CRIU_REAL (already built)"
  else
    build_criu
  fi
  criu_check_ok "$CRIU_REAL" ||
    die "'$CRIU_REAL check' fails: the kernel lacks features CRIU needs (run '$CRIU_REAL check' for details)"
  install_criu_link
  say "criu: ready ($(since "$t0"))"
}

criu_mode() {
  local f
  f=$(readlink -f "$(criu_on_path)")
  if is_script "$f" && grep -q "$CRIU_CURE_ENV" "$f"; then
    echo "with $CRIU_CURE_ENV cure"
  else
    echo plain
  fi
}

# ---------------------------------------------------------------------------------------------
# setup: podman
# ---------------------------------------------------------------------------------------------

check_podman() {
  podman --version >/dev/null 2>&1 ||
    die "'podman --version' fails: reinstall it (apt-get install --reinstall podman), then rerun setup"
  command -v runc >/dev/null 2>&1 ||
    die "runc not found on PATH: apt-get install runc, then rerun setup"
}

podman_version() { podman --version | awk '{print $NF}'; }
runc_version() { runc --version | awk 'NR == 1 {sub(/\+.*/, "", $3); print $3}'; }
criu_version() { criu --version | awk '/^Version:/ {print $2}'; }

# ---------------------------------------------------------------------------------------------
# Subcommands
# ---------------------------------------------------------------------------------------------

cmd_setup() {
  local t0
  t0=$(now_ms)
  check_root
  check_apt
  check_kernel
  apt_install_missing "packages" "${APT_PACKAGES[@]}"
  setup_criu
  check_podman
  say "setup done in $(since "$t0") (podman $(podman_version), runc $(runc_version), criu $(criu_version) [$(criu_mode)])"
}

cmd_build() {
  local t0 rc=0
  t0=$(now_ms)
  need_mvn
  use_java
  say "build: mvn -B -q -DskipTests install (java: ${JAVA_HOME:-default})"
  mvn -B -q -DskipTests install || rc=$?
  if (( rc != 0 )); then
    DIE_CODE=$rc die "build failed after $(since "$t0") (mvn exit $rc): fix the errors shown above, then rerun ./upc build"
  fi
  mkdir -p "$(dirname "$BUILD_STAMP")"
  touch "$BUILD_STAMP"
  say "build: done in $(since "$t0")"
}

# Whether the build is older than a source, a pom, or missing one of the things the launcher runs.
build_stale() {
  local f
  [[ -f $BUILD_STAMP ]] || return 0
  for f in "${BUILT_ARTIFACTS[@]}"; do
    [[ -e $f ]] || return 0
  done
  [[ -n $(find . -path ./.upc -prune -o -path '*/target' -prune -o -path ./.git -prune -o \
      \( -name pom.xml -o -path '*/src/*' -o -path './jobs/*' \) -newer "$BUILD_STAMP" -type f -print -quit) ]]
}

# Builds when something changed since the last build (or it never ran); quiet when all is current.
ensure_built() {
  if build_stale; then
    cmd_build
  fi
}

cmd_test() {
  local t0 rc=0 t1
  t0=$(now_ms)
  cmd_setup
  setup_k8s
  need_mvn
  use_java
  say "test: mvn -B -ntp verify (java: ${JAVA_HOME:-default})"
  mvn -B -ntp verify || rc=$?
  if (( rc != 0 )); then
    DIE_CODE=$rc die "tests failed after $(since "$t0") (mvn exit $rc): see the maven output above"
  fi
  mkdir -p "$(dirname "$BUILD_STAMP")" && touch "$BUILD_STAMP"  # verify built every module: no second build
  # The deployment as a lab runs it: the images built here, the local overlay played, used and torn down.
  t1=$(now_ms)
  cmd_images
  say "test: ./upc k8s play"
  main_command
  "${MAIN_CMD[@]}" k8s play || rc=$?
  if (( rc != 0 )); then
    DIE_CODE=$rc die "./upc k8s play failed after $(since "$t1") (exit $rc): see its lines above"
  fi
  say "test: images and k8s play passed in $(since "$t1")"
  say "test: all passed in $(since "$t0")"
}

# MAIN_CMD: the java command line of the harness's entry (dev.upc.e2e.UpcMain), for run_main and cmd_test.
main_command() {
  local f=e2e/target/classpath.txt cp
  [[ -d e2e/target/classes && -f $f ]] ||
    die "$f (or e2e/target/classes) is missing after the build: the e2e module must write it; check ./upc build"
  cp="e2e/target/classes:$(<"$f")"
  # the harness drives the agent's libpod client: archives must stream through the agent's heap budget
  MAIN_CMD=("$(java_cmd)" -Xmx128m -cp "$cp" "$MAIN_CLASS")
}

run_main() {
  main_command
  exec "${MAIN_CMD[@]}" "$@"
}

# ./upc demo: the nine-job experiment (dev.upc.e2e.experiment); --quick: the two-PC showcase of one migration.
cmd_demo() {
  if [[ " $* " == *" --help "* || " $* " == *" -h "* ]]; then
    run_main demo --help
  fi
  cmd_setup
  ensure_built
  use_java
  run_main demo "$@"
}

# ./upc up|down|status: a local cluster that stays up (dev.upc.e2e.local); up installs and builds what is missing.
cmd_up() {
  if [[ " $* " == *" --help "* || " $* " == *" -h "* ]]; then
    run_main up --help
  fi
  cmd_setup
  ensure_built
  use_java
  run_main up "$@"
}

cmd_local() {  # down, status: the classes as built; no setup, no build
  [[ -d e2e/target/classes ]] || die "nothing is built yet: ./upc up builds and starts a local cluster"
  use_java
  run_main "$@"
}

# Every other command is the upc command line's (jobs, workers, images, users, login, ...): built if needed.
forward_to_cli() {
  if [[ ! -x $CLI_LAUNCHER ]]; then
    say "building the upc command line first" >&2
    cmd_build >&2
  fi
  use_java
  exec "$CLI_LAUNCHER" "$@"
}

list_benches() {
  echo "available benches:"
  printf '  %s\n' "${BENCHES[@]}"
}

# ./upc bench agent measures Debian's boinc-client beside the agent: installed on demand, never started as a
# service (the bench runs it in a temp dir). The bench goes on without it when apt cannot install it.
install_bench_peer() {
  local log=$LOG_DIR/apt.log t0
  is_installed "$BOINC_PACKAGE" && return 0
  t0=$(now_ms)
  mkdir -p "$LOG_DIR"
  say "apt: installing $BOINC_PACKAGE for the agent bench (log: $log)" >&2
  if apt-get -o DPkg::Lock::Timeout=300 update >>"$log" 2>&1 &&
      DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q \
        --no-install-recommends "$BOINC_PACKAGE" >>"$log" 2>&1; then
    say "apt: installed $BOINC_PACKAGE ($(since "$t0"))" >&2
  else
    warn "could not install $BOINC_PACKAGE (see $log): the agent bench skips the boinc-client peer"
  fi
  # Debian's package enables a system service; this machine only runs it inside the bench.
  if command -v systemctl >/dev/null 2>&1 && [[ -d /run/systemd/system ]]; then
    systemctl disable --now "$BOINC_PACKAGE" >>"$log" 2>&1 || true
  fi
}

cmd_bench() {
  if (( $# == 0 )); then
    echo "usage: ./upc bench NAME [args]" >&2
    list_benches >&2
    exit 2
  fi
  local name=$1 b; shift
  for b in "${BENCHES[@]}"; do
    if [[ $b == "$name" ]]; then
      cmd_setup
      [[ $name != agent ]] || install_bench_peer
      ensure_built
      use_java
      run_main bench "$name" "$@"
    fi
  done
  DIE_CODE=2 die "unknown bench '$name' (available: ${BENCHES[*]})"
}

# ./upc k8s render|secrets|play|down: the manifests of k8s/ (kustomize), their secrets, and the local overlay
# played on this machine with podman kube play (dev.upc.e2e.k8s).
# kubectl renders kustomize (Debian's 1.20 embeds kustomize v2.0.3; any newer one does too); podman builds its pause
# image for kube play locally around catatonit; the images' base is a debootstrap root file system.
readonly K8S_PACKAGES=(catatonit debootstrap)

need_kubectl() {
  command -v kubectl >/dev/null 2>&1 || apt_install_missing "kubectl" kubernetes-client
}

# What rendering, building and playing the manifests needs beyond ./upc setup.
setup_k8s() {
  need_kubectl
  apt_install_missing "k8s" "${K8S_PACKAGES[@]}"
}

k8s_usage() {
  cat <<'USAGE'
usage: ./upc k8s render OVERLAY   print the rendered manifests of k8s/overlays/OVERLAY (local, production)
       ./upc k8s secrets [--dir DIR] [--host-keys DIR]
                                  make a deployment's keys (one per issuer), join token and database password
                                  (once); --host-keys lays the keys out for the services on one server
       ./upc k8s play             play the local overlay with podman, join two PCs, run a job with a migration,
                                  fail the planning scheduler over, back up, tear down; ends with one JSON line
       ./upc k8s down             remove what an interrupted play left (pods, volumes, secret)
USAGE
}

cmd_k8s() {
  local sub=${1:-}
  (( $# == 0 )) || shift
  case $sub in
    render)
      (( $# == 1 )) || { k8s_usage >&2; exit 2; }
      [[ $1 != */* && -d k8s/overlays/$1 ]] ||
        DIE_CODE=2 die "no overlay '$1' (overlays: $(ls k8s/overlays | xargs))"
      need_kubectl
      # kustomize v5 warns that the v2-compatible fields are deprecated: true, and not news to the reader
      kubectl kustomize "k8s/overlays/$1" 2> >(grep -v "^# Warning: '.*' is deprecated" >&2)
      ;;
    secrets)
      ensure_built
      use_java
      run_main k8s secrets "$@"
      ;;
    play)
      cmd_setup
      setup_k8s
      ensure_built
      cmd_images
      use_java
      run_main k8s play
      ;;
    down)
      cmd_local k8s down
      ;;
    help | -h | --help) k8s_usage ;;
    *) k8s_usage >&2; exit 2 ;;
  esac
}

# ---------------------------------------------------------------------------------------------
# images: the services' and PostgreSQL's container images, built here (no registry needed)
# ---------------------------------------------------------------------------------------------

# debootstrap's minbase rootfs, plain Debian without apt lists: made once, also for other images.
readonly ROOTFS_SUITE=bookworm
readonly ROOTFS_TAR=/var/cache/upc/rootfs/$ROOTFS_SUITE-minbase.tar
readonly JRE_CACHE=/var/cache/upc/jre
readonly JDK17_HOME=/usr/lib/jvm/java-17-openjdk-amd64
# What the Quarkus services need (jdeps over their jars, plus what they load reflectively).
readonly JAVA_MODULES=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,java.rmi,java.security.jgss,java.security.sasl,java.sql,java.transaction.xa,java.xml,jdk.crypto.ec,jdk.management,jdk.naming.dns,jdk.unsupported,jdk.zipfs
readonly SERVICE_IMAGES=(registry:registry-service scheduler:scheduler-service store:checkpoint-store)
readonly IMAGE_LABEL=dev.upc.inputs

IMAGES_JSON=""
IMAGES_LOG=$LOG_DIR/images.log
RUNTIME_DIR=""
IMAGE_SOURCE=""

project_version() { awk -F'[<>]' '/<parent>/ {p = 1} /<\/parent>/ {p = 0} !p && /<version>/ {print $3; exit}' pom.xml; }

# files_hash DIR [PATH...]: one sha256 over the names and contents of the files under DIR (or its PATHs)
files_hash() {
  local dir=$1; shift
  (cd "$dir" && find "${@:-.}" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-64
}

strings_hash() { printf '%s\n' "$@" | sha256sum | cut -c1-64; }

image_label() { podman image inspect --format "{{ index .Labels \"$2\" }}" "$1" 2>/dev/null || true; }

image_id() { podman image inspect --format '{{.Id}}' "$1"; }

images_say() { if [[ -n $IMAGES_JSON ]]; then say "images: $*" >&2; else say "images: $*"; fi; }

ensure_rootfs() {
  local stamp=$ROOTFS_TAR.stamp dir tmp mirror t0 log=$IMAGES_LOG
  [[ -s $ROOTFS_TAR && -s $stamp ]] && return 0
  apt_install_missing "image tools" debootstrap
  dir=$(dirname "$ROOTFS_TAR")
  mkdir -p "$dir" "$LOG_DIR"
  rm -rf "$dir"/.build.*
  tmp=$(mktemp -d "$dir/.build.XXXXXX")
  mirror=$(debian_mirror)
  t0=$(now_ms)
  images_say "debootstrap --variant=minbase $ROOTFS_SUITE from $mirror, once (about a minute; log: $log)"
  if ! debootstrap --variant=minbase "$ROOTFS_SUITE" "$tmp/root" "$mirror" >>"$log" 2>&1; then
    tail -n 10 "$log" >&2
    rm -rf "$tmp"
    die "debootstrap of $ROOTFS_SUITE from $mirror failed (see $log): check the mirror, then rerun ./upc images"
  fi
  rm -rf "$tmp"/root/var/cache/apt/archives/*.deb "$tmp"/root/var/cache/apt/*.bin "$tmp"/root/var/lib/apt/lists/*
  tar --numeric-owner -C "$tmp/root" -cf "$tmp/rootfs.tar" .
  printf 'suite=%s variant=minbase mirror=%s made=%s sha256=%s\n' "$ROOTFS_SUITE" "$mirror" \
    "$(date -u +%FT%TZ)" "$(sha256_of "$tmp/rootfs.tar")" >"$tmp/stamp"
  mv -f "$tmp/rootfs.tar" "$ROOTFS_TAR"
  mv -f "$tmp/stamp" "$stamp"
  rm -rf "$tmp"
  images_say "rootfs $ROOTFS_TAR ($(( $(stat -c %s "$ROOTFS_TAR") / 1000000 )) MB, $(since "$t0"))"
}

# import_rootfs TAG LABEL: the cached rootfs as an image, without docs, manual pages and translations.
import_rootfs() {
  local tmp
  tmp=$(mktemp /var/tmp/upc-rootfs.XXXXXX.tar)
  cp "$ROOTFS_TAR" "$tmp"
  tar --delete --wildcards -f "$tmp" './usr/share/doc/*' './usr/share/man/*' './usr/share/info/*' \
    './usr/share/locale/*' 2>>"$IMAGES_LOG" || true
  if ! podman import --change "LABEL dev.upc.rootfs=\"$2\"" "$tmp" "$1" >>"$IMAGES_LOG" 2>&1; then
    rm -f "$tmp"
    die "podman import of $ROOTFS_TAR failed (see $IMAGES_LOG)"
  fi
  rm -f "$tmp"
}

# The jlink runtime of the build JDK (Temurin 25, else JDK 17), cached per JDK version and module list.
ensure_runtime() {
  local jdk=$TEMURIN_HOME ver key compress tmp t0
  [[ -x $jdk/bin/jlink ]] || jdk=$JDK17_HOME
  [[ -x $jdk/bin/jlink ]] || die "no JDK with jlink in $TEMURIN_HOME or $JDK17_HOME: run 'sudo ./upc setup'"
  ver=$(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$jdk/release")
  compress=--compress=zip-6
  (( ${ver%%.*} >= 21 )) || compress=--compress=2
  key=$(strings_hash "$ver" "$JAVA_MODULES" "$compress")
  RUNTIME_DIR=$JRE_CACHE/$ver-${key:0:12}
  [[ -x $RUNTIME_DIR/bin/java ]] && return 0
  t0=$(now_ms)
  mkdir -p "$JRE_CACHE"
  tmp=$RUNTIME_DIR.tmp
  rm -rf "$tmp"
  "$jdk/bin/jlink" --add-modules "$JAVA_MODULES" --strip-debug --no-man-pages --no-header-files "$compress" \
    --generate-cds-archive --output "$tmp" >>"$IMAGES_LOG" 2>&1 ||
    die "jlink of $jdk failed (see $IMAGES_LOG)"
  mv -f "$tmp" "$RUNTIME_DIR"
  find "$JRE_CACHE" -mindepth 1 -maxdepth 1 ! -name "${RUNTIME_DIR##*/}" -exec rm -rf {} +  # replaced ones
  images_say "java runtime $RUNTIME_DIR (jlink of $ver, $(du -sm "$RUNTIME_DIR" | cut -f1) MB, $(since "$t0"))"
}

# build_image NAME TAG INPUTS CONTEXT CONTAINERFILE [BUILD-ARG...]: builds TAG unless it carries the label
# INPUTS already, drops the image it replaces, reports the image.
build_image() {
  local name=$1 tag=$2 inputs=$3 context=$4 file=$5; shift 5
  local reused=true how=reused t0 bytes arg args=()
  t0=$(now_ms)
  if [[ $(image_label "$tag" "$IMAGE_LABEL") != "$inputs" ]]; then
    reused=false
    for arg in "$@"; do args+=(--build-arg "$arg"); done
    printf '\n== %s %s\n' "$(date -u +%FT%TZ)" "$tag" >>"$IMAGES_LOG"
    if ! podman build --network=host --pull=never -f "$file" -t "$tag" "${args[@]}" \
        --label "org.opencontainers.image.title=upc-$name" --label "org.opencontainers.image.version=${tag##*:}" \
        --label "org.opencontainers.image.source=$IMAGE_SOURCE" --label "$IMAGE_LABEL=$inputs" \
        "$context" >>"$IMAGES_LOG" 2>&1; then
      tail -n 15 "$IMAGES_LOG" >&2
      die "podman build of $tag failed (see $IMAGES_LOG)"
    fi
    podman image prune -f --filter "label=$IMAGE_LABEL" >>"$IMAGES_LOG" 2>&1 || true
    how="built in $(since "$t0")"
  fi
  bytes=$(podman image inspect --format '{{.Size}}' "$tag")
  images_say "$name $tag $(( bytes / 1000000 )) MB ($how)"
  [[ -z $IMAGES_JSON ]] || printf '{"image":"%s","bytes":%s,"reused":%s}\n' "$tag" "$bytes" "$reused"
}

# ./upc images [--json]: localhost/upc/{base,java,registry,scheduler,store,postgres}:VERSION, rebuilding only
# what changed (inputs: the files copied in, the Containerfile, the parent image).
cmd_images() {
  local version t0 rootfs rootfs_sum base java entry name module app
  while (( $# )); do
    case $1 in
      --json) IMAGES_JSON=1 ;;
      *) DIE_CODE=2 die "usage: ./upc images [--json]" ;;
    esac
    shift
  done
  t0=$(now_ms)
  check_podman
  mkdir -p "$LOG_DIR"
  version=$(project_version)
  [[ -n $version ]] || die "no <version> in pom.xml"
  IMAGE_SOURCE=$(git config --get remote.origin.url 2>/dev/null || echo "https://upc.dev/upc")
  if [[ -n $IMAGES_JSON ]]; then ensure_built >&2; else ensure_built; fi
  ensure_rootfs

  rootfs=localhost/upc/rootfs:$ROOTFS_SUITE-minbase
  base=localhost/upc/base:$version
  rootfs_sum="$(<"$ROOTFS_TAR.stamp") trimmed=doc,man,info,locale"
  [[ $(image_label "$rootfs" dev.upc.rootfs) == "$rootfs_sum" ]] || import_rootfs "$rootfs" "$rootfs_sum"
  build_image base "$base" "$(strings_hash "$(image_id "$rootfs")" "$(files_hash images/base)")" \
    images/base images/base/Containerfile "ROOTFS=$rootfs"

  ensure_runtime
  java=localhost/upc/java:$version
  build_image java "$java" "$(strings_hash "$(image_id "$base")" "$RUNTIME_DIR" "$(files_hash images/java)")" \
    "$RUNTIME_DIR" images/java/Containerfile "BASE=$base"

  for entry in "${SERVICE_IMAGES[@]}"; do
    name=${entry%%:*} module=${entry#*:}
    app=$module/target/quarkus-app
    [[ -f $app/quarkus-run.jar ]] || die "$app/quarkus-run.jar is missing: run ./upc build"
    build_image "$name" "localhost/upc/$name:$version" \
      "$(strings_hash "$(image_id "$java")" "$(files_hash images/service)" \
        "$(files_hash "$app" lib app quarkus quarkus-run.jar)")" \
      "$app" images/service/Containerfile "JAVA=$java"
  done

  build_image postgres "localhost/upc/postgres:$version" \
    "$(strings_hash "$(image_id "$base")" "$(files_hash images/postgres)")" \
    images/postgres images/postgres/Containerfile "BASE=$base"
  images_say "done in $(since "$t0")"
}

usage() {
  cat <<'EOF'
usage: ./upc COMMAND [args]

commands:
  setup              install what is missing (podman, runc, PostgreSQL, JDK, maven, CRIU 4.1.1
                     with a dump+restore self-test); idempotent, needs root
  build              build all modules (mvn -B -q -DskipTests install)
  test               setup, then run every test (mvn -B verify)
  demo [--quick]     setup, build, then run the UPC experiment with the real services and agents: nine
                     jobs on four simulated PCs of different speed, without and with migration; prints
                     a table and a JSON line per run and writes e2e/target/upc-demo/report.html
                     (about 4 min). --quick: only a running job migrating between two PCs (~15 s);
                     ./upc demo --help lists the experiment's options
  bench NAME [args]  setup, build, then run a benchmark (./upc bench lists them)
  up [--pcs N]       setup, build if needed, then start a local cluster that stays up: PostgreSQL, the
                     three services, N simulated PCs of different speed (default 3) with real agents,
                     and the sample image localhost/upc/counter:1; the upc command line becomes its admin
  down               stop the local cluster and remove everything it started
  status [--json]    each part of the local cluster and its health
  images [--json]    build the container images localhost/upc/{registry,scheduler,store,postgres}:VERSION
                     (and their base and java layers) with podman, reusing what is unchanged
                     (./upc images push|list: the command line's, below)
  k8s render|secrets|play|down   the Kubernetes manifests of k8s/: render, make secrets, play on this machine
  help               show this text

Any other command goes to the upc command line (cli/target/upc-cli/bin/upc), for example:
  ./upc jobs submit --image localhost/upc/counter:1 --wait -- upc-counter --work 5
  ./upc jobs list      ./upc jobs logs ID --follow      ./upc workers list      ./upc --help

Java: Temurin 25 from /usr/lib/jvm/temurin-25-jdk-amd64 when present, else the default JDK.
EOF
}

main() {
  enter_project_dir
  fix_path
  if (( $# == 0 )); then
    usage >&2
    exit 2
  fi
  local cmd=$1; shift
  case $cmd in
    setup) cmd_setup "$@" ;;
    build) cmd_build "$@" ;;
    test) cmd_test "$@" ;;
    demo) cmd_demo "$@" ;;
    bench) cmd_bench "$@" ;;
    # ./upc images [--json] builds; images push|list|... belong to the command line
    images)
      if (( $# == 0 )) || [[ $1 == --json ]]; then cmd_images "$@"; else forward_to_cli images "$@"; fi
      ;;
    k8s) cmd_k8s "$@" ;;
    up) cmd_up "$@" ;;
    down | status) cmd_local "$cmd" "$@" ;;
    help | -h | --help) usage ;;
    *) forward_to_cli "$cmd" "$@" ;;
  esac
}

main "$@"
