"""The CSS and script of the HTML report, inlined into every page (no external assets).

Every class is prefixed ``rt-`` so the styles can be dropped into other pages (the web viewer's
pair page uses them unchanged).
"""

from __future__ import annotations

import base64
import hashlib

REPORT_CSS = """
:root {
  --rt-fg: #1d1f23; --rt-muted: #646a73; --rt-bg: #ffffff; --rt-panel: #f5f6f8;
  --rt-line: #dfe2e6; --rt-cur: #2f6fde;
  --rt-identical: #9aa1a9; --rt-edited: #d49a00; --rt-reworded: #2a8bbf;
  --rt-moved: #9b4dca; --rt-only: #d0453a;
  --rt-del-bg: #fbd3cf; --rt-del-fg: #8c1d13; --rt-ins-bg: #cdeed3; --rt-ins-fg: #14592a;
  --rt-verdict: #6b7280;
}
@media (prefers-color-scheme: dark) {
  :root {
    --rt-fg: #e3e5e8; --rt-muted: #9aa1aa; --rt-bg: #16181c; --rt-panel: #1f2227;
    --rt-line: #30343b; --rt-cur: #6ea2ff;
    --rt-del-bg: #5a1f1a; --rt-del-fg: #ffc9c2; --rt-ins-bg: #173f22; --rt-ins-fg: #c4f0cf;
  }
}
* { box-sizing: border-box; }
body.rt { margin: 0; padding: 1.2rem 1.5rem 3rem; color: var(--rt-fg); background: var(--rt-bg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
.rt h1 { font-size: 1.35rem; margin: 0 0 .6rem; display: flex; gap: .6rem; align-items: center;
  flex-wrap: wrap; }
.rt h2 { font-size: 1.05rem; margin: 1.6rem 0 .5rem; }
.rt-verdict { display: inline-block; padding: .1rem .6rem; border-radius: 999px; color: #fff;
  background: var(--rt-verdict); font-size: .95rem; letter-spacing: .02em; }
.rt-v-identical { background: #b42318; } .rt-v-near-duplicate { background: #d0453a; }
.rt-v-rewrite { background: #9b4dca; } .rt-v-partial { background: #b7791f; }
.rt-v-related { background: #2a8bbf; } .rt-v-unrelated { background: #3f8f55; }
.rt-head { background: var(--rt-panel); border: 1px solid var(--rt-line); border-radius: 10px;
  padding: .9rem 1.1rem; }
.rt-facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
.rt-facts dt { color: var(--rt-muted); }
.rt-facts dd { margin: 0; }
.rt-doc { overflow-wrap: anywhere; }
.rt-doc .rt-meta { color: var(--rt-muted); margin-left: .4rem; }
.rt-cov { display: flex; align-items: center; gap: .5rem; }
.rt-bar { display: inline-block; width: 10rem; height: .65rem; border-radius: 999px;
  background: var(--rt-line); overflow: hidden; vertical-align: middle; }
.rt-bar > span { display: block; height: 100%; background: var(--rt-reworded); }
.rt-scores { display: flex; flex-wrap: wrap; gap: .3rem 1rem; }
.rt-scores b { font-variant-numeric: tabular-nums; }
.rt-muted { color: var(--rt-muted); }
.rt-legend { display: flex; flex-wrap: wrap; gap: .4rem 1.1rem; align-items: center;
  margin: 1rem 0 .6rem; font-size: .88rem; color: var(--rt-muted); }
.rt-sw { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px;
  vertical-align: -.1rem; margin-right: .3rem; }
.rt-sw-identical { background: var(--rt-identical); }
.rt-sw-edited { background: var(--rt-edited); }
.rt-sw-reworded { background: var(--rt-reworded); } .rt-sw-moved { background: var(--rt-moved); }
.rt-sw-only { background: var(--rt-only); }
.rt-legend kbd { border: 1px solid var(--rt-line); border-radius: 3px; padding: 0 .3rem;
  font: .8rem ui-monospace, monospace; background: var(--rt-panel); }
table.rt-pair { width: 100%; border-collapse: collapse; table-layout: fixed; }
.rt-pair th { text-align: left; font-weight: 600; padding: .4rem .6rem;
  border-bottom: 2px solid var(--rt-line); overflow-wrap: anywhere; }
.rt-pair td { vertical-align: top; padding: .45rem .6rem; border-bottom: 1px solid var(--rt-line);
  overflow-wrap: anywhere; }
.rt-pair col.rt-col-m { width: 6.5rem; }
.rt-pair td.rt-m { text-align: center; overflow-wrap: normal; font-size: .78rem;
  color: var(--rt-muted); border-left: 4px solid var(--rt-kind, var(--rt-line)); }
.rt-pair th.rt-m { text-align: center; }
.rt-kind { display: block; font-weight: 600; color: var(--rt-kind, var(--rt-fg)); }
.rt-sim, .rt-shape { display: block; font-variant-numeric: tabular-nums; }
.rt-movedtag { display: inline-block; margin-top: .15rem; padding: 0 .35rem; border-radius: 3px;
  background: var(--rt-moved); color: #fff; }
tr.rt-identical { --rt-kind: var(--rt-identical); } tr.rt-edited { --rt-kind: var(--rt-edited); }
tr.rt-reworded { --rt-kind: var(--rt-reworded); } tr.rt-moved { --rt-kind: var(--rt-moved); }
tr.rt-only { --rt-kind: var(--rt-only); }
tr.rt-identical td.rt-a, tr.rt-identical td.rt-b { color: var(--rt-muted); }
tr.rt-only td.rt-empty { background: repeating-linear-gradient(135deg, transparent 0 6px,
  var(--rt-panel) 6px 12px); }
tr.rt-moved td.rt-b { box-shadow: inset 3px 0 0 var(--rt-moved); }
.rt-s { display: block; }
.rt-s + .rt-s { margin-top: .35rem; padding-top: .35rem; border-top: 1px dashed var(--rt-line); }
.rt-n { float: right; margin-left: .5rem; font-size: .7rem; color: var(--rt-muted);
  font-variant-numeric: tabular-nums; user-select: none; }
.rt-pair del, .rt-pair ins { text-decoration: none; border-radius: 2px; padding: 0 .05rem; }
tr.rt-edited del { background: var(--rt-del-bg);
  color: var(--rt-del-fg); text-decoration: line-through; }
tr.rt-edited ins { background: var(--rt-ins-bg);
  color: var(--rt-ins-fg); }
body:has(#rt-all:checked) tr.rt-reworded del { background: var(--rt-del-bg);
  color: var(--rt-del-fg); text-decoration: line-through; }
body:has(#rt-all:checked) tr.rt-reworded ins { background: var(--rt-ins-bg);
  color: var(--rt-ins-fg); }
.rt-badge { display: inline-block; margin-top: .2rem; padding: 0 .4rem; border-radius: 3px;
  font-size: .72rem; background: var(--rt-panel); border: 1px solid var(--rt-line);
  color: var(--rt-fg); }
.rt-badge-caption, .rt-badge-credit { border-color: var(--rt-edited); }
.rt-badge-heading { border-color: var(--rt-reworded); }
.rt-badge-boilerplate { border-color: var(--rt-identical); }
tr.rt-cur td { background: color-mix(in srgb, var(--rt-cur) 9%, transparent); }
tr.rt-cur td.rt-m { box-shadow: inset 0 0 0 2px var(--rt-cur); }
tr.rt-row:focus { outline: none; }
.rt-changes ul { margin: .2rem 0 .8rem; padding-left: 1.2rem; }
.rt-changes li { margin: .15rem 0; overflow-wrap: anywhere; }
.rt-changes h3 { font-size: .95rem; margin: .8rem 0 .2rem; }
.rt-old { background: var(--rt-del-bg); color: var(--rt-del-fg); padding: 0 .2rem;
  border-radius: 2px; }
.rt-new { background: var(--rt-ins-bg); color: var(--rt-ins-fg); padding: 0 .2rem;
  border-radius: 2px; }
.rt-ref { font-size: .78rem; color: var(--rt-muted); margin-left: .4rem; }
.rt a { color: var(--rt-cur); }
.rt-foot { margin-top: 2rem; font-size: .8rem; color: var(--rt-muted); }
@media (max-width: 700px) {
  body.rt { padding: .6rem; font-size: 14px; }
  .rt-pair col.rt-col-m { width: 4.8rem; }
  .rt-pair td.rt-m { font-size: .7rem; padding: .45rem .2rem; }
}
@media print {
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body.rt { padding: 0; font-size: 10pt; background: #fff; color: #000; }
  .rt-head { border: 1px solid #999; }
  .rt-toggle, .rt-keys { display: none; }
  .rt-pair thead { display: table-header-group; }
  .rt-pair tr { break-inside: avoid; page-break-inside: avoid; }
  tr.rt-cur td { background: none; } tr.rt-cur td.rt-m { box-shadow: none; }
  .rt a { color: inherit; text-decoration: none; }
}
""".strip()

REPORT_JS = """
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.rt-row"));
  var cur = -1;
  function go(k, scroll) {
    if (!rows.length) return;
    if (cur >= 0) rows[cur].classList.remove("rt-cur");
    cur = Math.max(0, Math.min(rows.length - 1, k));
    var row = rows[cur];
    row.classList.add("rt-cur");
    if (scroll) row.scrollIntoView({block: "center"});
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable)) return;
    if (e.key === "j") { go(cur + 1, true); e.preventDefault(); }
    else if (e.key === "k") { go(cur < 0 ? 0 : cur - 1, true); e.preventDefault(); }
  });
  rows.forEach(function (row, i) {
    row.addEventListener("click", function () { go(i, false); });
  });
})();
""".strip()


def script_hash(script: str) -> str:
    """The CSP source that allows exactly this inline script.

    Example:
        >>> script_hash("")
        "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
    """
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def content_security_policy(*scripts: str) -> str:
    """A policy that loads nothing from anywhere and runs only the given inline scripts."""
    script_src = " ".join(script_hash(s) for s in scripts) or "'none'"
    return (
        "default-src 'none'; style-src 'unsafe-inline'; "
        f"script-src {script_src}; base-uri 'none'; form-action 'none'"
    )
