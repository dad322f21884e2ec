#!/usr/bin/env bash
# Installs the UPC worker agent from this unpacked tarball: /opt/upc-agent, /etc/upc, the systemd unit.
# Safe to run again (upgrades): an existing /etc/upc/agent.properties and the state directory are kept.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: install.sh [--start] [--root DIR] [--prefix DIR]
  --start       also start podman.socket and upc-agent now (systemctl enable --now)
  --root DIR    install under DIR as if it were / (packaging, tests); runs no systemctl
  --prefix DIR  where the agent goes (default /opt/upc-agent)
USAGE
}

start=false
root=""
prefix=/opt/upc-agent
while (($# > 0)); do
  case "$1" in
    --start) start=true ;;
    --root)
      root="${2:?--root needs a directory}"
      shift
      ;;
    --prefix)
      prefix="${2:?--prefix needs a directory}"
      shift
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      usage >&2
      exit 2
      ;;
  esac
  shift
done
[[ "${prefix}" == /* ]] || {
  echo "install.sh: --prefix must be an absolute path" >&2
  exit 2
}
root="${root%/}"

src="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
dest="${root}${prefix}"
etc="${root}/etc/upc"
state="${root}/var/lib/upc-agent"
unit="${root}/etc/systemd/system/upc-agent.service"
sleep_hook="${root}/usr/lib/systemd/system-sleep/upc-agent"

say() { printf '%s\n' "$*"; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }

if [[ -z "${root}" && "${EUID}" -ne 0 ]]; then
  echo "install.sh: run as root (sudo $0 $*), or use --root DIR for a trial install" >&2
  exit 1
fi
for part in app/quarkus-run.jar bin/upc-agent etc/agent.properties.example systemd/upc-agent.service \
  systemd/upc-agent.sleep README.txt; do
  [[ -e "${src}/${part}" ]] || {
    echo "install.sh: ${src}/${part} is missing: unpack the whole upc-agent tarball and run its install.sh" >&2
    exit 1
  }
done

## What this PC has (checked on the real system even with --root: it is about this machine)
if [[ -r /etc/os-release ]] && grep -qE '^(ID|ID_LIKE)=.*debian' /etc/os-release; then
  debian=true
else
  debian=false
  warn "this is not a Debian-like system: the apt commands below will not apply; install the equivalents"
fi
missing_pkgs=()
command -v podman >/dev/null || missing_pkgs+=(podman)
# Debian 12's crun fails under cgroup v1 ("cgroups in hybrid mode"): podman must use runc there.
command -v runc >/dev/null || missing_pkgs+=(runc)
command -v loginctl >/dev/null || warn "no loginctl: the agent will not see desktop sessions (CPU detector only)"
java_line="$("${src}/bin/upc-agent" which-java 2>/dev/null || true)"
[[ -n "${java_line}" ]] || missing_pkgs+=(openjdk-17-jre-headless)
criu_version="$( (criu --version 2>/dev/null || true) | sed -n 's/^Version: *//p')"

## Files
say "Installing to ${dest}"
install -d -m 0755 "$(dirname "${dest}")"
new="${dest}.new.$$"
rm -rf "${new}"
mkdir -m 0755 "${new}"
# -p keeps the jars' timestamps: the JVM's AOT cache is only used with the exact jars it was made from.
cp -Rp "${src}/app" "${src}/bin" "${src}/etc" "${src}/systemd" "${new}/"
cp -p "${src}/install.sh" "${src}/README.txt" "${new}/"
app_changed=true
if [[ -f "${dest}/app/quarkus-run.jar" ]] && diff -rq "${dest}/app" "${new}/app" >/dev/null 2>&1; then
  app_changed=false
fi
if [[ -e "${dest}" ]]; then
  rm -rf "${dest}.old"
  mv "${dest}" "${dest}.old"
fi
mv "${new}" "${dest}"
rm -rf "${dest}.old"

# So that `upc-agent owner active|idle|auto` and `upc-agent status` work from any shell.
install -d -m 0755 "${root}/usr/local/bin"
ln -sfn "${prefix}/bin/upc-agent" "${root}/usr/local/bin/upc-agent"

install -d -m 0755 "${etc}"
if [[ -e "${etc}/agent.properties" ]]; then
  say "Keeping ${etc}/agent.properties (the current example is ${prefix}/etc/agent.properties.example)"
else
  install -m 0644 "${src}/etc/agent.properties.example" "${etc}/agent.properties"
  say "Wrote ${etc}/agent.properties from the example: set the URLs in it"
fi
if [[ -e "${etc}/join-token" ]]; then
  chmod 0600 "${etc}/join-token"
fi
install -d -m 0700 "${state}"
if [[ "${app_changed}" == true && -e "${state}/agent.aot" ]]; then
  rm -f "${state}/agent.aot"
  say "Removed the start-up cache of the previous version (run '${prefix}/bin/upc-agent train-aot' again)"
fi

install -d -m 0755 "$(dirname "${unit}")"
sed "s#/opt/upc-agent#${prefix}#g" "${src}/systemd/upc-agent.service" >"${unit}.new"
chmod 0644 "${unit}.new"
mv -f "${unit}.new" "${unit}"
say "Wrote ${unit}"
install -d -m 0755 "$(dirname "${sleep_hook}")"
sed "s#/opt/upc-agent#${prefix}#g" "${src}/systemd/upc-agent.sleep" >"${sleep_hook}.new"
chmod 0755 "${sleep_hook}.new"
mv -f "${sleep_hook}.new" "${sleep_hook}"
say "Wrote ${sleep_hook} (jobs held before the PC sleeps)"

## systemd
if [[ -n "${root}" ]]; then
  say "(--root: not touching systemd)"
elif [[ ! -d /run/systemd/system ]]; then
  warn "systemd is not running here: enable podman.socket and upc-agent yourself where it is"
else
  systemctl daemon-reload
  if [[ "${start}" == true ]]; then
    systemctl enable --now podman.socket
    systemctl enable upc-agent.service
    systemctl restart upc-agent.service
    say "Started upc-agent: journalctl -u upc-agent -f"
  else
    systemctl enable podman.socket upc-agent.service
    say "Enabled podman.socket and upc-agent (they start at boot; --start starts them now)"
  fi
fi

## What is left to do
say ""
say "Next steps:"
step=1
if ((${#missing_pkgs[@]} > 0)); then
  if [[ "${debian}" == true ]]; then
    say "  ${step}. install what is missing: apt-get install ${missing_pkgs[*]}"
  else
    say "  ${step}. install what is missing: ${missing_pkgs[*]}"
  fi
  step=$((step + 1))
fi
if [[ -z "${criu_version}" ]]; then
  say "  ${step}. install CRIU 4.x (Debian 12's criu 3.17 cannot dump here): follow the CRIU section of the"
  say "     UPC docs (DESIGN.md, 'Verified facts'), then check with: criu check"
  step=$((step + 1))
elif [[ "${criu_version}" == 3.* ]]; then
  say "  ${step}. CRIU ${criu_version} is too old to trust here: install CRIU 4.x as the UPC docs describe"
  step=$((step + 1))
fi
if [[ ! -s "${etc}/join-token" ]]; then
  say "  ${step}. put the cluster's join token in /etc/upc/join-token:"
  say "       install -m 600 /dev/null /etc/upc/join-token && editor /etc/upc/join-token"
  step=$((step + 1))
fi
say "  ${step}. set upc.agent.registry-url, scheduler-url and store-url in /etc/upc/agent.properties"
step=$((step + 1))
say "  ${step}. check everything: ${prefix}/bin/upc-agent check"
step=$((step + 1))
if [[ "${java_line}" =~ \ (2[5-9]|[3-9][0-9])$ ]]; then
  say "  ${step}. optional, faster starts (Java ${java_line##* }): ${prefix}/bin/upc-agent train-aot"
  step=$((step + 1))
fi
if [[ "${start}" != true ]]; then
  say "  ${step}. start it: systemctl start podman.socket upc-agent; logs: journalctl -u upc-agent -f"
fi
