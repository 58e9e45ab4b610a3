#!/bin/sh
# The layering of DESIGN.md ("Architecture"), checked on every quoted
# #include (protocol/ has its own, stricter check: purity.sh):
#   sim/       includes only sim/ headers;
#   analysis/  includes only analysis/ headers, and of sim/ only the
#              header-only helpers that depend on the C library and SQLite
#              alone (SHARED below: the growable array and SQLite's
#              defensive settings), so it links nothing of sim/;
#   models/    includes models/, sim/ and protocol/ headers, never cli/ or
#              analysis/.
# The shared headers themselves include no project header but each other.
# CMake enforces the same by include directories and link lines; this
# names the one door between analysis/ and sim/ and keeps it that narrow.
# Any violation is printed as file:line: why, and the script exits 1.
set -u
src=${XRSIM_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
SHARED="grow.h sqlite_guard.h"
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# quoted includes of a file, as "line name"
incs() { grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$1" | sed -E 's/^([0-9]+):[^"]*"([^"]*)".*/\1 \2/'; }
shared() { for s in $SHARED; do [ "$1" = "$s" ] && return 0; done; return 1; }

for f in "$src"/sim/*.c "$src"/sim/*.h; do
    incs "$f" | while read -r n name; do
        case "$name" in
            */*) echo "$f:$n: sim/ includes \"$name\" from outside sim/" ;;
            *) [ -f "$src/sim/$name" ] || echo "$f:$n: sim/ includes \"$name\", not a sim/ header" ;;
        esac
        if shared "$(basename "$f")" && ! shared "$name"; then
            echo "$f:$n: a header analysis/ shares includes \"$name\": it must depend on no project header"
        fi
    done
done >> "$out"

for f in "$src"/analysis/*.c "$src"/analysis/*.h; do
    incs "$f" | while read -r n name; do
        case "$name" in
            ../sim/*) shared "${name#../sim/}" ||
                echo "$f:$n: analysis/ includes \"$name\"; of sim/ only $SHARED (header-only) may be" ;;
            */*) echo "$f:$n: analysis/ includes \"$name\" from outside analysis/" ;;
            *) [ -f "$src/analysis/$name" ] || echo "$f:$n: analysis/ includes \"$name\", not an analysis/ header" ;;
        esac
    done
done >> "$out"

for f in $(find "$src/models" -name '*.[ch]'); do
    d=$(dirname "$f")
    incs "$f" | while read -r n name; do
        [ -f "$d/$name" ] || [ -f "$src/models/$name" ] || [ -f "$src/sim/$name" ] || [ -f "$src/protocol/$name" ] ||
            echo "$f:$n: models/ includes \"$name\", which is not a models/, sim/ or protocol/ header"
    done
done >> "$out"

if [ -s "$out" ]; then
    sed 's/^/layers: /' "$out" >&2
    exit 1
fi
echo "layers: sim/, analysis/ and models/ include only what DESIGN.md allows"
