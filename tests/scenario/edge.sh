# Edge cases that used to end runs (issue 13.5): a coalition of every
# verifier, or withdrawals that empty the validator set, failed the run
# ("every verifier left the set") and left `frontier` with an empty table.
# An empty set is an outcome: the consensus chain halts (CometBFT refuses an
# update that empties the set), stays halted, and messages are delayed --
# recorded in chain_halts and the verdicts, printed in the summary.
. "$(dirname "$0")/lib.sh"
E=$SRC/scenarios/attacks/forge-economics.yaml

# a coalition of every verifier forges, then withdraws everything
out=$("$XRSIM" run "$E" --set 'adversary.coalitions[0].stake_fraction=1.0' --set run.duration=60s \
        --set 'adversary.coalitions[0].attack.forge.at=10s' \
        --out "$TMP/all.db") || fail "coalition of every verifier: $out"
echo "$out" | grep -q "HALTED at [0-9.]* s: every verifier left the validator set" || fail "summary: $out"
[ "$(q "$TMP/all.db" "SELECT count(*) FROM chain_halts")" = 1 ] || fail "no chain_halts row"
[ "$(q "$TMP/all.db" "SELECT status || ' ' || stalled || ' ' || unsafe FROM runs JOIN verdicts ON run_id = id")" = "ok 1 1" ] \
  || fail "verdicts: $(q "$TMP/all.db" "SELECT * FROM verdicts")"
[ "$(q "$TMP/all.db" "SELECT count(*) FROM attestations WHERE approved_ns > (SELECT halted_ns FROM chain_halts)")" = 0 ] \
  || fail "attestations approved after the halt"
# no verifier is honest, yet the committed blocks are public: every signer is proven and slashed
[ "$(q "$TMP/all.db" "SELECT signer_count || ' ' || signers_proven_count || ' ' || signers_slashed_count FROM coalitions")" \
  = "10 10 10" ] || fail "signers: $(q "$TMP/all.db" "SELECT * FROM coalitions")"
ok "a coalition of every verifier: the chain halts, the run records it"

# withdrawals alone that empty the set: 3 verifiers leave, no adversary
grep -v -e '^sweep:' -e '^  grid:' -e '^    ' -e '^  seeds:' "$E" | sed -n '/^adversary:/q;p' > "$TMP/empty.yaml"
cat >> "$TMP/empty.yaml" <<'YAML'
adversary: {delay_bound: 60s}
YAML
out=$("$XRSIM" run "$TMP/empty.yaml" --set verifiers.count=3 --set run.duration=100s \
        --set 'verifiers.stake_changes=[{at: 10s, verifier: 0, stake: 0 ETH}, {at: 10s, verifier: 1, stake: 0 ETH}, {at: 15s, verifier: 2, stake: 0 ETH}]' \
        --out "$TMP/empty.db" 2>"$TMP/err") || fail "withdrawals that empty the set: $out $(cat "$TMP/err")"
grep -q "warning: stake changes leave no verifier with stake: the consensus chain halts" "$TMP/err" \
  || fail "no warning: $(cat "$TMP/err")"
echo "$out" | grep -q "HALTED at" || fail "summary: $out"
[ "$(q "$TMP/empty.db" "SELECT count(*) FROM chain_halts WHERE halted_ns >= 15000000000")" = 1 ] || fail "chain_halts"
[ "$(q "$TMP/empty.db" "SELECT stalled || ' ' || (delayed_msg_count > 0) FROM verdicts")" = "1 1" ] || fail "not stalled"
ok "withdrawals that empty the set: the chain halts, messages are delayed"

# frontier over the coalition's stake up to every verifier completes with a row
out=$("$XRSIM" frontier "$E" --vary 'adversary.coalitions[0].stake_fraction=0.2..1.0' --until liveness --seeds 1 \
        --set run.duration=50s --set 'adversary.coalitions[0].attack.forge.at=5s' --out "$TMP/f.db") \
  || fail "frontier: $out"
echo "$out"
echo "$out" | grep -Eq "^- +0\.9 +0\.9[0-9]* +9/10 \(0\.9\) +1/1 \(1\)" || fail "frontier row"
ok "frontier to 1.0: liveness breaks only when every verifier leaves"
