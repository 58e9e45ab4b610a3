# The HTML reports in a real browser: small but real sweeps (a designer's
# quorum sweep, an economist's forging sweep, a sweep of two keys, an
# attack run, a frontier) are rendered by headless Chromium at 1400x900 and
# checked by layout_check.js: no text or plot element outside its SVG or
# the page, wide tables in a box that scrolls, no overlapping labels, and
# the plot that answers the question on the first screen.  It also shows
# that the check can fail: the designer's report with its legend pushed
# past the SVG's edge must be refused.  With XRSIM_SCREENSHOTS=DIR set it
# writes the screenshots the README shows (docs/img) into DIR.
#
# Skips (exit 77, reported by ctest) only when Chromium cannot run at all:
# not installed (scripts/install-deps.sh installs the Debian package
# `chromium`) or unable to render a trivial page here.
. "$(dirname "$0")/../scenario/lib.sh"
CHECK_JS=$SRC/tests/browser/layout_check.js

chrome=""
for c in chromium chromium-browser google-chrome; do
  if command -v "$c" >/dev/null 2>&1; then chrome=$(command -v "$c"); break; fi
done
if [ -z "$chrome" ]; then
  echo "SKIP: no chromium on PATH (scripts/install-deps.sh installs Debian's 'chromium'); the browser test did not run"
  exit 77
fi
# --no-sandbox: the tests may run as root (CI), where Chromium refuses its sandbox.
CHROME_FLAGS="--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars --no-first-run
  --disable-extensions --mute-audio --window-size=1400,900 --force-device-scale-factor=1"
export HOME=$TMP  # Chromium writes its profile under $HOME
chrome_run() { # chrome_run ARGS... (stderr to $TMP/chrome.err; a wall-clock limit)
  # shellcheck disable=SC2086
  timeout 60 "$chrome" $CHROME_FLAGS --user-data-dir="$TMP/profile" "$@" 2>"$TMP/chrome.err"
}

# Chromium starts slowly here (seconds), so every report is checked in one
# run: each copy of a report with the check appended is an iframe of one
# page (1400x900 each, the window the check measures), whose own script
# gathers the results.  --allow-file-access-from-files lets it read them.
PAGES=""
add() { # add HTML NAME: check HTML under NAME in the one run
  sed 's|</body>||; s|</html>||' "$1" >"$TMP/check-$2.html"
  { printf '<script>\n'; cat "$CHECK_JS"; printf '</script>\n</body>\n</html>\n'; } >>"$TMP/check-$2.html"
  PAGES="$PAGES $2"
}
run_checks() { # writes $TMP/results: "== NAME" then that page's result
  {
    printf '<!DOCTYPE html><html><body style="margin:0">\n'
    for p in $PAGES; do
      printf '<iframe name="%s" src="check-%s.html" width="1400" height="900" style="border:0;display:block"></iframe>\n' "$p" "$p"
    done
    printf '<pre id="all"></pre><script>window.addEventListener("load", function () {\n'
    printf ' var s = ""; var f = document.getElementsByTagName("iframe");\n'
    printf ' for (var i = 0; i < f.length; i++) { var r = f[i].contentDocument && f[i].contentDocument.getElementById("layout-result");\n'
    printf '  s += "== " + f[i].name + "\\n" + (r ? r.textContent : "NO RESULT") + "\\n"; }\n'
    printf ' document.getElementById("all").textContent = s; });</script></body></html>\n'
  } >"$TMP/all.html"
  chrome_run --allow-file-access-from-files --dump-dom "file://$TMP/all.html" |
    sed -n '/<pre id="all">/,/<\/pre>/p' | sed 's/<[^>]*>//g; s/&lt;/</g; s/&gt;/>/g; s/&amp;/\&/g; s/&quot;/"/g' \
    >"$TMP/results"
  [ -s "$TMP/results" ] && return 0
  # Nothing came back: can this Chromium render a page at all?
  printf '<!DOCTYPE html><html><body><p id="x">ok</p><script>document.getElementById("x").textContent="rendered"</script></body></html>' \
    >"$TMP/hello.html"
  if ! chrome_run --dump-dom "file://$TMP/hello.html" | grep -q ">rendered<"; then
    echo "SKIP: $chrome cannot render a page here; the browser test did not run:"
    head -5 "$TMP/chrome.err"
    exit 77
  fi
  cat "$TMP/chrome.err" >&2
  fail "Chromium renders pages but the layout checks gave no result"
}
result() { sed -n "/^== $1\$/,/^== /p" "$TMP/results" | sed '1d; /^== /d'; }
expect_ok() { # expect_ok NAME ANSWER_KIND WHAT
  res=$(result "$1")
  echo "$res" | grep -q "^LAYOUT OK" || { echo "$res"; fail "$3: layout"; }
  echo "$res" | grep -q "^ANSWER $2\$" || { echo "$res"; fail "$3: no '$2' answer on the first screen"; }
  ok "$3: laid out; answer '$2' on the first screen ($(echo "$res" | head -1))"
}
shoot() { # shoot HTML NAME: a 1400x900 screenshot of the first screen, into $XRSIM_SCREENSHOTS
  [ -n "${XRSIM_SCREENSHOTS:-}" ] || return 0
  chrome_run --screenshot="$XRSIM_SCREENSHOTS/$2.png" "file://$1" >/dev/null || fail "screenshot of $1"
  [ -s "$XRSIM_SCREENSHOTS/$2.png" ] || fail "empty screenshot of $1"
}

