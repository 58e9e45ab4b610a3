# Issue 12 item 4: XBlocks as Omni forms them recover a stuck Latest stream.
# scenarios/regression/stuck-latest.yaml (frequent sequencer reorgs on arb)
# runs; then, from its results alone:
#   - some arb Latest offsets never reached the quorum and were approved by
#     the Finalized attestation at the same offset (no signers), each after
#     that Finalized attestation's own approval;
#   - every fast message whose block's Finalized attestation was approved at
#     least 10 s before the end executed (attest offsets are shared by the
#     levels, so its Latest offset names that Finalized attestation), and
#     so did every fast message of an overridden offset;
#   - the Latest stream moved on: arb Latest offsets after the first
#     override were approved by quorum too.
. "$(dirname "$0")/lib.sh"
db=$TMP/stuck.db
out=$(cd "$SRC" && "$XRSIM" check scenarios/regression/stuck-latest.yaml --out "$db") || fail "check: $out"
echo "$out"

ARB=42161
over=$(q "$db" "SELECT count(*) FROM attestations
                WHERE chain_id = $ARB AND conf_level = 1 AND approved_ns IS NOT NULL AND signer_count = 0")
[ "$over" -gt 0 ] || fail "no arb Latest offset approved by a Finalized override"
early=$(q "$db" "SELECT count(*) FROM attestations l
                 LEFT JOIN attestations f ON f.run_id = l.run_id AND f.chain_id = l.chain_id
                      AND f.conf_level = 4 AND f.attest_offset = l.attest_offset
                 WHERE l.chain_id = $ARB AND l.conf_level = 1 AND l.approved_ns IS NOT NULL
                   AND l.signer_count = 0 AND (f.approved_ns IS NULL OR f.approved_ns >= l.approved_ns)")
[ "$early" = 0 ] || fail "$early overrides without an earlier Finalized approval at their offset"
ok "$over arb Latest offsets approved by their Finalized attestation, each after it"

end=$(q "$db" "SELECT CAST(sim_s * 1e9 AS INTEGER) FROM runs")
covered=$(q "$db" "SELECT count(*) FROM messages m JOIN attestations f
                   ON f.run_id = m.run_id AND f.chain_id = m.source_chain AND f.conf_level = 4
                      AND f.attest_offset = m.attest_offset
                   WHERE m.level = 'latest' AND f.approved_ns <= $end - 10000000000")
lost=$(q "$db" "SELECT count(*) FROM messages m JOIN attestations f
                ON f.run_id = m.run_id AND f.chain_id = m.source_chain AND f.conf_level = 4
                   AND f.attest_offset = m.attest_offset
                WHERE m.level = 'latest' AND f.approved_ns <= $end - 10000000000
                  AND m.executed_ns IS NULL")
[ "$covered" -gt 1000 ] || fail "only $covered fast messages with an approved Finalized attestation"
[ "$lost" = 0 ] || fail "$lost of $covered fast messages not executed after their Finalized attestation"
stuck=$(q "$db" "SELECT count(*), sum(m.executed_ns IS NOT NULL) FROM messages m JOIN attestations l
                 ON l.run_id = m.run_id AND l.chain_id = m.source_chain AND l.conf_level = 1
                    AND l.attest_offset = m.attest_offset
                 WHERE m.level = 'latest' AND l.signer_count = 0 AND l.approved_ns IS NOT NULL")
set -- $(echo "$stuck" | tr '|' ' ')
[ "$1" -gt 0 ] && [ "$1" = "$2" ] || fail "fast messages of overridden offsets: $stuck (count|executed)"
ok "all $covered fast messages with a Finalized attestation executed ($1 of them in overridden blocks)"

after=$(q "$db" "SELECT count(*) FROM attestations
                 WHERE chain_id = $ARB AND conf_level = 1 AND signer_count > 0 AND approved_ns IS NOT NULL
                   AND attest_offset > (SELECT min(attest_offset) FROM attestations
                                        WHERE chain_id = $ARB AND conf_level = 1 AND signer_count = 0
                                          AND approved_ns IS NOT NULL)")
[ "$after" -gt 100 ] || fail "the arb Latest stream did not move on after an override ($after approvals)"
ok "the arb Latest stream moved on: $after quorum approvals after the first override"
