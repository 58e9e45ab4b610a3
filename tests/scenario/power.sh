# Actual power, not the requested fraction (issue 13.3): a coalition given
# as stake_fraction takes the smallest prefix of verifiers holding at least
# that much; `coalitions` records the requested fraction, the actual share at
# genesis and when acting; the summary prints them; `frontier` bisects the
# requested value and prints the actual share where safety breaks -- 5/7,
# 7/9 and 7/10 of 7, 9 and 10 equal verifiers (more than 2/3) -- and
# completes when the range reaches 1.0; `stake_fraction: 2/3` is exact.
. "$(dirname "$0")/lib.sh"
A=$DATA/attack.yaml
out=$("$XRSIM" frontier "$A" --vary 'adversary.coalitions[0].stake_fraction=0.2..1.0' --over verifiers.count=7,9,10 \
        --until safety --seeds 1 --set run.duration=60s --out "$TMP/f.db") || fail "frontier: $out"
echo "$out"
for row in "7 5/7" "9 7/9" "10 7/10"; do
  set -- $row
  echo "$out" | grep -Eq "^$1 .* $2 \(" || fail "verifiers.count=$1: actual breaking share is not $2"
done
ok "frontier prints the actual breaking shares 5/7, 7/9, 7/10 and completes at 1.0"

out=$("$XRSIM" run "$A" --set 'adversary.coalitions[0].stake_fraction=2/3' --set verifiers.count=10 \
        --set run.duration=60s --out "$TMP/r.db") || fail "run with 2/3: $out"
echo "$out" | grep -q "forgers: 7 members, 0.7 of the power at genesis (asked for 0.6667), 0.7 when acting" \
  || fail "summary: $out"
[ "$(q "$TMP/r.db" "SELECT c.member_count || ' ' || round(p.requested_fraction, 4) || ' ' || p.genesis_power_share
                    || ' ' || p.acting_power_share FROM coalitions c JOIN coalition_power p USING (run_id, coalition)")" \
  = "7 0.6667 0.7 0.7" ] || fail "coalitions columns"
[ "$(q "$TMP/r.db" "SELECT round(requested_fraction, 4) || ' ' || genesis_power_share FROM v_attack_economics")" \
  = "0.6667 0.7" ] || fail "v_attack_economics columns"
ok "stake_fraction 2/3 accepted; requested and actual shares recorded and printed"
