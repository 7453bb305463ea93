// sm-harness reports: filters and printing. Without this script every section is shown; with it the
// reader can narrow the page. Printing always shows everything (a release board files the whole pack).
(function () {
  "use strict";
  function all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }

  // Filter buttons: <div class="controls" data-filter-target="SELECTOR"> with buttons data-show="KEY|all";
  // a target element is shown when its data-key holds KEY (space separated).
  all(".controls[data-filter-target]").forEach(function (bar) {
    var targets = all(bar.getAttribute("data-filter-target"));
    all("button[data-show]", bar).forEach(function (button) {
      button.addEventListener("click", function () {
        var key = button.getAttribute("data-show");
        all("button[data-show]", bar).forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
        targets.forEach(function (el) {
          var keys = (el.getAttribute("data-key") || "").split(" ");
          el.classList.toggle("hidden", key !== "all" && keys.indexOf(key) < 0);
        });
      });
    });
  });

  // Expand / collapse every scenario.
  all("button[data-details]").forEach(function (button) {
    button.addEventListener("click", function () {
      var open = button.getAttribute("data-details") === "open";
      all("details.scenario").forEach(function (d) { d.open = open; });
    });
  });

  // A link to a scenario opens it.
  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (el && el.tagName === "DETAILS") { el.open = true; }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();

  // Print everything: open every <details>, show filtered-out rows, and restore afterwards.
  var closed = [];
  window.addEventListener("beforeprint", function () {
    closed = all("details:not([open])");
    closed.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    closed.forEach(function (d) { d.open = false; });
    closed = [];
  });
})();
