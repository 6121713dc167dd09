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
  // A report file's case is built when it is opened, from the data embedded in the page, as text.
  var cases = null;
  function caseAt(index) {
    if (cases === null) {
      try { cases = JSON.parse(dataOf("eval-cases") || "[]"); } catch (error) { cases = []; }
    }
    return cases[index];
  }
  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function card(cell) {
    var article = element("article", cell.pass ? "card" : "card failed");
    article.setAttribute("data-target", cell.target);
    var title = element("h3");
    title.appendChild(element("span", "", cell.target));
    title.appendChild(element("span", cell.pass ? "badge pass" : "badge fail", cell.pass ? "pass" : "fail"));
    article.appendChild(title);
    var stats = element("div", "stats");
    cell.stats.forEach(function (stat) { stats.appendChild(element("span", "", stat)); });
    article.appendChild(stats);
    if (cell.run !== null) article.appendChild(element("p", "small muted", "run " + cell.run));
    if (cell.error !== null) article.appendChild(element("p", "error", cell.error));
    var list = element("ul", "assertions small");
    cell.assertions.forEach(function (assertion) {
      list.appendChild(element("li", assertion[0] ? "" : "error", (assertion[0] ? "\u2713 " : "\u2717 ") + assertion[1]));
    });
    article.appendChild(list);
    article.appendChild(element("pre", "answer-text", cell.output === "" ? "(no output)" : cell.output));
    return article;
  }
  function fillCase(details) {
    if (details.getAttribute("data-filled") === "true") return;
    var one = caseAt(Number(details.getAttribute("data-case-index")));
    if (!one) return;
    details.setAttribute("data-filled", "true");
    if (one.prompt !== null) details.appendChild(element("pre", "prompt", one.prompt));
    var grid = element("div", "grid");
    one.cells.forEach(function (cell) { grid.appendChild(card(cell)); });
    details.appendChild(grid);
  }
  // toggle does not bubble: listen while it goes down to the details element
  document.addEventListener("toggle", function (event) {
    var target = event.target;
    if (target instanceof HTMLDetailsElement && target.open && target.hasAttribute("data-case-index")) fillCase(target);
  }, true);
  function openFromHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    var details = id ? document.getElementById(id) : null;
    if (details instanceof HTMLDetailsElement) {
      details.open = true;
      fillCase(details);
    }
  }
  window.addEventListener("hashchange", openFromHash);
  openFromHash();
  var opened = document.querySelectorAll("details[open][data-case-index]");
  for (var n = 0; n < opened.length; n++) fillCase(opened[n]);
  // A long matrix: the rows past the first wait in a template; move them in, a batch per task, so
  // the page shows at once and stays responsive. The failures filter applies to them as they come.
  function moreRows() {
    var more = document.getElementById("matrix-more");
    var body = document.querySelector("#matrix tbody");
    if (!(more instanceof HTMLTemplateElement) || !body) return;
    var rows = Array.prototype.slice.call(more.content.children);
    more.remove();
    function step() {
      var filter = document.getElementById("only-failures");
      var onlyFailures = filter instanceof HTMLInputElement && filter.checked;
      var batch = rows.splice(0, 200);
      var fragment = document.createDocumentFragment();
      batch.forEach(function (row) {
        row.hidden = onlyFailures && row.getAttribute("data-failed") !== "true";
        fragment.appendChild(row);
      });
      body.appendChild(fragment);
      if (rows.length > 0) setTimeout(step, 0);
    }
    setTimeout(step, 0);
  }
  moreRows();
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
        if (next && next.getAttribute("data-version") !== version) {
          main.replaceWith(document.adoptNode(next));
          moreRows();
        }
      })
      .catch(function () {})
      .then(function () { setTimeout(poll, 2000); });
  }
  setTimeout(poll, 2000);
})();
`;
