# xrsim search (issue 18): what the searches find.  A random stage and
# local moves over a scenario's attack space, then shrinking of the best
# attack into a plain scenario that xrsim run reproduces.  Small spaces, one
# seed per candidate and 90-second runs keep it to about 100 runs (label
# heavy: Release only in make test); the README's section "Searching for
# attacks" has the full-size commands.  search.sh has the cheap checks.
. "$(dirname "$0")/lib.sh"
F=$SRC/scenarios/attacks/search-forge.yaml
S=$SRC/scenarios/attacks/search-stale.yaml
# forge-economics' world, 20 s withdrawal delay; 5..10 members, forge or
# censor, stay or withdraw at once, act at 20 s or 30 s: 48 candidates
small() {
  "$XRSIM" search "$F" --set run.duration=90s --set search.seeds=1 --set 'search.members={from: 5, to: 10}' \
    --set 'search.route=[{from: arb, to: base}]' --set 'search.level=[latest]' --set 'search.at=[20s, 30s]' \
    --set 'search.withdraw=[none, {after: 0s}]' --set 'search.value=[100 ETH]' "$@"
}

mkdir -p "$TMP/a" "$TMP/b"
(cd "$TMP/a" && small --budget 16 --jobs 2 --out s.db >out 2>err) \
  || fail "search: $(cat "$TMP/a/err")"
y=$TMP/a/s-shrunk.yaml
[ -f "$y" ] || fail "no shrunk scenario: $(cat "$TMP/a/out")"
# 10 equal verifiers, a quorum of strictly more than 2/3: 7 (0.7) forge, 6 (0.6) do not
grep -q 'verifiers: \[0, 1, 2, 3, 4, 5, 6\]' "$y" || fail "not shrunk to 7 members: $(grep -A3 coalitions "$y")"
grep -q 'members 10 -> 7\|members [89] -> 7' "$TMP/a/out" || grep -q 'shrunk.*members 7,' "$TMP/a/out" \
  || fail "summary: $(cat "$TMP/a/out")"
grep -q '^search:' "$y" && fail "the shrunk scenario keeps its search section"
grep -q '^# How it was found: xrsim search .*--budget 16' "$y" || fail "header: $(head -12 "$y")"
ok "a forge with a 20 s delay pays; shrunk to the 7 of 10 verifiers that exceed 2/3"

# it reproduces: xrsim run gives the same P&L (to the wei) and digest as the search's run
"$XRSIM" run "$y" --out "$TMP/r.db" --quiet || fail "run of the shrunk scenario"
want=$(sed -n 's/.*(\([0-9]*\) wei) with run.seed 1.*/\1/p' "$y")
got=$(q "$TMP/r.db" "SELECT pnl_wei FROM coalitions")
[ -n "$want" ] && [ "$got" = "$want" ] || fail "P&L: header $want, run $got"
dg=$(q "$TMP/a/s.db" "SELECT event_digest FROM runs WHERE scenario_path LIKE '%s-shrunk.yaml'")
[ "$(q "$TMP/r.db" "SELECT event_digest FROM runs")" = "$dg" ] || fail "digest differs from the search's"
[ "$got" != "${got#-}" ] && fail "P&L $got is not profitable"
"$XRSIM" check "$y" --out "$TMP/c.db" >/dev/null || fail "xrsim check of the shrunk scenario"
ok "xrsim run reproduces it exactly (P&L $got wei); xrsim check passes its expectation"

# the same seed: the same best attack and a byte-identical shrunk file
(cd "$TMP/b" && small --budget 16 --jobs 1 --out s.db >out 2>err) || fail "second search"
cmp -s "$TMP/a/s-shrunk.yaml" "$TMP/b/s-shrunk.yaml" || fail "shrunk files differ: $(diff "$TMP/a/s-shrunk.yaml" "$TMP/b/s-shrunk.yaml")"
[ "$(grep '^  best:' "$TMP/a/out")" = "$(grep '^  best:' "$TMP/b/out")" ] || fail "best attacks differ"
ok "same seed, same best attack and byte-identical shrunk scenario (2 jobs vs 1)"

# resumable: the same command again runs nothing and writes the same file
(cd "$TMP/a" && small --budget 16 --jobs 2 --out s.db >out2 2>&1) || fail "resume"
grep -q '; 0 ran now)' "$TMP/a/out2" || fail "resume ran again: $(cat "$TMP/a/out2")"
cmp -s "$TMP/a/s-shrunk.yaml" "$TMP/b/s-shrunk.yaml" || fail "resumed shrunk file differs"
n=$(q "$TMP/a/s.db" "SELECT count(*) FROM runs"); [ "$n" -gt 16 ] || fail "runs: $n"
"$XRSIM" report "$TMP/a/s.db" >/dev/null || fail "report of the search's file"
ok "the same command resumes from its results file ($n runs, 0 again); xrsim report reads it"

# 14-day delay: restaked, every forging coalition (>= 7 x 32 ETH) is slashed more than the
# 100 ETH it forges; exit 0 even with --fail-if-found, and no file
(cd "$TMP/a" && small --set restaking.withdrawal_delay=14d --budget 12 --jobs 2 --out r14.db --fail-if-found >o14 2>&1) \
  || fail "restaked 14d: exit $?: $(cat "$TMP/a/o14")"
grep -q 'no attack with pnl above 0 ETH in every seed within 12 runs' "$TMP/a/o14" || fail "$(cat "$TMP/a/o14")"
[ -e "$TMP/a/r14-shrunk.yaml" ] && fail "a shrunk file without an attack"
ok "restaked, 14-day delay: no profitable attack in 12 runs"
# omni-mainnet: no slashing, any forgery above the bribes pays; --fail-if-found exits 1
(cd "$TMP/a" && small --set restaking.withdrawal_delay=14d --set protocol.profile=omni-mainnet --budget 12 \
   --jobs 2 --out o14.db --fail-if-found >oo 2>&1); rc=$?
[ "$rc" = 1 ] || fail "omni-mainnet: exit $rc: $(cat "$TMP/a/oo")"
grep -q 'verifiers: \[0, 1, 2, 3, 4, 5, 6\]' "$TMP/a/o14-shrunk.yaml" || fail "omni-mainnet shrunk: $(cat "$TMP/a/oo")"
ok "omni-mainnet, 14-day delay: found (exit 1 with --fail-if-found), shrunk to 7 members"

# the stale-set forge competes with the consensus forge: with a 1-minute delay only it pays
(cd "$TMP/a" && "$XRSIM" search "$S" --set 'search.members=[7]' --set 'search.at=[2min]' --budget 8 --jobs 2 \
   --out st.db >ost 2>&1) || fail "stale: $(cat "$TMP/a/ost")"
grep -q 'stale_forge: {set: 1' "$TMP/a/st-shrunk.yaml" || fail "stale: $(cat "$TMP/a/ost")"
grep -q 'withdraw: {at: 10s}' "$TMP/a/st-shrunk.yaml" || fail "stale withdraw: $(grep -B2 -A4 coalitions "$TMP/a/st-shrunk.yaml")"
ok "stale-set forge found when the consensus forge is slashed"

