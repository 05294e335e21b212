// Copy buttons for the remediation scripts. The text comes from the <code> element's textContent
// (never from an attribute), so what is copied is exactly what is shown. Listeners are attached
// here: the page has no inline event handlers, and the Content-Security-Policy admits only this
// script, by its SHA-256 hash.
(function () {
  "use strict";

  function copyWithTextarea(text) {
    var buffer = document.createElement("textarea");
    buffer.value = text;
    buffer.setAttribute("readonly", "");
    buffer.setAttribute("aria-hidden", "true");
    buffer.className = "copy-buffer";
    document.body.appendChild(buffer);
    buffer.select();
    var ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (e) {
      ok = false;
    }
    document.body.removeChild(buffer);
    return ok;
  }

  function show(button, state) {
    var text = button.getAttribute(state === "idle" ? "data-label" : "data-label-" + state);
    if (text) button.textContent = text;
    if (state !== "idle") {
      window.setTimeout(function () {
        show(button, "idle");
      }, 2000);
    }
  }

  function copyScript(button) {
    var wrap = button.parentNode;
    var code = wrap && wrap.querySelector("pre > code");
    if (!code) return;
    var text = code.textContent || "";
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () {
          show(button, "copied");
        },
        function () {
          show(button, copyWithTextarea(text) ? "copied" : "failed");
        }
      );
    } else {
      show(button, copyWithTextarea(text) ? "copied" : "failed");
    }
  }

  var buttons = document.querySelectorAll("button.copy");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].addEventListener("click", function (event) {
      copyScript(event.currentTarget);
    });
  }
  document.documentElement.className += " js";
})();
