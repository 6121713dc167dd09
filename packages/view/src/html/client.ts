// The pages' only script, inline and allowed by its hash. It never builds markup from data: text goes
// in through textContent, and live updates swap in markup the server already escaped.

export const CLIENT_SCRIPT = `
(function () {
  "use strict";
  function dataOf(id) {
    var el = document.getElementById(id);
    return el ? el.textContent : "";
  }
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    var copy = target.closest("[data-copy]");
    if (copy) {
      var text = dataOf(copy.getAttribute("data-copy"));
      var done = function () { copy.textContent = "Copied"; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () { download(text); });
      } else download(text);
    }
  });
  function download(text) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text], { type: "application/json" }));
    link.download = "run.json";
    document.body.appendChild(link);
    link.click();
    link.remove();
  }
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLInputElement && target.id === "only-failures") {
      var table = document.getElementById("matrix");
      if (table) table.classList.toggle("only-failures", target.checked);
      var rows = document.querySelectorAll("#matrix tbody tr");
      for (var i = 0; i < rows.length; i++) {
        rows[i].hidden = target.checked && rows[i].getAttribute("data-failed") !== "true";
      }
    }
  });
  // A page whose run or eval is still going asks the server for its newer markup every two seconds.
  function poll() {
    var main = document.querySelector("main[data-live]");
    if (!main) return;
    var url = main.getAttribute("data-live");
    var version = main.getAttribute("data-version");
    fetch(url, { headers: { accept: "text/html" }, cache: "no-store" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (markup) {
        if (markup === null) return;
        var doc = new DOMParser().parseFromString(markup, "text/html");
        var next = doc.querySelector("main");
        if (next && next.getAttribute("data-version") !== version) main.replaceWith(document.adoptNode(next));
      })
      .catch(function () {})
      .then(function () { setTimeout(poll, 2000); });
  }
  setTimeout(poll, 2000);
})();
`;
