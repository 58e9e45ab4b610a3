# Verification approaches through the command line (issue 15): attack.yaml
# (7 verifiers, 5 of them forging an XBlock at 20 s) under four approaches
# and two seeds each.  Each run records one approach_runs row and its
# messages' approach columns; restaked, native and optimistic share the
# world (one event digest per seed); `xrsim report` prints the comparison
# table (rows: approaches; latency, cost, cost of and profit from
# corruption, generality) and the HTML draws latency against cost of
# corruption.  A file of one approach has no such table; a bad approach
# name is an error at its place.
. "$(dirname "$0")/lib.sh"
db=$TMP/appr.db
for a in restaked native optimistic external; do
  for s in 1 2; do
    "$XRSIM" run "$DATA/attack.yaml" --out "$db" --quiet --seed $s --set verification.approach=$a \
      || fail "run $a seed $s"
  done
done
[ "$(q "$db" "SELECT count(*) FROM approach_runs")" = 8 ] || fail "approach_runs rows"
# one world for restaked, native and optimistic (the host only listens)
[ "$(q "$db" "SELECT count(DISTINCT r.event_digest) FROM runs r JOIN approach_runs a ON a.run_id = r.id
             WHERE a.approach IN ('restaked', 'native', 'optimistic') AND r.seed = 1")" = 1 ] || fail "digests"
# native: nothing executes within the 6.36-day challenge period after its block
[ "$(q "$db" "SELECT count(*) FROM messages m JOIN approach_runs a ON a.run_id = m.run_id
             WHERE a.approach = 'native' AND m.executed_ns < m.source_block_ns + 45818 * 12 * 1000000000")" = 0 ] \
  || fail "native before settlement"
[ "$(q "$db" "SELECT count(*) FROM messages m JOIN approach_runs a ON a.run_id = m.run_id
             WHERE a.approach = 'native' AND (m.approved_ns IS NOT NULL OR m.settled_ns IS NULL)
             AND m.executed_ns IS NOT NULL")" = 0 ] || fail "native stages"
# external: the forgery executed and the contract slashed nothing
[ "$(q "$db" "SELECT count(*) FROM approach_runs WHERE approach = 'external' AND forged_executed_gwei > 0")" = 2 ] \
  || fail "external forgery"
[ "$(q "$db" "SELECT coalesce(sum(rs.slashed_gwei), -1) FROM restaking_summary rs JOIN approach_runs a
             ON a.run_id = rs.run_id WHERE a.approach = 'external'")" = 0 ] || fail "external slashed"
ok "runs: 4 approaches x 2 seeds"

# cost per message is every chain's, L1 data fee included (arb and base post
# calldata to L1): the committee path's destination fee + its L1 data fee;
# native's storage proof pays the L1 data fee too; v_finality reads the same
[ "$(q "$db" "SELECT count(*) FROM messages m JOIN approach_runs a ON a.run_id = m.run_id
             WHERE a.approach = 'restaked' AND m.executed_ns IS NOT NULL
             AND (m.cost_wei != m.dest_fee_wei + m.dest_l1_fee_wei OR m.dest_l1_fee_wei <= 0)")" = 0 ] \
  || fail "restaked cost_wei: execution + L1 data"
[ "$(q "$db" "SELECT count(*) FROM messages m JOIN approach_runs a ON a.run_id = m.run_id
             WHERE a.approach = 'native' AND m.executed_ns IS NOT NULL
             AND (m.dest_l1_fee_wei <= 0 OR m.cost_wei <= m.dest_l1_fee_wei OR m.gas_used < 200000)")" = 0 ] \
  || fail "native cost_wei: storage proof gas + its L1 data fee"
[ "$(q "$db" "SELECT count(*) FROM v_finality f JOIN approach_runs a ON a.run_id = f.run_id
             WHERE f.executed_count > 0 AND (f.eth_per_msg IS NULL
             OR abs(f.eth_per_msg - f.exec_eth_per_msg - f.l1_eth_per_msg) > 1e-12 * f.eth_per_msg)")" = 0 ] \
  || fail "v_finality cost under every approach"
ok "cost per message: execution + L1 data fee, every approach"

# the run summary's fast and finalized lines are the approach's, not the
# committee path's: under native nothing is fast (days)
sum=$("$XRSIM" run "$DATA/attack.yaml" --out "$TMP/sum.db" --set verification.approach=native) || fail "native summary run"
echo "$sum" | grep -Eq "^  fast +[0-9]+ of [0-9]+ messages executed by the approach .* p50 [67]\.[0-9]+ d" \
  || fail "native summary: $sum"

out=$("$XRSIM" report "$db" --out "$TMP/report.html"); rc=$?
echo "$out"
[ $rc = 0 ] || fail "report exit $rc"
echo "$out" | grep -q "^Verification approaches" || fail "approaches title"
echo "$out" | grep -Eq "^approach +latency p50 fast +latency p50 finalized +cost/msg \(ETH\) +cost of corruption \(ETH\) +extractable in window \(ETH\) +profit from corruption \(ETH\) +generality$" \
  || fail "approaches header"
echo "$out" | grep -Eq "^native +6\.[0-9]+ d \[" || fail "native row: days"
echo "$out" | grep -Eq "^optimistic +3[0-9]\.?[0-9]* min \[" || fail "optimistic row: the window"
echo "$out" | grep -Eq "^external +[0-9.]+ s \[.* 5 \[5, 5\] " || fail "external row: 5 bribes"
echo "$out" | grep -Eq "^restaked +[0-9.]+ s \[.* 100% *$" || fail "restaked row"
grep -q "<h2>Verification approaches</h2>" "$TMP/report.html" || fail "HTML section"
grep -q "Latency against cost of corruption" "$TMP/report.html" || fail "HTML plot"
[ "$(grep -o "<circle cx=\"[0-9.]*\" cy=\"[0-9.]*\" r=\"6\"" "$TMP/report.html" | wc -l)" = 4 ] \
  || fail "one point per approach"
ok "report: table and plot"

one=$TMP/one.db
"$XRSIM" run "$DATA/attack.yaml" --out "$one" --quiet || fail "one run"
"$XRSIM" report "$one" | grep -q "^Verification approaches" && fail "a table for one approach"
bad=$("$XRSIM" run "$DATA/attack.yaml" --out "$TMP/bad.db" --quiet --set verification.approach=multisig 2>&1); rc=$?
[ $rc = 2 ] || fail "bad approach exit $rc"
echo "$bad" | grep -q "multisig" || fail "bad approach message: $bad"
[ -e "$TMP/bad.db" ] && fail "bad approach wrote a file"
ok "one approach: no table; a bad name: exit 2"