cd "$SRC" || fail "cd $SRC"
# The designer's sweep of the README, as it is: consensus.quorum 0.6..0.9 with 2 of 10 verifiers
# silent (stalls from 0.8 on), 3 seeds.
d=$TMP/designer.db
"$XRSIM" sweep scenarios/examples/quorum-sweep.yaml --out "$d" --quiet --jobs 2 || fail "designer sweep"
"$XRSIM" report "$d" --out "$TMP/designer.html" >/dev/null || fail "designer report"
add "$TMP/designer.html" designer

# The economist's sweep of the README: coalition stake x withdrawal delay, its whole 6 x 6 grid
# (one seed, to keep the test fast: every seed gives the same P&L there).
e=$TMP/econ.db
"$XRSIM" sweep scenarios/attacks/forge-economics.yaml --out "$e" --quiet --jobs 2 --set sweep.seeds=1 \
  || fail "economics sweep"
"$XRSIM" report "$e" --out "$TMP/econ.html" >/dev/null || fail "economics report"
add "$TMP/econ.html" economist

# Two swept keys: small multiples.
t=$TMP/two.db
"$XRSIM" sweep scenarios/examples/quorum-sweep.yaml --out "$t" --quiet --jobs 2 \
  --set 'sweep.grid={consensus.quorum: [0.6, 0.7, 0.8], relayers.delay: [200ms, 2s]}' --set sweep.seeds=2 \
  || fail "two-key sweep"
"$XRSIM" report "$t" --out "$TMP/two.html" >/dev/null || fail "two-key report"
add "$TMP/two.html" two-keys

# The check can fail: the designer's legend pushed 400 px right, past its SVG.
sed '0,/class="legend" transform="translate(/s//class="legend" transform="translate(400 0) translate(/' \
  "$TMP/designer.html" >"$TMP/clipped.html"
cmp -s "$TMP/designer.html" "$TMP/clipped.html" && fail "could not clip the legend (no legend in the designer's report?)"
add "$TMP/clipped.html" clipped

run_checks
expect_ok designer vs-key "designer's report"
expect_ok economist pnl-heatmap "economist's report"
expect_ok two-keys small-multiples "two-key report"
res=$(result clipped)
echo "$res" | grep -q "^LAYOUT FAIL" || { echo "$res"; fail "a clipped legend passed the layout check"; }
echo "$res" | grep -q "legend.*outside its SVG\|outside its SVG" || { echo "$res"; fail "the clipped legend failed for another reason"; }
ok "a clipped legend fails the check: $(echo "$res" | grep -m1 "outside its SVG" | cut -c1-150)"

shoot "$TMP/designer.html" report-designer
shoot "$TMP/econ.html" report-economist
shoot "$TMP/two.html" report-two-keys
