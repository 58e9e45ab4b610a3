# Protocol profiles (models/world/profile.h): the attack scenarios and the
# baseline run under both `restaked` and `omni-mainnet`; every run records
# its profile; under omni-mainnet nothing is slashed (Omni mainnet V1:
# double-sign and downtime slash fractions 0, no slashing path in the AVS
# contract) and the cost of corruption is the bribes alone; more than 30
# validators (lib/netconf MaxValidators of mainnet) is an error at its place.
. "$(dirname "$0")/lib.sh"
db=$TMP/profiles.db
for f in censorship forge-below-quorum forge-quorum-long-delay forge-quorum-short-delay; do
  for p in restaked omni-mainnet; do
    "$XRSIM" run "$SRC/scenarios/attacks/$f.yaml" --set protocol.profile=$p --out "$db" --quiet \
      || fail "$f under $p"
  done
done
"$XRSIM" run "$SRC/scenarios/profiles/baseline-omni-mainnet.yaml" --set run.duration=40s --set verifiers.count=10 \
  --out "$db" --quiet || fail "omni-mainnet baseline"
"$XRSIM" run "$SRC/scenarios/baseline.yaml" --set run.duration=40s --set verifiers.count=10 \
  --out "$db" --quiet || fail "restaked baseline"
[ "$(q "$db" "SELECT count(*) FROM runs WHERE id NOT IN (SELECT run_id FROM run_profile)")" = 0 ] || fail "a run without profile"
[ "$(q "$db" "SELECT group_concat(profile) FROM run_profile JOIN runs r ON r.id = run_id
              WHERE r.scenario_name LIKE 'baseline%' ORDER BY run_id")" = "omni-mainnet,restaked" ] \
  || fail "baseline profiles"
ok "attack scenarios and baselines ran under both profiles, each recorded"

# omni-mainnet: nothing slashed, offences logged, cost of corruption = bribes
[ "$(q "$db" "SELECT count(*) FROM v_attack_economics WHERE profile = 'omni-mainnet'
              AND (slashed_eth != 0 OR cost_of_corruption_eth != bribes_eth)")" = 0 ] || fail "omni-mainnet slashed"
[ "$(q "$db" "SELECT group_concat(DISTINCT o.outcome || ' ' || o.reason) FROM offences o
              JOIN run_profile w ON w.run_id = o.run_id WHERE w.profile = 'omni-mainnet'")" \
  = "pending no slashing" ] || fail "omni-mainnet offences not only logged"
[ "$(q "$db" "SELECT sum(slashed_gwei) FROM restaking_summary s JOIN run_profile w ON w.run_id = s.run_id
              WHERE w.profile = 'omni-mainnet'")" = 0 ] || fail "omni-mainnet ledger slashed"
[ "$(q "$db" "SELECT withdrawal_delay_ns FROM restaking_summary s JOIN run_profile w ON w.run_id = s.run_id
              JOIN runs r ON r.id = s.run_id WHERE r.scenario_name = 'baseline-omni-mainnet'")" \
  = 1814400000000000 ] || fail "unbonding not 21 d"
# restaked: the long-delay forgery is slashed and loses; under omni-mainnet it pays
got=$(q "$db" "SELECT profile || ' ' || profitable FROM v_attack_economics
               WHERE scenario = 'forge-quorum-long-delay' ORDER BY run_id")
[ "$got" = "$(printf 'restaked 0\nomni-mainnet 1')" ] || fail "long-delay forgery by profile: $got"
ok "omni-mainnet slashes nothing: the forgery that loses when restaked pays"

# at most 30 validators under omni-mainnet, reported at verifiers.count
"$XRSIM" run "$SRC/scenarios/profiles/baseline-omni-mainnet.yaml" --set verifiers.count=31 --out "$TMP/bad.db" \
  2>"$TMP/err" && fail "31 validators accepted"
grep -q "verifiers.count:1:17: error: protocol.profile omni-mainnet runs at most 30 validators, not 31" \
  "$TMP/err" || fail "message: $(cat "$TMP/err")"
"$XRSIM" validate "$SRC/scenarios/baseline.yaml" --set protocol.profile=omni-mainet 2>"$TMP/err" && fail "bad profile accepted"
grep -q "error:.*omni-mainet" "$TMP/err" || fail "message: $(cat "$TMP/err")"
ok "profile limits and names checked at their place"
