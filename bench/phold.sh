#!/bin/sh
# PHOLD side by side: xrsim's engine against the two anchors (ns-3's event
# core and the one-page floor), at the two sizes of the engine's acceptance
# test.  Builds the anchors into a temporary directory (never into the tree),
# builds xrsim in build/release unless XRSIM names a binary, runs the three
# interleaved REPS times per size, and prints the medians and the ratios as
# a Markdown table (BENCHMARKS.md records one such run).
#
# Usage: bench/phold.sh            (from anywhere)
# Environment:
#   XRSIM=path     use this xrsim binary instead of building one
#   ANCHORS=dir    the anchors' sources (default: the shared bench folder
#                  beside the repository, ../shared/bench, else /work/shared/bench)
#   REPS=n         runs per engine and size (default 3; the median is kept)
#   SIZES="L:P:E ..."  workloads (default "1000:16:5000000 10000:64:20000000")
# The ns-3 anchor needs Debian's libns3-dev; without it that column is skipped.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
REPS=${REPS:-3}
SIZES=${SIZES:-"1000:16:5000000 10000:64:20000000"}

if [ -z "${ANCHORS:-}" ]; then
    for d in "$ROOT/../shared/bench" /work/shared/bench; do
        if [ -f "$d/phold_floor.c" ]; then ANCHORS=$d; break; fi
    done
fi
if [ -z "${ANCHORS:-}" ] || [ ! -f "$ANCHORS/phold_floor.c" ]; then
    echo "phold.sh: cannot find the anchors (phold_floor.c); set ANCHORS=dir" >&2
    exit 2
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/xrsim-phold.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM

echo "building the floor anchor" >&2
gcc -O2 "$ANCHORS/phold_floor.c" -o "$WORK/phold_floor" -lm

NS3=""
if pkg-config --exists ns3-core 2>/dev/null && command -v g++ >/dev/null 2>&1; then
    echo "building the ns-3 anchor" >&2
    # shellcheck disable=SC2046
    g++ -O2 -std=c++17 "$ANCHORS/phold_ns3.cc" -o "$WORK/phold_ns3" $(pkg-config --cflags --libs ns3-core)
    NS3="$WORK/phold_ns3"
else
    echo "phold.sh: libns3-dev is not installed (pkg-config ns3-core): skipping the ns-3 anchor" >&2
fi

if [ -z "${XRSIM:-}" ]; then
    echo "building xrsim (Release) in build/release" >&2
    cmake -S "$ROOT" -B "$ROOT/build/release" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$ROOT/build/release" --target xrsim -j 2 >/dev/null
    XRSIM="$ROOT/build/release/xrsim"
fi

# events_per_s=N from a line of output.
rate() { sed -n 's/.*events_per_s=\([0-9]*\).*/\1/p'; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); nproc: $(nproc); cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "reps: $REPS (interleaved; medians)"
echo
echo "| workload | ns-3 ev/s | floor ev/s | xrsim ev/s | xrsim / ns-3 | xrsim / floor |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
for size in $SIZES; do
    L=${size%%:*}; rest=${size#*:}; P=${rest%%:*}; E=${rest#*:}
    : >"$WORK/floor"; : >"$WORK/ns3"; : >"$WORK/xrsim"
    r=0
    while [ "$r" -lt "$REPS" ]; do
        "$WORK/phold_floor" "$L" "$P" "$E" | tee -a "$WORK/log" | rate >>"$WORK/floor"
        if [ -n "$NS3" ]; then "$NS3" "$L" "$P" "$E" | tee -a "$WORK/log" | rate >>"$WORK/ns3"; fi
        "$XRSIM" bench phold --lps "$L" --pop "$P" --events "$E" | tee -a "$WORK/log" | rate >>"$WORK/xrsim"
        r=$((r + 1))
    done
    f=$(median <"$WORK/floor"); x=$(median <"$WORK/xrsim")
    if [ -n "$NS3" ]; then
        n=$(median <"$WORK/ns3")
        rn=$(awk -v a="$x" -v b="$n" 'BEGIN { printf "%.2f", a / b }')
    else
        n="(skipped)"; rn="-"
    fi
    rf=$(awk -v a="$x" -v b="$f" 'BEGIN { printf "%.2f", a / b }')
    echo "| $L LPs x $P pending, $E events | $n | $f | $x | $rn | $rf |"
done
echo
echo "raw runs:"
sed 's/^/    /' "$WORK/log"
