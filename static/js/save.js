// Save buttons without a page reload, and the small helpers static/js/saved.js shares on /saved/.
//
// Each form this file (or saved.js) handles is a plain form that works on its own (POST, then a
// redirect back). The script only sends the same request with fetch, asks for JSON (`Accept:
// application/json`), updates the page in place and tells screen readers what happened through
// #live-region. Whenever the answer is not the JSON we expect (offline, logged out, a server error),
// the form is submitted the ordinary way instead, so nothing a member chose is lost.
(function () {
  "use strict";
  if (!window.fetch || !window.FormData || !window.Promise) return;

  // Save/unsave requests for one post go out one after another in click order, so after a double
  // click the server ends in the state the member chose last.
  var queues = {};

  function announce(message) {
    var region = document.getElementById("live-region");
    if (!region) return;
    region.textContent = "";
    // Set after a tick, so the same message twice in a row is still read out.
    window.setTimeout(function () { region.textContent = message; }, 60);
  }

  function csrfToken(form) {
    var input = form.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : "";
  }

  function send(url, form, body) {
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken(form) }
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) throw new Error("not a JSON answer");
      return response.json().then(function (data) {
        return { ok: response.ok, status: response.status, data: data };
      });
    });
  }

  function submitNormally(form) {
    form.setAttribute("data-plain", "");
    // The prototype's submit(): fires no submit event (no loop) and cannot be shadowed by a field.
    HTMLFormElement.prototype.submit.call(form);
  }

  // --- Save / Saved -------------------------------------------------------------------------

  function isSaved(form) {
    var button = form.querySelector(".save-button");
    return button !== null && button.getAttribute("aria-pressed") === "true";
  }

  function showSaved(form, saved) {
    var button = form.querySelector(".save-button");
    var label = form.querySelector(".save-label");
    // The form's action is always the request its next press should send.
    form.setAttribute("action", saved ? form.dataset.unsaveUrl : form.dataset.saveUrl);
    if (button) button.setAttribute("aria-pressed", saved ? "true" : "false");
    if (label) label.textContent = saved ? "Saved" : "Save";
  }

  function formsForPost(form) {
    return Array.prototype.filter.call(document.querySelectorAll("form.save-form"), function (other) {
      return other.dataset.saveUrl === form.dataset.saveUrl;
    });
  }

  function onSave(form) {
    var wantSaved = !isSaved(form);
    var url = wantSaved ? form.dataset.saveUrl : form.dataset.unsaveUrl;
    var body = new FormData(form);
    var title = form.dataset.title || "this piece";
    var key = form.dataset.saveUrl;
    formsForPost(form).forEach(function (each) { showSaved(each, wantSaved); });
    queues[key] = (queues[key] || Promise.resolve())
      .then(function () { return send(url, form, body); })
      .then(function (result) {
        if (!result.ok || typeof result.data.saved !== "boolean") throw new Error("save failed");
        // Only the answer to the latest press is worth saying out loud.
        if (isSaved(form) === result.data.saved) {
          announce(result.data.saved ? "Saved “" + title + "”." : "Removed “" + title + "” from your saved pieces.");
        }
      })
      .catch(function () {
        // Send the member's latest choice the ordinary way.
        form.setAttribute("action", isSaved(form) ? form.dataset.saveUrl : form.dataset.unsaveUrl);
        submitNormally(form);
      });
  }

  // Which function sends a form of each class; saved.js adds those of /saved/.
  var handlers = { "save-form": onSave };

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.hasAttribute("data-plain")) return;
    for (var name in handlers) {
      if (Object.prototype.hasOwnProperty.call(handlers, name) && form.classList.contains(name)) {
        event.preventDefault();
        handlers[name](form);
        return;
      }
    }
  });

  window.quietForms = {
    announce: announce,
    send: send,
    submitNormally: submitNormally,
    handle: function (className, handler) { handlers[className] = handler; }
  };
})();
