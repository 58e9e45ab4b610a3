# The mutant behaviour (issue 19, item 6): hostile peers that sign what they
# send.  Two of 7 verifiers (below 1/3) send validly signed, mutated copies
# of their messages; the honest nodes stay safe and live, every mutation
# kind is exercised alone, the run is deterministic, what the mutants did
# is in byzantine_counters and the summary, and bad parameters are clear
# errors at their place with nothing run.  A mutant proposer whose first
# proposal of a round is invalid (block, oversize) costs that round: those
# runs decide fewer heights (11 of 18 in 20 s), so the floor is 8.
. "$(dirname "$0")/lib.sh"
scn=$SRC/scenarios/attacks/mutant.yaml
db=$TMP/m.db
out=$("$XRSIM" run "$scn" --out "$db" --set run.duration=40s 2>&1) || fail "mutant run: $out"
echo "$out" | grep -q "byzantine   mutant [1-9][0-9]* mutated, [1-9][0-9]* replayed, [1-9][0-9]* oversize, [1-9][0-9]* malformed" \
  || fail "summary line: $out"
echo "$out" | grep -q "conflicting commits 0 (safe)" || fail "not safe: $out"
[ "$(q "$db" "SELECT count(*) FROM byzantine_counters WHERE value > 0")" = 8 ] \
  || fail "counters: $(q "$db" "SELECT * FROM byzantine_counters")"
[ "$(q "$db" "SELECT params FROM byzantine WHERE verifier = 1")" = \
  "copies=2 kinds=height,round,block,pol_round,type,chain,oversize,extension,replay,truncate" ] \
  || fail "params: $(q "$db" "SELECT params FROM byzantine")"
[ "$(q "$db" "SELECT heights_committed_count >= 25 FROM consensus_summary")" = 1 ] || fail "not live"
d1=$(echo "$out" | sed -n 's/.*digest *//p')
d2=$("$XRSIM" run "$scn" --out "$TMP/m2.db" --set run.duration=40s 2>&1 | sed -n 's/.*digest *//p')
[ -n "$d1" ] && [ "$d1" = "$d2" ] || fail "not deterministic: $d1 vs $d2"
ok "mutants below 1/3: safe, live, counted, deterministic"

for k in height round block pol_round type chain oversize extension replay truncate; do
  o=$("$XRSIM" run "$scn" --out "$TMP/k.db" --set run.duration=20s \
      --set "verifiers.byzantine=[{verifiers: [1, 4], behaviour: mutant, copies: 3, kinds: [$k]}]" --quiet 2>&1) \
    || fail "kind $k: $o"
done
[ "$(q "$TMP/k.db" "SELECT count(*) FROM consensus_summary WHERE conflict_count = 0 AND heights_committed_count >= 8")" = 10 ] \
  || fail "a kind broke safety or liveness: $(q "$TMP/k.db" "SELECT run_id, heights_committed_count, conflict_count FROM consensus_summary")"
ok "every mutation kind alone: safe and live"

bad() { # set, expected message
  o=$("$XRSIM" validate "$scn" --set "verifiers.byzantine=$1" 2>&1); rc=$?
  [ $rc = 2 ] || fail "$1: exit $rc: $o"
  echo "$o" | grep -q -- "$2" || fail "$1: $o"
}
bad '[{verifiers: [1], behaviour: mutant, kinds: [bogus]}]' "1:66: error: expected one of 'height'.*'truncate', got 'bogus'"
bad '[{verifiers: [1], behaviour: mutant, kinds: []}]' "kinds: expected a non-empty list of mutations"
bad '[{verifiers: [1], behaviour: mutant, kinds: height}]' "kinds: expected a non-empty list of mutations"
bad '[{verifiers: [1], behaviour: mutant, kinds: [round, round]}]' "kinds: 'round' is listed twice"
bad '[{verifiers: [1], behaviour: mutant, copies: 0}]' "1:66: error: value 0 out of range \[1, 16\]"
bad '[{verifiers: [1], behaviour: mutant, copies: 17}]' "1:66: error: value 17 out of range \[1, 16\]"
bad '[{verifiers: [1], behaviour: silent, copies: 2}]' "copies"
ok "bad mutant parameters are clear errors at their place"
