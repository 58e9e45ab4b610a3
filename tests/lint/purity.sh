#!/bin/sh
# Purity of the protocol core (protocol/): the sans-IO rules of DESIGN.md and
# STYLE.md, checked mechanically.
#   1. includes: only <stdint.h> <stdbool.h> <stddef.h> <string.h>, and
#      quoted includes only of headers that live in protocol/;
#   2. with comments and string literals stripped, no floating point, no
#      allocation, no printing, no environment, randomness, clock or exit;
#   3. `nm -u` of the static core library ($XRSIM_CORE_LIB): every symbol the
#      library needs from outside itself is on an allowlist -- the four mem*
#      functions, the compiler's own integer helpers (libgcc/compiler-rt,
#      needed even freestanding), the stack-protector hook, and the
#      sanitizer runtimes' __asan_* / __ubsan_* / __sanitizer_* entry points.
# Any violation is printed as file:line: why, and the script exits 1.
# Environment: XRSIM_SOURCE_DIR (default: two levels above this script),
# XRSIM_CORE_LIB (path of libxrcore.a; the nm check is skipped, loudly, only
# when it is unset), CC (default cc; used to strip comments), NM (default nm).
set -u

src=${XRSIM_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
dir="$src/protocol"
cc=${CC:-cc}
nm=${NM:-nm}
fail=0
bad() { echo "purity: $*" >&2; fail=1; }

[ -d "$dir" ] || { echo "purity: no directory $dir" >&2; exit 1; }
files=$(ls "$dir"/*.c "$dir"/*.h 2>/dev/null)
[ -n "$files" ] || { echo "purity: no sources in $dir" >&2; exit 1; }

# 1. includes
for f in $files; do
    grep -nE '^[[:space:]]*#[[:space:]]*include' "$f" | while IFS= read -r line; do
        n=${line%%:*}
        inc=$(printf '%s\n' "$line" | sed -E 's/^[0-9]+:[[:space:]]*#[[:space:]]*include[[:space:]]*//')
        case "$inc" in
            '<stdint.h>'*|'<stdbool.h>'*|'<stddef.h>'*|'<string.h>'*) ;;
            '"'*)
                name=$(printf '%s\n' "$inc" | sed -E 's/^"([^"]*)".*/\1/')
                case "$name" in
                    */*) echo "$f:$n: include of \"$name\" outside protocol/" ;;
                    *) [ -f "$dir/$name" ] || echo "$f:$n: include of \"$name\", which is not a protocol/ header" ;;
                esac
                ;;
            *) echo "$f:$n: forbidden include $inc" ;;
        esac
    done
done > /tmp/purity.$$.inc
if [ -s /tmp/purity.$$.inc ]; then
    while IFS= read -r l; do bad "$l"; done < /tmp/purity.$$.inc
fi
rm -f /tmp/purity.$$.inc

# 2. forbidden identifiers and decimal floating literals (1.5), outside
# comments and strings.  -fpreprocessed
# removes comments without expanding anything; the sed drops string and
# character literals.  Line markers (-P off) keep line numbers.
words='\b(float|double|malloc|calloc|realloc|free|alloca|printf|fprintf|sprintf|snprintf|vprintf|vfprintf|puts|putchar|fputs|fopen|fwrite|getenv|rand|srand|random|drand48|clock|clock_gettime|gettimeofday|time|exit|_Exit|abort|atexit|assert|qsort)\b'
for f in $files; do
    stripped=$("$cc" -fpreprocessed -dD -E -x c "$f" 2>/dev/null) || { bad "$f: $cc could not read it"; continue; }
    printf '%s\n' "$stripped" | awk -v file="$f" '
        /^# [0-9]+ / { line = $2 - 1; next }
        { line++; gsub(/"([^"\\]|\\.)*"/, "\"\""); gsub(/'"'"'([^'"'"'\\]|\\.)*'"'"'/, "0");
          print file ":" line ": " $0 }' |
        grep -E "$words|(^|[^A-Za-z0-9_.])[0-9]+\.[0-9]" |
        while IFS= read -r hit; do echo "$hit"; done
done > /tmp/purity.$$.words
if [ -s /tmp/purity.$$.words ]; then
    while IFS= read -r l; do bad "forbidden identifier: $l"; done < /tmp/purity.$$.words
fi
rm -f /tmp/purity.$$.words

# 3. external symbols of the library
lib=${XRSIM_CORE_LIB:-}
if [ -z "$lib" ]; then
    echo "purity: XRSIM_CORE_LIB not set: symbol check SKIPPED" >&2
elif [ ! -f "$lib" ]; then
    bad "XRSIM_CORE_LIB=$lib does not exist"
else
    "$nm" -g --defined-only "$lib" 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u > /tmp/purity.$$.def
    "$nm" -u "$lib" 2>/dev/null | awk '$1 == "U" { print $2 }' | sort -u > /tmp/purity.$$.und
    [ -s /tmp/purity.$$.def ] || bad "$nm found no symbols in $lib"
    comm -23 /tmp/purity.$$.und /tmp/purity.$$.def | while IFS= read -r sym; do
        case "$sym" in
            memcpy|memset|memcmp|memmove) ;;
            __udivti3|__umodti3|__divti3|__modti3|__multi3|__muloti4|__udivmodti4) ;;
            __stack_chk_fail|__stack_chk_guard|_GLOBAL_OFFSET_TABLE_) ;;
            __asan_*|__ubsan_*|__sanitizer_*) ;;
            *) echo "$lib: needs external symbol $sym" ;;
        esac
    done > /tmp/purity.$$.sym
    if [ -s /tmp/purity.$$.sym ]; then
        while IFS= read -r l; do bad "$l"; done < /tmp/purity.$$.sym
    fi
    rm -f /tmp/purity.$$.def /tmp/purity.$$.und /tmp/purity.$$.sym
fi

if [ "$fail" -ne 0 ]; then
    echo "purity: FAILED: the protocol core must stay sans-IO (see STYLE.md)" >&2
    exit 1
fi
echo "purity: ok ($(echo "$files" | wc -l) files${lib:+, symbols of $(basename "$lib")})"
exit 0
