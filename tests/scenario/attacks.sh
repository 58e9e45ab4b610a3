# The attack scenarios (scenarios/attacks/): each one's `expect:` bounds
# hold under `xrsim check`; the economist's sweep, shrunk, gives the
# profitability frontier the README shows -- forging pays only above the
# quorum AND with a withdrawal delay shorter than the time to prove the
# forgery -- read with the README's query from the database alone; bad
# adversary input is reported at its place with nothing run.  (search-*.yaml are
# spaces for xrsim search, without bounds: tests/scenario/search*.sh.)
. "$(dirname "$0")/lib.sh"
db=$TMP/attacks.db

out=$(cd "$SRC" && "$XRSIM" check $(ls scenarios/attacks/*.yaml | grep -v "economics\|search-") --out "$db") \
  || fail "attack scenarios: $out"
echo "$out"
[ "$(echo "$out" | grep -c ': ok (')" = 8 ] || fail "expected 8 ok lines"
[ "$(q "$db" "SELECT count(*) FROM coalitions")" = 5 ] || fail "one coalition row per coalition"
[ "$(q "$db" "SELECT count(*) FROM verdicts")" = 8 ] || fail "one verdict row per run"
[ "$(q "$db" "SELECT count(*) FROM restaking_summary
              WHERE deposited_gwei != active_gwei + queued_gwei + withdrawn_gwei + slashed_gwei")" = 0 ] \
  || fail "a ledger does not balance"
ok "attack scenarios hold; ledgers balance"

# the economist's sweep, on a smaller grid and one seed
e=$TMP/econ.db
(cd "$SRC" && "$XRSIM" sweep scenarios/attacks/forge-economics.yaml --out "$e" --quiet --jobs 2 \
   --set 'sweep.grid={"adversary.coalitions[0].stake_fraction": [0.4, 0.8], restaking.withdrawal_delay: [10s, 1h]}' \
   --set 'sweep.seeds=1') || fail "economics sweep"
got=$(q "$e" "SELECT round(stake_fraction, 1) || ' ' || withdrawal_delay_s || ' ' || profitable
              FROM v_attack_economics ORDER BY stake_fraction, withdrawal_delay_s")
want=$(printf '%s\n' "0.4 10.0 0" "0.4 3600.0 0" "0.8 10.0 1" "0.8 3600.0 0")
[ "$got" = "$want" ] || fail "profitability frontier: got
$got"
ok "forging pays only above the quorum with a short withdrawal delay"
# the timeline's forged times (schema 12): above the quorum the forged root is approved after the
# coalition acted and its message executes after that; below it neither happens
got=$(q "$e" "SELECT round(stake_fraction, 1) || ' ' || coalesce(forged_approved_ns > acted_ns, 'never') || ' '
              || coalesce(forged_executed_ns > forged_approved_ns, 'never')
              FROM coalitions c JOIN restaking_summary rs ON rs.run_id = c.run_id
              WHERE rs.withdrawal_delay_ns = 10000000000 ORDER BY stake_fraction")
[ "$(echo "$got" | head -1)" = "0.4 never never" ] || fail "below the quorum: $got"
[ "$(echo "$got" | tail -1)" = "0.8 1 1" ] || fail "above the quorum: $got"
ok "forged root approved, then its message executed, recorded above the quorum only"

# bad input: an unknown rollup in a route, a coalition without a target
sed 's/forge: {from: arb, to: base/forge: {from: arb, to: nowhere/' \
  "$SRC/scenarios/attacks/forge-below-quorum.yaml" > "$TMP/bad.yaml"
"$XRSIM" run "$TMP/bad.yaml" --out "$TMP/bad.db" 2>"$TMP/err" && fail "unknown rollup accepted"
grep -q "bad.yaml:[0-9]*:[0-9]*: error: unknown rollup 'nowhere'" "$TMP/err" || fail "message: $(cat "$TMP/err")"
[ ! -e "$TMP/bad.db" ] || fail "a results file was written for bad input"
sed 's/      stake_fraction: 0.28//' "$SRC/scenarios/attacks/forge-below-quorum.yaml" > "$TMP/bad2.yaml"
"$XRSIM" run "$TMP/bad2.yaml" --out "$TMP/bad.db" 2>"$TMP/err" && fail "coalition without target accepted"
grep -q "error: a coalition needs exactly one of 'verifiers' or 'stake_fraction'" "$TMP/err" \
  || fail "message: $(cat "$TMP/err")"
ok "bad adversary input named at its place"

# a veto committee that vetoes every request: nothing slashed, each offence says why
v=$TMP/veto.db
"$XRSIM" run "$SRC/scenarios/attacks/forge-quorum-long-delay.yaml" --out "$v" --quiet \
  --set restaking.veto_window=1min --set restaking.veto_probability=1 || fail "veto run"
[ "$(q "$v" "SELECT group_concat(DISTINCT outcome) FROM offences")" = vetoed ] || fail "outcomes: $(q "$v" "SELECT outcome FROM offences")"
[ "$(q "$v" "SELECT slashed_gwei FROM restaking_summary")" = 0 ] || fail "vetoed yet slashed"
[ "$(q "$v" "SELECT min(executed_ns - included_ns) FROM offences")" = 30000000000 ] || fail "vetoes not halfway through the window"
ok "vetoed requests (halfway through the window) slash nothing"

# cut the run before arb's block is final on L1: the forged votes are detected but not provable
n=$TMP/np.db
"$XRSIM" run "$SRC/scenarios/attacks/forge-below-quorum.yaml" --out "$n" --quiet --set run.duration=40s || fail "short run"
[ "$(q "$n" "SELECT group_concat(outcome) FROM offences")" = "not_provable,not_provable" ] \
  || fail "outcomes: $(q "$n" "SELECT outcome FROM offences")"
[ "$(q "$n" "SELECT count(*) FROM offences WHERE detected_ns IS NOT NULL AND provable_ns IS NULL")" = 2 ] \
  || fail "not_provable rows lack detection or have a provable time"
ok "forgeries not final on L1 by the end are recorded as not provable"

# operators that put up a quarter of their stake: delegators lose the rest with them, and the
# attack pays for the coalition although it is slashed
o=$TMP/own.db
"$XRSIM" run "$SRC/scenarios/attacks/forge-quorum-long-delay.yaml" --out "$o" --quiet \
  --set restaking.operator_share=25% || fail "operator_share run"
[ "$(q "$o" "SELECT own_stake_eth || ' ' || slashed_eth || ' ' || delegators_slashed_eth || ' ' || round(pnl_eth) || ' ' || profitable
             FROM v_attack_economics")" = "40.0 40.0 120.0 50.0 1" ] \
  || fail "own/delegated split: $(q "$o" "SELECT own_stake_eth, slashed_eth, delegators_slashed_eth, pnl_eth FROM v_attack_economics")"
"$XRSIM" report "$o" | grep -Eq "forge +71.4% +1 +50 +100% \(1/1\) +100 +40 +50 +100 +120 +5: 5, 5$" || fail "report's delegators and signers columns"
ok "delegators' stake is slashed with their operators and reported apart"
