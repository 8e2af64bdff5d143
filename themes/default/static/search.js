/* nines site search. The build writes search-index.js, which defines
   window.NINES_SEARCH = [[kind, title, href, summary, text], ...] with href relative to the site
   root ("x/" stands for "x/index.html") and text the searchable words of the document (ids,
   people, alert names, then its prose). The index is loaded as a script (not fetch), on first use,
   so search works from file:// and pages that never search never load it.
   Results are built with DOM methods and textContent only, so index text is never parsed as HTML. */
(function () {
  "use strict";

  var container = document.getElementById("search");
  var input = document.getElementById("search-input");
  var results = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!container || !input || !results || !status) return;

  var root = container.getAttribute("data-root") || "";
  var kindsBox = document.getElementById("search-kinds");
  var LIMIT = 50;
  var entries = null; // built from the index once it is loaded
  var loading = false;

  function text(v) { return typeof v === "string" ? v : ""; }

  // Lower case without accents, one character for one, so positions in the folded text are
  // positions in the original ("Tomas" finds "Tomás" and marks it).
  function fold(s) {
    return s.toLowerCase().replace(/[^\u0000-\u007f]/g, function (c) {
      var base = c.normalize ? c.normalize("NFD").charAt(0) : c;
      return base.length === 1 ? base : c;
    });
  }

  function build(index) {
    return index.map(function (e, i) {
      if (!Array.isArray(e)) e = [];
      var kind = text(e[0]), title = text(e[1]), summary = text(e[3]), body = text(e[4]);
      return {
        kind: kind, title: title, href: text(e[2]), summary: summary, body: body, order: i,
        ftitle: fold(title), fsummary: fold(summary), fbody: fold(body),
        fkind: fold(kind)
      };
    });
  }

  function load() {
    if (entries || loading) return;
    if (Array.isArray(window.NINES_SEARCH)) {
      entries = build(window.NINES_SEARCH);
      render();
      return;
    }
    loading = true;
    status.textContent = "Loading the search index\u2026";
    var s = document.createElement("script");
    s.src = root + "search-index.js";
    s.onload = function () {
      loading = false;
      entries = build(Array.isArray(window.NINES_SEARCH) ? window.NINES_SEARCH : []);
      render();
    };
    s.onerror = function () {
      loading = false;
      status.textContent = "The search index could not be loaded.";
    };
    document.head.appendChild(s);
  }

  // Only relative links into the site: an index entry cannot send the reader elsewhere.
  function safeHref(href) {
    if (href === "" || /^[a-z][a-z0-9+.\-]*:/i.test(href) || href.charAt(0) === "/" ||
        /[\u0000-\u001f\u007f]/.test(href)) {
      return null;
    }
    var hash = href.indexOf("#");
    var path = hash === -1 ? href : href.slice(0, hash);
    if (path.charAt(path.length - 1) === "/") path += "index.html";
    return root + path + (hash === -1 ? "" : href.slice(hash));
  }

  function words(query) {
    return fold(query).split(/\s+/).filter(function (w) { return w.length > 0; });
  }

  function selectedKind() {
    var checked = kindsBox && kindsBox.querySelector("input[name=kind]:checked");
    return checked ? checked.value : "";
  }

  function search(ws) {
    var hits = [];
    entries.forEach(function (e) {
      var score = 0;
      for (var i = 0; i < ws.length; i++) {
        var w = ws[i];
        if (e.ftitle.indexOf(w) !== -1) score += 4;
        else if (e.fkind === w) score += 2;
        else if (e.fsummary.indexOf(w) !== -1) score += 2;
        else if (e.fbody.indexOf(w) !== -1) score += 1;
        else return;
      }
      hits.push({ e: e, score: score });
    });
    // Best first, then index order: stable, so the same query always lists the same way.
    hits.sort(function (a, b) { return b.score - a.score || a.e.order - b.e.order; });
    return hits.map(function (h) { return h.e; });
  }

  // Appends `s` to `el` with every query word in it marked.
  function marked(el, s, ws) {
    var f = fold(s), at = 0;
    while (at < s.length) {
      var best = -1, len = 0;
      for (var i = 0; i < ws.length; i++) {
        var p = f.indexOf(ws[i], at);
        if (p !== -1 && (best === -1 || p < best || (p === best && ws[i].length > len))) {
          best = p;
          len = ws[i].length;
        }
      }
      if (best === -1) break;
      if (best > at) el.appendChild(document.createTextNode(s.slice(at, best)));
      var m = document.createElement("mark");
      m.textContent = s.slice(best, best + len);
      el.appendChild(m);
      at = best + len;
    }
    if (at < s.length) el.appendChild(document.createTextNode(s.slice(at)));
  }

  // A window of the text around the first query word it holds, cut at spaces.
  function snippet(e, ws) {
    var src = e.summary, f = e.fsummary, pos = -1;
    for (var i = 0; i < ws.length && pos === -1; i++) {
      if (e.fbody.indexOf(ws[i]) !== -1 && e.fsummary.indexOf(ws[i]) === -1 &&
          e.ftitle.indexOf(ws[i]) === -1) {
        src = e.body;
        f = e.fbody;
        pos = f.indexOf(ws[i]);
      }
    }
    if (pos === -1) return src;
    var start = Math.max(0, pos - 60), end = Math.min(src.length, pos + 140);
    if (start > 0) {
      var sp = src.indexOf(" ", start);
      if (sp !== -1 && sp < pos) start = sp + 1;
    }
    if (end < src.length) {
      var sp2 = src.lastIndexOf(" ", end);
      if (sp2 > pos) end = sp2;
    }
    return (start > 0 ? "\u2026" : "") + src.slice(start, end) + (end < src.length ? "\u2026" : "");
  }

  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }

  // The kind filter: counts of the current query's hits per kind; kinds without hits are hidden.
  function updateKinds(found) {
    if (!kindsBox) return;
    var counts = {};
    found.forEach(function (e) { counts[e.kind] = (counts[e.kind] || 0) + 1; });
    Array.prototype.forEach.call(kindsBox.querySelectorAll("label[data-kind]"), function (label) {
      var kind = label.getAttribute("data-kind");
      var n = kind === "" ? found.length : (counts[kind] || 0);
      var count = label.querySelector(".count");
      if (count) count.textContent = String(n);
      var radio = label.querySelector("input");
      label.hidden = n === 0 && kind !== "" && !(radio && radio.checked);
    });
    kindsBox.hidden = found.length === 0;
  }

  function render() {
    var query = input.value;
    var ws = words(query);
    clear(results);
    if (!entries) {
      if (ws.length > 0) load();
      return;
    }
    var found = ws.length === 0 ? [] : search(ws);
    results.setAttribute("data-query", query); // what the list shows, for scripts and tests
    updateKinds(found);
    var kind = selectedKind();
    var shown = kind === "" ? found : found.filter(function (e) { return e.kind === kind; });
    shown.slice(0, LIMIT).forEach(function (e) {
      var href = safeHref(e.href);
      if (href === null) return;
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = href;
      marked(a, e.title || e.href, ws);
      li.appendChild(a);
      if (e.kind) {
        var k = document.createElement("span");
        k.className = "kind kind-" + e.kind.toLowerCase().replace(/[^a-z]/g, "");
        k.textContent = e.kind;
        li.appendChild(k);
      }
      var snip = snippet(e, ws);
      if (snip) {
        var p = document.createElement("p");
        p.className = "snippet";
        marked(p, snip, ws);
        li.appendChild(p);
      }
      results.appendChild(li);
    });
    if (ws.length === 0) {
      status.textContent = "Type to search " + entries.length + " entries.";
    } else if (shown.length === 0) {
      status.textContent = "No results for \u201c" + query.trim() + "\u201d" +
        (kind && found.length ? " of this kind." : ".");
    } else if (shown.length > LIMIT) {
      status.textContent = shown.length + " results; showing the first " + LIMIT + ".";
    } else {
      status.textContent = shown.length + (shown.length === 1 ? " result." : " results.");
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
  input.addEventListener("focus", load);
  input.addEventListener("input", function () {
    load();
    if (timer) clearTimeout(timer);
    timer = setTimeout(render, 80);
  });
  if (kindsBox) kindsBox.addEventListener("change", render);

  // The header's search form submits here with ?q=.
  var match = /[?&]q=([^&#]*)/.exec(window.location.search);
  if (match) {
    try {
      input.value = decodeURIComponent(match[1].replace(/\+/g, " "));
    } catch (e) {
      input.value = "";
    }
  }
  status.textContent = "Type to search.";
  if (input.value) load();
  input.focus();
})();
