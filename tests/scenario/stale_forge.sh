# The stale-set forge (issue 13.2): members of an old validator set sign a
# root offline and submit it straight to a destination portal, which accepts
# any of its last consensus.valset_cutoff sets.  No consensus vote exists: the
# watchers prove the signatures from the destination's calldata, and a member
# whose withdrawal completed loses nothing.  scenarios/attacks/stale-set-forge.yaml
# crosses the cutoff (3, 10) with the withdrawal delay (1 min, 10 min): with 8
# sets after set 1 by the attack it pays only with cutoff 10 and the 1-minute
# delay, read with the README's query.
. "$(dirname "$0")/lib.sh"
db=$TMP/stale.db
(cd "$SRC" && "$XRSIM" sweep scenarios/attacks/stale-set-forge.yaml --out "$db" --quiet --jobs 2 --set sweep.seeds=1) \
  || fail "sweep"
got=$(q "$db" "SELECT json_extract(params_json, '\$.consensus.valset_cutoff') || ' ' || withdrawal_delay_s || ' '
                      || forged_executed_count || ' ' || signer_count || ' ' || signers_proven_count || ' '
                      || slashed_eth || ' ' || round(pnl_eth) || ' ' || profitable
               FROM v_attack_economics ORDER BY 1")
want=$(printf '%s\n' "10 60.0 1 7 7 0.0 90.0 1" "10 600.0 1 7 7 224.0 -134.0 0" \
                     "3 60.0 0 0 0 0.0 -10.0 0" "3 600.0 0 0 0 0.0 -10.0 0")
[ "$got" = "$want" ] || fail "cutoff delay forged signers proven slashed pnl profitable: got
$got"
ok "pays only while the set is within the cutoff and the withdrawals completed first"

# the evidence came from the destination's calldata: no consensus vote was forged
[ "$(q "$db" "SELECT sum(value) FROM v_byzantine_counters WHERE counter = 'forged_sign'" )" = 0 ] \
  || fail "members signed in consensus"
[ "$(q "$db" "SELECT group_concat(DISTINCT attack || ':' || valset_id) FROM coalitions")" = "stale_forge:1" ] \
  || fail "coalitions.attack / valset_id"
# 1-minute delay: every signer proven after its withdrawal completed, each offence 'withdrawn'
r=$(q "$db" "SELECT run_id FROM v_attack_economics WHERE profitable = 1")
[ "$(q "$db" "SELECT count(*) FROM coalition_members WHERE run_id = $r AND signed = 1
              AND withdrawn_ns < proven_ns AND slashed_gwei = 0")" = 7 ] || fail "coalition_members of the paying run"
[ "$(q "$db" "SELECT group_concat(DISTINCT outcome) FROM offences WHERE run_id = $r")" = withdrawn ] \
  || fail "offences: $(q "$db" "SELECT outcome FROM offences WHERE run_id = $r")"
ok "signatures proven from calldata; completed withdrawals leave nothing to slash"

out=$("$XRSIM" run "$SRC/scenarios/attacks/stale-set-forge.yaml" --set consensus.valset_cutoff=3 --out "$TMP/c3.db") \
  || fail "run: $out"
echo "$out" | grep -q "did not forge: the destination no longer accepts that set (valset_cutoff)" || fail "summary: $out"
ok "the summary says why the coalition did not forge"

# bad input at its place
sed 's/stale_forge: {set: 1,/stale_forge: {/' "$SRC/scenarios/attacks/stale-set-forge.yaml" > "$TMP/bad.yaml"
"$XRSIM" run "$TMP/bad.yaml" --out "$TMP/bad.db" 2>"$TMP/err" && fail "stale_forge without a set accepted"
grep -q "bad.yaml:[0-9]*:[0-9]*: error: .*set" "$TMP/err" || fail "message: $(cat "$TMP/err")"
ok "a stale_forge without its set is an error at its place"
