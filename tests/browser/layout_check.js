/*
 * Layout check for xrsim's HTML reports, run inside headless Chromium by
 * tests/browser/report_layout.sh (appended to a copy of a report; the
 * reports themselves carry no script).  Fails, by writing "LAYOUT FAIL" and
 * one line per problem into a pre element (id layout-result), when:
 *   - the page is wider than the window (something pushes it sideways);
 *   - an element of an SVG (text, shape, line) reaches outside its SVG
 *     (the browser clips it: a cut legend, title or label);
 *   - an SVG, a heading, a paragraph or a table cell reaches past the
 *     window and is not inside a box that scrolls sideways;
 *   - two texts of one SVG overlap (tick labels on top of each other);
 *   - the report marks a figure as the answer (id="answer") and it does
 *     not end within the first screen.
 * Otherwise it writes "LAYOUT OK" with the number of elements checked.
 */
(function () {
  var TOL = 1.0;
  var bad = [];
  var checked = 0;
  var W = document.documentElement.clientWidth;
  var H = window.innerHeight;
  function what(el) {
    var t = (el.textContent || '').replace(/\s+/g, ' ').trim();
    return '<' + el.tagName.toLowerCase() + '>' + (t ? ' "' + t.slice(0, 60) + '"' : '');
  }
  function box(r) {
    return '[' + Math.round(r.left) + ',' + Math.round(r.top) + ' - ' + Math.round(r.right) + ',' +
      Math.round(r.bottom) + ']';
  }
  function inScroller(el) {
    for (var p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      var o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll') return true;
    }
    return false;
  }
  var de = document.documentElement;
  if (de.scrollWidth > W + TOL) bad.push('the page is wider than the window: ' + de.scrollWidth + ' > ' + W);
  var svgs = document.querySelectorAll('svg');
  for (var i = 0; i < svgs.length; i++) {
    var svg = svgs[i];
    var b = svg.getBoundingClientRect();
    var label = 'svg #' + (i + 1) + ' (' + what(svg.querySelector('text') || svg).slice(0, 70) + ')';
    var els = svg.querySelectorAll('text, rect, line, polyline, polygon, circle, path');
    var texts = [];
    for (var j = 0; j < els.length; j++) {
      var el = els[j];
      var r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      checked++;
      if (r.left < b.left - TOL || r.right > b.right + TOL || r.top < b.top - TOL || r.bottom > b.bottom + TOL) {
        bad.push(label + ': ' + what(el) + ' ' + box(r) + ' outside its SVG ' + box(b));
      }
      if (el.tagName.toLowerCase() === 'text') texts.push({ el: el, r: r });
    }
    for (var a = 0; a < texts.length; a++) {
      for (var c = a + 1; c < texts.length; c++) {
        var p = texts[a].r, q = texts[c].r;
        var ox = Math.min(p.right, q.right) - Math.max(p.left, q.left);
        var oy = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
        if (ox > 2 && oy > 2) {
          bad.push(label + ': ' + what(texts[a].el) + ' ' + box(p) + ' overlaps ' + what(texts[c].el) + ' ' + box(q));
        }
      }
    }
    if (b.right > W + TOL && !inScroller(svg)) bad.push(label + ' ' + box(b) + ' reaches past the window (' + W + ')');
  }
  var blocks = document.querySelectorAll('h1, h2, h3, p, li, figcaption, th, td');
  for (var k = 0; k < blocks.length; k++) {
    var e = blocks[k];
    var rr = e.getBoundingClientRect();
    checked++;
    if (rr.right > W + TOL && !inScroller(e)) bad.push(what(e) + ' ' + box(rr) + ' reaches past the window (' + W + ')');
    if (e.scrollWidth > e.clientWidth + TOL && getComputedStyle(e).overflowX === 'hidden') {
      bad.push(what(e) + ' is cut: its text is wider than its box');
    }
  }
  var ans = document.getElementById('answer');
  if (ans) {
    var ar = ans.getBoundingClientRect();
    if (ar.bottom > H + TOL) bad.push('the answer ' + what(ans).slice(0, 80) + ' ends at ' + Math.round(ar.bottom) +
                                      ', below the first screen (' + H + ')');
  }
  var out = document.createElement('pre');
  out.id = 'layout-result';
  out.textContent = (bad.length ? 'LAYOUT FAIL\n' + bad.join('\n') : 'LAYOUT OK ' + checked + ' elements') +
    (ans ? '\nANSWER ' + (ans.getAttribute('data-kind') || '?') : '\nNO ANSWER');
  document.body.appendChild(out);
})();
