// Keyboard navigation on pair pages: j/k move between linked rows, o between one-side-only rows.
// No inline handlers and no external code: the page's CSP allows only scripts from this origin.
(function () {
  "use strict";
  function rows(selector) {
    return Array.prototype.slice.call(document.querySelectorAll(selector));
  }
  function select(row) {
    rows("table.rt-pair tr.rt-cur").forEach(function (r) { r.classList.remove("rt-cur"); });
    if (!row) return;
    row.classList.add("rt-cur");
    row.scrollIntoView({ block: "center" });
    if (row.id && history.replaceState) history.replaceState(null, "", "#" + row.id);
  }
  // the next (delta 1) or previous (delta -1) row matching selector, from the current row
  function step(selector, delta) {
    var all = rows("table.rt-pair tbody tr");
    var cur = document.querySelector("table.rt-pair tbody tr.rt-cur");
    var pos = cur ? all.indexOf(cur) : (delta > 0 ? -1 : all.length);
    var i = pos + delta;
    while (i >= 0 && i < all.length) {
      if (all[i].matches(selector)) { select(all[i]); return; }
      i += delta;
    }
  }
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var tag = (event.target && event.target.tagName) || "";
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") return;
    if (event.key === "j") step("table.rt-pair tr.rt-link", 1);
    else if (event.key === "k") step("table.rt-pair tr.rt-link", -1);
    else if (event.key === "o") step("table.rt-pair tr.rt-only", 1);
    else if (event.key === "O") step("table.rt-pair tr.rt-only", -1);
    else return;
    event.preventDefault();
  });
  document.addEventListener("click", function (event) {
    var row = event.target && event.target.closest && event.target.closest("table.rt-pair tbody tr");
    if (row && !(event.target.closest("a"))) {
      rows("table.rt-pair tr.rt-cur").forEach(function (r) { r.classList.remove("rt-cur"); });
      row.classList.add("rt-cur");
    }
  });
  // a link from the list of changes (#a-3, #b-5) or to a row (#link-2) marks that row
  function fromHash() {
    var target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    var row = target && target.closest && target.closest("table.rt-pair tbody tr");
    if (!row) return;
    rows("table.rt-pair tr.rt-cur").forEach(function (r) { r.classList.remove("rt-cur"); });
    row.classList.add("rt-cur");
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();
})();
