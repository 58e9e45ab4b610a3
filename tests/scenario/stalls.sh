# Verdicts that do not hide stalls (issue 13.4): a censoring coalition of
# 0.4 (between 1/3 and 2/3) that stops after 40 s stalls the attestations of
# its chain; every message still executes within delay_bound, yet the run is
# stalled, with the stream and the stall's length recorded and printed; the
# summary's fast line shows the executed fraction beside every percentile.
. "$(dirname "$0")/lib.sh"
db=$TMP/s.db
out=$("$XRSIM" run "$SRC/scenarios/attacks/censorship.yaml" --out "$db" \
        --set 'adversary.coalitions[0].attack={censor: {chain: arb, at: 60s, until: 100s}}' \
        --set adversary.delay_bound=90s) || fail "run: $out"
echo "$out"
[ "$(q "$db" "SELECT delayed_msg_count || ' ' || stalled FROM verdicts")" = "0 1" ] || fail "verdict not stalled"
got=$(q "$db" "SELECT source_chain || ' ' || level || ' ' || (length_ns > 30e9 AND length_ns < 45e9) || ' '
               || (start_ns >= 60e9) FROM attestation_stalls")
[ "$got" = "42161 latest 1 1" ] || fail "stalls: $got"
[ "$(q "$db" "SELECT attestation_stall_count FROM stall_verdicts")" = 1 ] || fail "stall_verdicts"
echo "$out" | grep -q "1 attestation stall; longest 3[0-9].[0-9]* s on chain 42161 (latest) from 6[0-9].[0-9] s" \
  || fail "summary lacks the stall"
echo "$out" | grep -Eq "fast .* messages executed \(([0-9.]+)%\).* p50 [0-9.]+ s \(of \1%\)  p90 [0-9.]+ s \(of \1%\)  p99 [0-9.]+ s \(of \1%\)" \
  || fail "fast line lacks the executed fraction beside its percentiles"
ok "a 40 s censorship of arb's attestations is a stall, with its stream and length"

# the report shows it: stalls per run and the longest, and the coalition's actual share when acting
rep=$("$XRSIM" report "$db") || fail "report"
echo "$rep" | grep -Eq "^P1 +censorship +1 +1 +3[0-9.]+ +0$" || fail "report's stalls table: $rep"
echo "$rep" | grep -Eq "^P1 +censorship +coalition #0 +censors, censor +1 +42.9% +42.9%$" || fail "report's acting share"
ok "the report shows the attestation stall and the coalition's share when acting"
