#!/usr/bin/env bash
# Install the named Debian packages that are missing, so `make test` (or `make bench`) needs nothing but the clone.
# As root it runs apt-get itself; otherwise it names the one command to run and stops.
# A second run finds everything installed and does nothing.
set -euo pipefail

missing=()
for package in "$@"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
((${#missing[@]})) || exit 0

if [ "$(id -u)" != 0 ]; then
  echo "error: these Debian packages are needed and not installed: ${missing[*]}" >&2
  echo "Run this once, then run make again:" >&2
  echo "    sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
