/* Copy buttons on code blocks (<pre class="code-block"> from render/markdown.cpp, and any other
   <pre><code>). A real <button>, so it is reachable by keyboard; the result is announced through
   the button's own text. */
(function () {
  "use strict";

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "absolute";
    area.style.left = "-9999px";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  function copy(text) {
    // The async clipboard needs a secure context, which file:// is not in every browser.
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(function () { return true; },
                                                      function () { return fallbackCopy(text); });
    }
    return Promise.resolve(fallbackCopy(text));
  }

  function attach(pre) {
    // Read before the button is added: it would otherwise be part of a bare <pre>'s text.
    var text = (pre.querySelector("code") || pre).textContent;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy code to clipboard");
    var reset = null;
    button.addEventListener("click", function () {
      copy(text).then(function (ok) {
        button.textContent = ok ? "Copied" : "Press Ctrl+C";
        button.setAttribute("aria-label", ok ? "Code copied" : "Copy failed; select the code and copy it");
        if (reset) clearTimeout(reset);
        reset = setTimeout(function () {
          button.textContent = "Copy";
          button.setAttribute("aria-label", "Copy code to clipboard");
        }, 2000);
      });
    });
    if (!pre.classList.contains("code-block")) pre.classList.add("code-block");
    pre.appendChild(button);
  }

  function init() {
    var blocks = document.querySelectorAll("pre.code-block, pre > code");
    var seen = [];
    Array.prototype.forEach.call(blocks, function (el) {
      var pre = el.tagName === "PRE" ? el : el.parentNode;
      if (seen.indexOf(pre) !== -1) return;
      seen.push(pre);
      attach(pre);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
