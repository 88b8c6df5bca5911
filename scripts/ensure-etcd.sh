#!/usr/bin/env bash
# Make sure an etcd server binary is on PATH (the etcd-backed manager tests start a real
# one on 127.0.0.1). Debian/Ubuntu: the `etcd-server` package. CI runs as root with apt.
set -euo pipefail
if command -v etcd >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-etcd: etcd is not installed and cannot be installed here (need root and apt-get);" >&2
  echo "ensure-etcd: install Debian's etcd-server package, or put an etcd binary on PATH" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
apt-get install -y -q etcd-server >&2
command -v etcd >/dev/null 2>&1
