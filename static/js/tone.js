/* The tone guide as staff type (messaging/tone.py does the same on the server).
 *
 * Reads the administrator's list from <script id="tone-guide" type="application/json">,
 * tests each phrase's pattern against the reply, and lists the polite alternatives in
 * the aria-live region #tone-hints. A hint only: it never blocks sending. Without
 * JavaScript, "Check my wording" and the server give the same hints.
 */
(function () {
  "use strict";

  var guideElement = document.getElementById("tone-guide");
  var region = document.getElementById("tone-hints");
  var textarea = document.querySelector("form textarea[name=body]");
  if (!guideElement || !region || !textarea) {
    return;
  }

  var guide = [];
  try {
    guide = JSON.parse(guideElement.textContent).map(function (entry) {
      // "m" as well as "iu": the server matches with re.MULTILINE, so ^ and $ mean a line's ends.
      return { phrase: entry.phrase, alternative: entry.alternative, pattern: new RegExp(entry.pattern, "imu") };
    });
  } catch (error) {
    // A pattern this browser cannot compile (an old engine without lookbehind): fall back to the server check.
    return;
  }

  // Typed apostrophes differ between keyboards; compare them as one (tone.normalise).
  function normalise(text) {
    return text.replace(/[\u2019\u2018\u02bc]/g, "'").toLowerCase();
  }

  function hintText(flag) {
    // Functions, not strings, as replacements: a "$" in a phrase must stay a "$".
    return region.dataset.hint
      .replace("__PHRASE__", function () { return flag.phrase; })
      .replace("__ALTERNATIVE__", function () { return flag.alternative; });
  }

  function matching() {
    var text = normalise(textarea.value);
    return guide.filter(function (flag) {
      return flag.pattern.test(text);
    });
  }

  function signatureOf(matches) {
    return matches.map(function (flag) { return flag.phrase; }).join("\n");
  }

  // The server may already have listed hints ("Check my wording"): keep them until the text changes what matches.
  var shown = region.children.length ? signatureOf(matching()) : "";

  function check() {
    var matches = matching();
    var signature = signatureOf(matches);
    if (signature === shown) {
      return; // unchanged: do not make screen readers repeat it on every key
    }
    shown = signature;
    region.textContent = "";
    if (!matches.length) {
      return;
    }
    var intro = document.createElement("p");
    intro.className = "tone-hints__intro";
    intro.textContent = region.dataset.intro;
    var list = document.createElement("ul");
    matches.forEach(function (flag) {
      var item = document.createElement("li");
      item.textContent = hintText(flag);
      list.appendChild(item);
    });
    region.appendChild(intro);
    region.appendChild(list);
  }

  // The reply starts with the greeting ("Dear Mrs. Garcia,"): the first tap should write after it, not before.
  var greeting = textarea.value;
  textarea.addEventListener("focus", function () {
    if (greeting && textarea.value === greeting) {
      window.setTimeout(function () {
        textarea.setSelectionRange(greeting.length, greeting.length);
      }, 0);
    }
  });

  var timer = null;
  textarea.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, 250);
  });

  // Saved replies: with JavaScript, put the text where the cursor is instead of reloading the page
  // (which would lose what was already typed).
  document.querySelectorAll("a[data-saved-body]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var body = link.dataset.savedBody;
      var start = textarea.selectionStart;
      var end = textarea.selectionEnd;
      if (typeof start !== "number") {
        start = end = textarea.value.length;
      }
      textarea.value = textarea.value.slice(0, start) + body + textarea.value.slice(end);
      textarea.focus();
      textarea.setSelectionRange(start + body.length, start + body.length);
      check();
    });
  });
})();
