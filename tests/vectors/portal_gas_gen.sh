#!/bin/sh
# Regenerate tests/vectors/portal_gas.csv: the gas Omni's real OmniPortal.xsubmit
# uses, measured by running the compiled contract in an EVM with the evm-gas tool
# (../shared/evm-gas: OmniPortal from omni-network/omni, solc 0.8.24, optimizer
# 200 runs, cancun; @ethereumjs/vm 8 with the Prague rules minus EIP-7623).
# Tests read the CSV; only this script needs node.
#
#   tests/vectors/portal_gas_gen.sh [EVM_GAS_DIR] [OUT_CSV]
#
# EVM_GAS_DIR defaults to /work/shared/evm-gas; it is copied to a temporary
# directory and `npm ci` installs its packages there (the npm registry only).
# One row per grid point: the third (steady-state) submission of gas.js, whose
# storage slots are already non-zero as in a running portal.  Columns:
#   validators sigs msgs mode data_bytes proof flags calldata_bytes
#   calldata_zero calldata_nonzero exec_gas refund_gas gas_used
# gas_used is the EVM's (after the EIP-3529-capped refund, before EIP-7623);
# the reference a test compares with is max(gas_used, 21000 + 10 * tokens).
# Grid points the tool cannot run are skipped and listed on stderr: a
# transaction above 30M gas, and 1000 validators, whose portal cannot be
# deployed in one transaction (its initializer's calldata exceeds the
# EIP-3860 initcode limit of 49,152 bytes) -- 667 is the largest set measured.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=${1:-/work/shared/evm-gas}
out=${2:-$here/portal_gas.csv}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$src"/. "$work"/
cd "$work"
[ -d node_modules ] || npm ci --silent >/dev/null

points() {
    # validators: the quorum loop (1 message of 200 B)
    for v in 4 5 7 10 13 16 22 30 45 67 100 150 200 300 500 667 1000; do echo "$v 1 all 200"; done
    # messages, all for this chain and mixed (a multi-proof)
    for m in 1 2 3 4 5 8 12 16 24 32 48 64; do echo "10 $m all 200"; echo "10 $m mixed 200"; done
    # data sizes around word boundaries and up to xmsgMaxDataSize
    for d in 0 1 31 32 33 64 100 200 500 1000 2000 5000 10000 20000; do
        echo "10 1 all $d"; echo "10 4 all $d"; echo "10 4 mixed $d"; done
    # corners of the grid
    for v in 4 30 100 1000; do for m in 1 8 32 64; do for d in 0 200 2000 20000; do
        for mode in all mixed; do
            [ $((m * d)) -le 640000 ] && echo "$v $m $mode $d"
        done; done; done; done
    # odd points between the sweeps
    for p in "7 7 mixed 333" "22 3 all 4097" "45 17 mixed 96" "150 5 all 12345" \
             "333 2 mixed 2500" "500 12 all 700" "61 40 all 50" "12 64 mixed 3000"; do echo "$p"; done
}

echo "validators,sigs,msgs,mode,data_bytes,proof,flags,calldata_bytes,calldata_zero,calldata_nonzero,exec_gas,refund_gas,gas_used" > "$work/out.csv"
points | sort -u | sort -t' ' -k1,1n -k2,2n -k3,3 -k4,4n | while read -r v m mode d; do
    if node gas.js "$v" "$m" "$mode" "$d" >/dev/null 2>"$work/err"; then
        node -e '
const fs=require("fs"); const r=JSON.parse(fs.readFileSync(process.argv[1]));
const s=r.subs[2]; const b=Buffer.from(s.calldata.slice(2),"hex");
let z=0; for (const x of b) if (x===0) z++;
console.log([r.N,s.sigs,s.msgs,r.mixed?"mixed":"all",r.datalen,s.proof,s.flags,b.length,z,b.length-z,s.exec,s.refund,s.gasUsed].join(","));
' "run_${v}_${m}_${mode}_${d}.json" >> "$work/out.csv"
        rm -f "run_${v}_${m}_${mode}_${d}.json"
    else
        echo "skipped $v $m $mode $d: $(head -c 200 "$work/err")" >&2
    fi
done
cp "$work/out.csv" "$out"
echo "wrote $(($(wc -l < "$out") - 1)) vectors to $out" >&2
