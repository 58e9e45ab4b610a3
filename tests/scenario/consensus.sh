# Verifier consensus through the command line: the Byzantine example runs,
# its tables hold what the summary says (safe, evidence naming only the
# equivocator, attestations approved by more than 2/3 of the power), the
# same seed gives the same consensus rows, and bad verifier/consensus
# settings are reported at their place with exit status 2.
. "$(dirname "$0")/lib.sh"
EX=$SRC/scenarios/examples
db=$TMP/c.db

out=$("$XRSIM" run "$EX/consensus-byzantine.yaml" --out "$db" --set run.duration=60s) || fail "run 1"
echo "$out"
echo "$out" | grep -q "consensus   10 verifiers (3 Byzantine, 30.0% of power)" || fail "summary lacks the consensus line"
echo "$out" | grep -q "conflicting commits 0 (safe)" || fail "summary does not say safe"
"$XRSIM" run "$EX/consensus-byzantine.yaml" --out "$db" --set run.duration=60s --quiet || fail "run 2"
"$XRSIM" run "$EX/consensus-byzantine.yaml" --out "$db" --set run.duration=60s --quiet --seed 9 || fail "run 3"

# tables
[ "$(q "$db" "SELECT count(*) FROM verifiers WHERE run_id=1")" = 10 ] || fail "10 verifier rows expected"
[ "$(q "$db" "SELECT group_concat(behaviour) FROM (SELECT behaviour FROM verifiers WHERE run_id=1 AND verifier < 4 ORDER BY verifier)")" = "crashed,silent,equivocating,honest" ] || fail "behaviours not recorded"
[ "$(q "$db" "SELECT safety FROM v_consensus WHERE run_id=1")" = safe ] || fail "v_consensus not safe"
[ "$(q "$db" "SELECT count(*) FROM consensus_conflicts")" = 0 ] || fail "conflicting commits recorded"
h=$(q "$db" "SELECT heights_committed_count FROM consensus_summary WHERE run_id=1")
[ "$h" -ge 20 ] || fail "only $h heights committed"
[ "$(q "$db" "SELECT count(*) FROM consensus_heights WHERE run_id=1 AND first_commit_ns IS NOT NULL")" = "$h" ] || fail "consensus_heights disagrees with the summary"
bad=$(q "$db" "SELECT count(*) FROM consensus_heights WHERE run_id=1 AND first_commit_ns IS NOT NULL AND
  (last_commit_ns < first_commit_ns OR start_ns > first_commit_ns OR commit_count < 1 OR commit_count > 7
   OR length(block_id) != 64 OR time_to_commit_ns != first_commit_ns - start_ns)")
[ "$bad" = 0 ] || fail "$bad inconsistent height rows"
# heights in order: each first commit after the previous one
bad=$(q "$db" "SELECT count(*) FROM consensus_heights a JOIN consensus_heights b ON b.run_id=a.run_id AND b.height=a.height+1
  WHERE a.run_id=1 AND b.first_commit_ns <= a.first_commit_ns")
[ "$bad" = 0 ] || fail "heights committed out of order"
# attestations: approved by strictly more than 2/3 of the power, after their first vote
n=$(q "$db" "SELECT count(*) FROM attestations WHERE run_id=1 AND approved_ns IS NOT NULL")
[ "$n" -ge 40 ] || fail "only $n attestations approved"
[ "$n" = "$(q "$db" "SELECT attestations_approved_count FROM consensus_summary WHERE run_id=1")" ] || fail "attestation count mismatch"
bad=$(q "$db" "SELECT count(*) FROM attestations WHERE run_id=1 AND approved_ns IS NOT NULL AND
  (3 * signed_power <= 2 * total_power OR approved_ns < first_vote_ns OR signer_count < 7)")
[ "$bad" = 0 ] || fail "$bad attestations approved without a quorum"
# evidence: duplicate votes of verifier 2 only, detected after it started at 20 s
[ "$(q "$db" "SELECT count(*) FROM evidence WHERE run_id=1")" -gt 0 ] || fail "no evidence"
[ "$(q "$db" "SELECT count(*) FROM evidence WHERE run_id=1 AND (offender != 2 OR kind != 'duplicate_vote' OR first_detected_ns < 20000000000)")" = 0 ] || fail "evidence names someone else"
[ "$(q "$db" "SELECT offender_count FROM consensus_summary WHERE run_id=1")" = 1 ] || fail "offender count"
# the silent verifier suppressed, the equivocator sent twins, the crashed one stopped
[ "$(q "$db" "SELECT suppressed_count > 0 FROM verifiers WHERE run_id=1 AND verifier=1")" = 1 ] || fail "silent sent"
[ "$(q "$db" "SELECT twin_count > 0 FROM verifiers WHERE run_id=1 AND verifier=2")" = 1 ] || fail "no twins"
ok "tables: $h heights, $n attestations approved, evidence against verifier 2 only"

# determinism: identical consensus rows for the same seed, other rows for another
for t in consensus_heights attestations evidence verifiers consensus_summary; do
  a=$(q "$db" "SELECT * FROM $t WHERE run_id=1" | sed 's/^1|//' | md5sum)
  b=$(q "$db" "SELECT * FROM $t WHERE run_id=2" | sed 's/^2|//' | md5sum)
  [ "$a" = "$b" ] || fail "table $t differs between identical runs"
done
a=$(q "$db" "SELECT * FROM consensus_heights WHERE run_id=1" | sed 's/^1|//' | md5sum)
c=$(q "$db" "SELECT * FROM consensus_heights WHERE run_id=3" | sed 's/^3|//' | md5sum)
[ "$a" != "$c" ] || fail "another seed gave the same heights"
ok "same seed, same consensus rows"

# bad settings: every error at its place, exit 2, nothing run
cat > "$TMP/bad.yaml" <<'EOF'
run: {duration: 10s}
verifiers:
  count: 4
  byzantine: [{verifiers: 7, behaviour: silent}]
consensus:
  quorum: 0.4
  block_interval: 1
EOF
out=$("$XRSIM" run "$TMP/bad.yaml" --out "$TMP/bad.db" 2>&1); rc=$?
echo "$out"
[ $rc -eq 2 ] || fail "bad consensus settings: exit $rc, want 2"
for want in "bad.yaml:4:27: error: value 7 out of range [0, 3]" \
            "bad.yaml:6:11: error: quorum 0.4 out of range" \
            "bad.yaml:7:19: error: expected a duration with a unit"; do
  echo "$out" | grep -qF "$want" || fail "missing: $want"
done
[ ! -e "$TMP/bad.db" ] || fail "a bad scenario wrote a results file"
ok "bad verifier and consensus settings reported at their place"

# the other examples run and stay safe
for ex in consensus consensus-partition; do
  "$XRSIM" run "$EX/$ex.yaml" --out "$db" --quiet --set run.duration=45s || fail "$ex"
  [ "$(q "$db" "SELECT safety FROM v_consensus ORDER BY run_id DESC LIMIT 1")" = safe ] || fail "$ex unsafe"
done
ok "examples run"
