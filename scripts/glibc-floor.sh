#!/usr/bin/env bash
# Checks the glibc floor of Linux shared libraries: reads the GLIBC_x.y[.z] versions each file
# requires (its version-needs section, `readelf -V`, which reads any architecture's ELF) and fails
# when one is newer than MAX.
# Usage: scripts/glibc-floor.sh MAX FILE...   e.g. scripts/glibc-floor.sh 2.17 prove-sdk.linux-x64-gnu.node
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 MAX FILE..." >&2
  exit 2
fi
max="$1"
shift
status=0
for f in "$@"; do
  highest="$(readelf -V -W "$f" | grep -o 'Name: GLIBC_[0-9][0-9.]*' | sed 's/^Name: GLIBC_//' | sort -uV | tail -1)"
  if [ -z "$highest" ]; then
    echo "$f: requires no versioned glibc symbol (not a glibc-linked shared library?)" >&2
    status=1
  elif [ "$(printf '%s\n%s\n' "$highest" "$max" | sort -V | tail -1)" != "$max" ]; then
    echo "$f: requires glibc $highest, newer than the $max floor" >&2
    status=1
  else
    echo "$(basename "$f"): highest GLIBC symbol version required: $highest (floor $max)"
  fi
done
exit $status
