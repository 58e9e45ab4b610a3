# `xrsim frontier` through the command line on a small consensus-only
# world (10 equal verifiers, 2 of them silent: 80% of the power left, so a
# quorum of "more than q" is met only while q < 0.8): the liveness frontier
# of consensus.quorum over 0.6..0.9 lies at 0.8 within the tolerance, for
# plain numbers and percentages, per --over value (7 verifiers: 5/7); the
# runs printed are the runs recorded, each ok with its `xrsim run` line;
# holds-everywhere and broken-everywhere rows; bad input (unknown keys at
# their --set mark, bad ranges and options) exits 2 and writes nothing;
# --out FILE.html draws the frontier (a marker per probe, the actual
# breaking share) beside the results (--db), and a link, a results file or
# a directory at that name is refused before anything runs.
. "$(dirname "$0")/lib.sh"
scn=$TMP/frontier.yaml
cat > "$scn" <<'YAML'
name: frontier
run: {duration: 60s, seed: 1, warmup: 0s}
network:
  placement: {verifiers: all}
  latency: {model: matrix, jitter: {model: lognormal, median: 2ms, sigma: 0.5}}
verifiers:
  count: 10
  stake: 32 ETH
  byzantine:
    - {verifiers: 0, behaviour: silent}
    - {verifiers: 1, behaviour: silent}
consensus: {quorum: 2/3, signatures: fast, block_interval: 1s}
YAML
db=$TMP/f.db

out=$("$XRSIM" frontier "$scn" --vary consensus.quorum=0.6..0.9 --over verifiers.count=7,10 --until liveness \
      --seeds 2 --stall 20s --out "$db"); rc=$?
echo "$out"
[ $rc = 0 ] || fail "frontier exit $rc"
row() { echo "$out" | awk -v k="$1" '$1 == k { print $2, $3, $4 }'; }
set -- $(row 10)
[ $# = 3 ] || fail "no row for verifiers.count=10: $out"
awk -v h="$1" -v b="$2" 'BEGIN { exit !(h < 0.8 && b >= 0.8 && b - h <= 0.3 / 64 + 1e-9) }' \
  || fail "10 verifiers: frontier [$1, $2] does not bracket 0.8 within 0.3/64"
runs10=$3
set -- $(row 7)
awk -v h="$1" -v b="$2" 'BEGIN { t = 5 / 7; exit !(h < t && b >= t && b - h <= 0.3 / 64 + 1e-9) }' \
  || fail "7 verifiers: frontier [$1, $2] does not bracket 5/7"
total=$(echo "$out" | sed -n 's/^total runs: \([0-9]*\);.*/\1/p')
[ "$total" = $(($3 + runs10)) ] || fail "total runs $total is not the rows' sum"
[ "$(q "$db" "SELECT count(*) FROM runs WHERE status = 'ok'")" = "$total" ] || fail "runs recorded != $total"
[ "$(q "$db" "SELECT count(*) FROM runs WHERE command_line LIKE 'xrsim run %--set verifiers.count=% --set consensus.quorum=% --set run.seed=%'")" = "$total" ] \
  || fail "runs lack their xrsim run line"
[ "$(q "$db" "SELECT count(DISTINCT run_id) FROM consensus_summary")" = "$total" ] \
  || fail "runs lack their consensus aggregates"
ok "liveness frontier at 0.8 (10 verifiers) and 5/7 (7 verifiers), $total runs recorded"

out=$("$XRSIM" frontier "$scn" --vary consensus.quorum=60%..90% --until liveness --seeds 1 --tolerance 2% \
      --out "$TMP/p.db") || fail "percent frontier exit $?"
set -- $(echo "$out" | awk '$1 == "-" { print $2, $3 }')
case "$1$2" in *%*%) ;; *) fail "percent range printed without %: $out" ;; esac
awk -v h="${1%\%}" -v b="${2%\%}" 'BEGIN { exit !(h < 80 && b >= 80 && b - h <= 2) }' \
  || fail "percent frontier [$1, $2] does not bracket 80% within 2"
ok "percentages: frontier [$1, $2]"

out=$("$XRSIM" frontier "$scn" --vary consensus.quorum=0.6..0.75 --until liveness --seeds 1 --out "$TMP/h.db") \
  || fail "holds-everywhere exit $?"
echo "$out" | grep -q "0.75 (everywhere)" || fail "no holds-everywhere row: $out"
echo "$out" | grep -q "^total runs: 2;" || fail "holds everywhere should take 2 runs: $out"
out=$("$XRSIM" frontier "$scn" --vary consensus.quorum=0.8..0.9 --until liveness --seeds 3 --out "$TMP/h.db") \
  || fail "broken-everywhere exit $?"
echo "$out" | grep -q "^- .*- *0.8 (everywhere)" || fail "no broken-everywhere row: $out"
echo "$out" | grep -q "^total runs: 1;" || fail "broken everywhere should take 1 run: $out"
ok "holds everywhere (2 runs) and broken everywhere (1 run)"

bad=$TMP/bad.db
expect_bad() {
  err=$("$XRSIM" frontier "$scn" "$@" --out "$bad" 2>&1 >/dev/null); rc=$?
  [ $rc = 2 ] || fail "exit $rc (want 2) for: $*"
  [ -e "$bad" ] && fail "bad input wrote $bad: $*"
  echo "$err"
}
expect_bad --vary consensus.qorum=0.6..0.9 --until liveness | grep -q "^--set consensus.qorum:.*did you mean 'quorum'" \
  || fail "unknown --vary key not reported at its --set mark"
