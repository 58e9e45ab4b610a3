# `xrsim report` through the command line: 3 seeds x 2 relayer delays of a
# short end-to-end scenario make 2 parameter points; the report prints
# aligned tables with the varying parameter as a column, the verdicts and
# slashing tables, one line saying there is no coalition, the same output
# twice (deterministic bootstrap), and one self-contained HTML file with
# the tables and SVG plots.  A 4-point forging-economics sweep (coalition
# stake 0.4 / 0.8 x withdrawal delay 10 s / 1 h, 2 seeds) gives the
# attacker P&L table -- profitable only above the quorum with the short
# delay -- and a P&L heat map in the HTML.  Bad input -- a text file, a
# foreign SQLite file, a missing file, bad usage -- exits 2 with a clear
# message, leaves every file unchanged and writes no HTML.
. "$(dirname "$0")/lib.sh"
db=$TMP/sweep.db
for d in 200ms 1500ms; do
  for s in 1 2 3; do
    "$XRSIM" run "$DATA/e2e.yaml" --out "$db" --quiet --seed $s --set run.duration=6min \
      --set relayers.delay=$d || fail "run delay $d seed $s"
  done
done

out=$("$XRSIM" report "$db" --out "$TMP/report.html"); rc=$?
echo "$out"
[ $rc = 0 ] || fail "report exit $rc"
echo "$out" | grep -q "6 ok runs in 2 parameter points; varying: relayers.delay$" || fail "header line"
echo "$out" | grep -Eq "^point +scenario +relayers.delay +seeds +fast p50 +fast p90 +fast p99$" || fail "fast table header"
echo "$out" | grep -Eq "^P1 +e2e +200ms +3 +[0-9.]+ \[[0-9.]+, [0-9.]+\] " || fail "P1 row"
echo "$out" | grep -Eq "^P2 +e2e +1500ms +3 +[0-9.]+ \[[0-9.]+, [0-9.]+\] " || fail "P2 row"
echo "$out" | grep -Eq "^point +scenario +relayers.delay +runs +unsafe +stalled +forged executed \(msgs/run\)" \
  || fail "verdicts table header"
echo "$out" | grep -Eq "^P1 +e2e +200ms +3 +0% \(0/3\) +[0-9]+% \([0-3]/3\) +0 +0 " || fail "verdict columns"
# no offence and nothing slashed: the slashing table is left out with a line saying so
echo "$out" | grep -q "^slashing: no offence found and nothing slashed in this file: no slashing table$" \
  || fail "slashing: no offence line"
echo "$out" | grep -q "^attackers: no coalition in this file: no attacker section$" || fail "no-coalition line"
echo "$out" | grep -q "P&L" && fail "P&L without coalitions"
# the longer relayer delay slows fast finality: P2's p50 above P1's
p1=$(echo "$out" | grep -m1 "^P1 " | awk '{print $5}')
p2=$(echo "$out" | grep -m1 "^P2 " | awk '{print $5}')
awk -v a="$p1" -v b="$p2" 'BEGIN { exit !(b > a + 1.0) }' || fail "fast p50 P1 $p1, P2 $p2"
ok "tables: 2 points x 3 seeds"

again=$("$XRSIM" report "$db" --out "$TMP/report2.html") || fail "second report"
[ "$out" = "$(echo "$again" | sed "s|report2.html|report.html|")" ] || fail "report output differs between two runs"
cmp -s "$TMP/report.html" "$TMP/report2.html" || fail "HTML differs between two runs"
ok "deterministic"

html=$TMP/report.html
[ -s "$html" ] || fail "no HTML"
head -c 15 "$html" | grep -q "<!DOCTYPE html>" || fail "not HTML"
# fast and cost per point, verdicts; no finalized message executes in 6 min and nothing is slashed:
# those tables are left out, each with a line saying why
[ "$(grep -c "<table>" "$html")" = 3 ] || fail "want 3 tables (2 per point, verdicts), got $(grep -c "<table>" "$html")"
grep -q "finalized finality: no message emitted after the warm-up was executed at the finalized level" "$html" \
  || fail "no line on the left-out finalized table"
grep -q "Attacker" "$html" && fail "attacker section without coalitions"
# the answer (fast p99 against the delay) first, then the stage breakdown, the CDF of fast finality and
# time per height against the delay (no finalized message executes in 6 min)
[ "$(grep -c "<svg " "$html")" = 4 ] || fail "want 4 plots, got $(grep -c "<svg " "$html")"
grep -q '<figure id="answer" data-kind="vs-key">' "$html" || fail "no answer figure"
awk '/id="answer"/ { a = NR } /<table>/ && !t { t = NR } END { exit !(a && t && a < t) }' "$html" \
  || fail "the answer does not come before the tables"
grep -q "Where the time goes: mean time per stage" "$html" || fail "no stage breakdown"
grep -q "fast p99 finality (s) vs relayers.delay" "$html" || fail "no metric-vs-parameter plot"
grep -q ">relayers.delay (ms)</text>" "$html" || fail "no axis label"
grep -q "No finalized message was executed" "$html" || fail "no note on the empty finalized CDF"
grep -Eqi "https?:|<script|src=|url\(" "$html" && fail "external reference in the HTML"
tail -1 "$html" | grep -q "</html>" || fail "truncated HTML"
[ ! -e "$html.tmp" ] || fail "temporary file left"
ok "self-contained HTML"

