# `xrsim report` through the command line: 3 seeds x 2 relayer delays of a
# short end-to-end scenario make 2 parameter points; the report prints
# aligned tables with the varying parameter as a column, the same output
# twice (deterministic bootstrap), and one self-contained HTML file with
# the tables and SVG plots.  Bad input -- a text file, a foreign SQLite
# file, a missing file, bad usage -- exits 2 with a clear message, leaves
# every file unchanged and writes no HTML.
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
echo "$out" | grep -Eq "^P1 .* 0/3 +0/3$" || fail "verdict columns"
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
[ "$(grep -c "<table>" "$html")" = 3 ] || fail "want 3 tables"
# CDF of fast finality + 2 metric-vs-delay plots (no finalized message executes in 6 min)
[ "$(grep -c "<svg " "$html")" = 3 ] || fail "want 3 plots, got $(grep -c "<svg " "$html")"
grep -q "fast p99 finality (s) vs relayers.delay" "$html" || fail "no metric-vs-parameter plot"
grep -q ">relayers.delay (ms)</text>" "$html" || fail "no axis label"
grep -q "No finalized message was executed" "$html" || fail "no note on the empty finalized CDF"
grep -Eqi "https?:|<script|src=|url\(" "$html" && fail "external reference in the HTML"
tail -1 "$html" | grep -q "</html>" || fail "truncated HTML"
[ ! -e "$html.tmp" ] || fail "temporary file left"
ok "self-contained HTML"

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