expect_bad --vary consensus.quorum=0.6..0.9 --over verifiers.cont=7,10 --until liveness \
  | grep -q "^--set verifiers.cont:.*unknown key 'cont'" || fail "unknown --over key not reported at its mark"
expect_bad --vary consensus.quorum=0.6..0.9 --until liveness --set network.los=1% | grep -q "unknown key 'los'" \
  || fail "unknown --set key not reported"
expect_bad --vary consensus.quorum=0.9..0.6 --until liveness | grep -q "LO < HI" || fail "reversed range accepted"
expect_bad --vary consensus.quorum=60%..0.9 --until liveness >/dev/null
expect_bad --vary consensus.quorum=0.6 --until liveness >/dev/null
expect_bad --vary consensus.quorum=0.6..0.9 --until safetyy | grep -q "safety or liveness" || fail "bad --until"
expect_bad --vary consensus.quorum=0.6..0.9 >/dev/null
expect_bad --vary consensus.quorum=0.6..0.9 --until liveness --seeds 0 >/dev/null
expect_bad --vary consensus.quorum=0.6..0.9 --until liveness --tolerance -1 >/dev/null
expect_bad --vary consensus.quorum=0.6..0.9 --until liveness --stall 30 >/dev/null
expect_bad --vary consensus.quorum=0.6..0.9 --over verifiers.count= --until liveness >/dev/null
ok "bad input: exit 2, nothing written"

# safety that actually breaks: a forging coalition above the quorum executes forged messages;
# with 7 equal verifiers the prefix rule makes any stake fraction above 4/7 a 5-of-7 coalition
out=$("$XRSIM" frontier "$DATA/attack.yaml" --vary 'adversary.coalitions[0].stake_fraction=0.2..0.95' \
        --until safety --seeds 2 --out "$TMP/forge.db") || fail "forge frontier exit $?"
echo "$out"
row=$(echo "$out" | grep '^- ')
holds=$(echo "$row" | awk '{print $2}'); breaks=$(echo "$row" | awk '{print $3}')
awk -v h="$holds" -v b="$breaks" 'BEGIN { exit !(h < 4/7 && 4/7 <= b && b - h < 0.02) }' \
  || fail "safety frontier [$holds, $breaks] does not bracket 4/7"
[ "$(q "$TMP/forge.db" "SELECT count(*) FROM verdicts WHERE forged_executed_count > 0")" -ge 1 ] \
  || fail "no recorded run executed a forged message"
ok "safety frontier of a forging coalition brackets 4/7"

# --out FILE.html: the frontier drawn beside the results file (--db): one marker per probe (seeds 1:
# a probe is a run), the bracket, and the actual share where it breaks -- 5/7 for any request above 4/7
h=$TMP/forge.html
out=$("$XRSIM" frontier "$DATA/attack.yaml" --vary 'adversary.coalitions[0].stake_fraction=0.2..0.95' \
        --until safety --seeds 1 --tolerance 0.05 --db "$TMP/fh.db" --out "$h") || fail "frontier --out html exit $?"
echo "$out" | grep -qx "wrote $h" || fail "no 'wrote' line: $out"
runs=$(echo "$out" | sed -n 's/^total runs: \([0-9]*\);.*/\1/p')
[ "$(q "$TMP/fh.db" "SELECT count(*) FROM runs WHERE status = 'ok'")" = "$runs" ] || fail "runs not in --db"
[ "$(grep -o "<title>probe [0-9]* of $runs: " "$h" | wc -l)" = "$runs" ] || fail "not one marker per probe"
grep -q 'id="answer" data-kind="frontier"' "$h" || fail "no frontier figure"
grep -q "actual share where it breaks: 5/7 (0.7143)" "$h" || fail "actual breaking share not marked"
grep -q "<td>4/7 (0.5714)</td><td>5/7 (0.7143)</td>" "$h" || fail "table of shares"
grep -Eq "<script|https?:|src=" "$h" && fail "the HTML is not self-contained"
ls "$TMP" | grep -q "forge.html.tmp" && fail "a temporary was left"
ok "frontier --out FILE.html: $runs probes drawn, actual breaking share 5/7 marked"

# a bad --out FILE.html is refused before anything runs, and left as it was
ln -s "$TMP/fh.db" "$TMP/link.html"
cp "$TMP/fh.db" "$TMP/results.html"
mkdir "$TMP/dir.html"
for t in link.html results.html dir.html; do
  before=$(ls -l "$TMP/$t" | md5sum)
  err=$("$XRSIM" frontier "$scn" --vary consensus.quorum=0.6..0.9 --until liveness --seeds 1 \
          --db "$TMP/none.db" --out "$TMP/$t" 2>&1 >/dev/null); rc=$?
  [ $rc = 2 ] || fail "--out $t: exit $rc (want 2)"
  echo "$err" | grep -q "refusing to replace it.*; nothing was run$" || fail "--out $t: $err"
  [ -e "$TMP/none.db" ] && fail "--out $t: runs were recorded"
  [ "$(ls -l "$TMP/$t" | md5sum)" = "$before" ] || fail "--out $t was changed"
done
cmp -s "$TMP/fh.db" "$TMP/results.html" || fail "the results file under .html was changed"
ok "frontier --out: a link, a results file or a directory is refused, nothing run"
