# Peak memory estimate: validate prints it; run and sweep refuse a scenario
# that cannot fit (exit 2, the estimate and the available memory in the
# message) before building anything, so the refusal takes no time and
# writes no results file.
. "$(dirname "$0")/lib.sh"

out=$("$XRSIM" validate "$DATA/small.yaml" 2>&1); rc=$?
[ $rc -eq 0 ] || fail "validate small.yaml exit $rc"
echo "$out" | grep -q "peak memory estimate [0-9.]* GiB" || fail "no estimate: $out"
echo "$out" | grep -q "GiB available" || fail "no available memory: $out"
ok "validate prints the estimate: $(echo "$out" | tail -1)"

# 4096 verifiers of the mainnet workload: hundreds of GiB by the estimate
big="$SRC/scenarios/bench/mainnet.yaml"
start=$(date +%s)
out=$("$XRSIM" validate "$big" --set verifiers.count=4096 2>&1); rc=$?
end=$(date +%s)
[ $rc -eq 0 ] || fail "validate of the 4096-verifier scenario exit $rc"
echo "$out" | grep -q "run and sweep would refuse it" || fail "validate does not warn: $out"
echo "$out" | grep -q "its world was not built" || fail "validate built a world that cannot fit: $out"
[ $((end - start)) -le 5 ] || fail "validate took $((end - start)) s: it built the world"
ok "validate checks the file but does not build a world that cannot fit"
start=$(date +%s)
out=$("$XRSIM" run "$big" --set verifiers.count=4096 --out "$TMP/big.db" 2>&1); rc=$?
end=$(date +%s)
[ $rc -eq 2 ] || fail "run of 4096 verifiers exit $rc, want 2: $out"
echo "$out" | grep -q "cannot fit in memory: peak memory estimate [0-9.]* GiB" || fail "unclear refusal: $out"
echo "$out" | grep -q "GiB available" || fail "refusal without the available memory: $out"
[ ! -e "$TMP/big.db" ] || fail "a refused run created a results file"
[ $((end - start)) -le 5 ] || fail "the refusal took $((end - start)) s: something was built"
ok "run refuses up front: $out"

out=$("$XRSIM" sweep "$DATA/sweep.yaml" --set verifiers.count=4096 --set consensus.pending_votes=1048576 \
      --set consensus.max_votes_per_block=65536 --out "$TMP/sw.db" --jobs 1 2>&1); rc=$?
[ $rc -eq 2 ] || fail "sweep of an oversized point exit $rc, want 2: $out"
echo "$out" | grep -q "cannot fit in memory" || fail "sweep refusal unclear: $out"
ok "sweep refuses a point that cannot fit"