# attacker economics: a 4-point sweep of the economist's scenario
e=$TMP/econ.db
(cd "$SRC" && "$XRSIM" sweep scenarios/attacks/forge-economics.yaml --out "$e" --quiet --jobs 2 \
   --set 'sweep.grid={"adversary.coalitions[0].stake_fraction": [0.4, 0.8], restaking.withdrawal_delay: [10s, 1h]}' \
   --set 'sweep.seeds=2' --set run.duration=2min) || fail "economics sweep"
out=$("$XRSIM" report "$e" --out "$TMP/econ.html"); rc=$?
echo "$out" | sed -n '/^attacker economics/,$p'
[ $rc = 0 ] || fail "report exit $rc"
echo "$out" | grep -q "8 ok runs in 4 parameter points; varying: restaking.withdrawal_delay, adversary.coalitions\[0\].stake_fraction$" \
  || fail "econ header line"
echo "$out" | grep -Eq "^point +scenario +restaking.withdrawal_delay +adversary.coalitions\[0\].stake_fraction +coalition +attack +stake +seeds +P&L \(ETH\) +profitable +value extracted \(ETH\) +slashed \(ETH\) +cost of corruption \(ETH\) +profit from corruption \(ETH\) +delegators slashed \(ETH\) +signers: proven, slashed$" \
  || fail "P&L table header"
# above the quorum with the short delay: the forged 100 ETH minus 10 ETH of bribes, every run
echo "$out" | grep -Eq "^P[0-9] +forge-economics +10s +0.8 +#0 forgers +forge +80% +2 +90 +100% \(2/2\) +100 +0 " \
  || fail "profitable row"
# above the quorum with the long delay: slashed, a loss
echo "$out" | grep -Eq "^P[0-9] +forge-economics +1h +0.8 +#0 forgers +forge +80% +2 +-[0-9.]+( \[[^]]*\])? +0% \(0/2\) +100 +[1-9][0-9.]*( \[[^]]*\])? +[0-9]" \
  || fail "slashed row"
# below the quorum: nothing forged executes, a loss whatever the delay
[ "$(echo "$out" | grep -Ec "^P[0-9] +forge-economics +[0-9a-z]+ +0.4 +#0 forgers +forge +40% +2 +-[0-9.]+( \[[^]]*\])? +0% \(0/2\) +0 ")" = 2 ] \
  || fail "below-quorum rows"
echo "$out" | grep -Eq "^P[0-9] +forge-economics +1h +0.8 +2 +1 h +[1-9][0-9.]* " || fail "slashing row with the delay in hours"
echo "$out" | grep -q "no attacker section" && fail "no-coalition line with coalitions"
h=$TMP/econ.html
grep -q "<h2>Attacker economics</h2>" "$h" || fail "no attacker section in the HTML"
grep -q "Attacker P&amp;L (ETH, mean over runs): coalition #0 forgers, scenario forge-economics" "$h" || fail "no P&L heat map"
grep -q ">withdrawal delay</text>" "$h" || fail "heat map: no delay axis label"
grep -q ">coalition stake (share of all stake)</text>" "$h" || fail "heat map: no stake axis label"
for v in "+90" "10 s" "1 h" "40%" "80%"; do grep -qF ">$v</text>" "$h" || fail "heat map lacks $v"; done
[ "$(grep -c "<svg " "$h")" = "$(grep -c "</svg>" "$h")" ] || fail "unbalanced SVG"
grep -Eqi "https?:|<script|src=|url\(|nan" "$h" && fail "external reference or NaN in the HTML"
if command -v python3 >/dev/null; then
  python3 - "$h" <<'PY' || fail "an SVG is not well-formed XML"
import re, sys, xml.dom.minidom
for svg in re.findall(r'<svg.*?</svg>', open(sys.argv[1]).read(), re.S):
    xml.dom.minidom.parseString(svg)
PY
fi
ok "attacker P&L table and heat map"

# bad input: exit 2, a clear message, nothing changed or written
txt=$TMP/notes.txt
printf 'these are notes, not a database; long enough to look like a file header\n' >"$txt"
foreign=$TMP/foreign.db
sqlite3 "$foreign" "CREATE TABLE t (x); INSERT INTO t VALUES (1);"
for f in "$txt" "$foreign" "$db"; do cp "$f" "$f.orig"; done
expect2() { # expect2 WORDS command...
  words=$1; shift
  err=$("$@" 2>&1 >/dev/null); rc=$?
  [ $rc = 2 ] || fail "$* exited $rc, want 2"
  echo "$err" | grep -q "$words" || fail "$*: message lacks '$words': $err"
  echo "  $err" | head -1
}
bad=$TMP/bad.html
expect2 "not an xrsim results database (not SQLite)" "$XRSIM" report "$txt" --out "$bad"
expect2 "not written by xrsim" "$XRSIM" report "$foreign" --out "$bad"
expect2 "cannot open" "$XRSIM" report "$TMP/missing.db" --out "$bad"
expect2 "needs a results file" "$XRSIM" report
expect2 "unknown option '--bogus'" "$XRSIM" report "$db" --bogus
expect2 "stall wants a duration" "$XRSIM" report "$db" --stall soon
expect2 "cannot write" "$XRSIM" report "$db" --out "$TMP/no/such/dir/r.html"
for f in "$txt" "$foreign" "$db"; do cmp -s "$f" "$f.orig" || fail "$f was changed"; done
[ ! -e "$bad" ] && [ ! -e "$bad.tmp" ] || fail "HTML written on bad input"
[ ! -e "$TMP/missing.db" ] || fail "report created a missing file"
ok "bad input refused, files unchanged"
