/* nines site search. The build writes search-index.js, which defines
   window.NINES_SEARCH = [{title, kind, summary, href}, ...] with href relative to the site root;
   loading it as a script (not fetch) keeps search working from file://.
   Results are built with DOM methods and textContent only, so index text is never parsed as HTML. */
(function () {
  "use strict";

  var container = document.getElementById("search");
  var input = document.getElementById("search-input");
  var results = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!container || !input || !results || !status) return;

  var root = container.getAttribute("data-root") || "";
  var index = Array.isArray(window.NINES_SEARCH) ? window.NINES_SEARCH : [];
  var LIMIT = 50;

  function text(v) { return typeof v === "string" ? v : ""; }

  // Lower-cased haystacks, computed once.
  var entries = index.map(function (e, i) {
    var title = text(e.title), kind = text(e.kind), summary = text(e.summary);
    return {
      entry: e,
      order: i,
      title: title.toLowerCase(),
      all: (title + " " + kind + " " + summary).toLowerCase()
    };
  });

  // Only relative links into the site: an index entry cannot send the reader elsewhere.
  function safeHref(href) {
    href = text(href);
    if (href === "" || /^[a-z][a-z0-9+.\-]*:/i.test(href) || href.charAt(0) === "/" ||
        /[\u0000-\u001f\u007f]/.test(href)) {
      return null;
    }
    return root + href;
  }

  function words(query) {
    return query.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 0; });
  }

  function search(query) {
    var ws = words(query);
    if (ws.length === 0) return [];
    var hits = [];
    entries.forEach(function (e) {
      for (var i = 0; i < ws.length; i++) {
        if (e.all.indexOf(ws[i]) === -1) return;
      }
      var score = 0;
      for (var j = 0; j < ws.length; j++) {
        if (e.title.indexOf(ws[j]) !== -1) score += 1;
      }
      hits.push({ e: e, score: score });
    });
    // Title matches first, then index order: stable, so the same query always lists the same way.
    hits.sort(function (a, b) { return b.score - a.score || a.e.order - b.e.order; });
    return hits.map(function (h) { return h.e.entry; });
  }

  function render() {
    var query = input.value;
    var found = search(query);
    while (results.firstChild) results.removeChild(results.firstChild);
    found.slice(0, LIMIT).forEach(function (e) {
      var href = safeHref(e.href);
      if (href === null) return;
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = href;
      a.textContent = text(e.title) || text(e.href);
      li.appendChild(a);
      if (text(e.kind)) {
        var kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = e.kind;
        li.appendChild(kind);
      }
      if (text(e.summary)) {
        var p = document.createElement("p");
        p.textContent = e.summary;
        li.appendChild(p);
      }
      results.appendChild(li);
    });
    if (words(query).length === 0) {
      status.textContent = "Type to search " + index.length + " pages.";
    } else if (found.length === 0) {
      status.textContent = "No results for \u201c" + query.trim() + "\u201d.";
    } else if (found.length > LIMIT) {
      status.textContent = found.length + " results; showing the first " + LIMIT + ".";
    } else {
      status.textContent = found.length + (found.length === 1 ? " result." : " results.");
    }
  }

  function links() { return Array.prototype.slice.call(results.querySelectorAll("a")); }

  // Arrow keys move between the box and the results; Tab works as usual, Escape clears.
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown") {
      var first = links()[0];
      if (first) { first.focus(); ev.preventDefault(); }
    } else if (ev.key === "Escape") {
      input.value = "";
      render();
    }
  });
  results.addEventListener("keydown", function (ev) {
    var all = links();
    var at = all.indexOf(document.activeElement);
    if (at === -1) return;
    if (ev.key === "ArrowDown" && at + 1 < all.length) {
      all[at + 1].focus();
      ev.preventDefault();
    } else if (ev.key === "ArrowUp") {
      (at > 0 ? all[at - 1] : input).focus();
      ev.preventDefault();
    } else if (ev.key === "Escape") {
      input.focus();
    }
  });

  var timer = null;
  input.addEventListener("input", function () {
    if (timer) clearTimeout(timer);
    timer = setTimeout(render, 80);
  });

  // The header's search form submits here with ?q=.
  var match = /[?&]q=([^&#]*)/.exec(window.location.search);
  if (match) {
    try {
      input.value = decodeURIComponent(match[1].replace(/\+/g, " "));
    } catch (e) {
      input.value = "";
    }
  }
  render();
  input.focus();
})();
