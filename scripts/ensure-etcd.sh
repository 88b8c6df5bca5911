#!/usr/bin/env bash
# Make sure an etcd server binary is on PATH (the etcd-backed manager tests start a real
# one on 127.0.0.1). Debian/Ubuntu: the `etcd-server` package. CI runs as root with apt.
# Safe to run from several test workers at once: one installs, the others wait for it.
set -euo pipefail
if command -v etcd >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-etcd: etcd is not installed and cannot be installed here (need root and apt-get);" >&2
  echo "ensure-etcd: install Debian's etcd-server package, or put an etcd binary on PATH" >&2
  exit 1
fi
exec 9>"${TMPDIR:-/tmp}/chainrep-ensure-etcd.lock"
flock 9
if command -v etcd >/dev/null 2>&1; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
apt-get install -y -q -o DPkg::Lock::Timeout=300 etcd-server >&2
command -v etcd >/dev/null 2>&1
