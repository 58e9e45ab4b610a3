# Shared helpers for scenario tests: fail with a message, temp dir cleanup.
set -u
XRSIM=${XRSIM_BIN:?XRSIM_BIN not set (run through ctest)}
SRC=${XRSIM_SOURCE_DIR:?XRSIM_SOURCE_DIR not set}
DATA=$SRC/tests/scenario/data
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
q() { sqlite3 -batch -noheader "$1" "$2"; }
