// Save buttons, private notes and removals without a page reload.
//
// Each of these is a plain form that works on its own (POST, then a redirect back). This file
// only sends the same request with fetch, asks for JSON (`Accept: application/json`), updates the
// page in place and tells screen readers what happened through #live-region. Whenever the answer
// is not the JSON we expect (offline, logged out, a server error), the form is submitted the
// ordinary way instead, so nothing a member chose is lost.
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

  // --- Private notes on /saved/ ------------------------------------------------------------

  function setText(element, text) {
    // Line breaks as <br>, everything else as text: no markup from the note ever reaches the page.
    while (element.firstChild) element.removeChild(element.firstChild);
    text.split("\n").forEach(function (line, index) {
      if (index > 0) element.appendChild(document.createElement("br"));
      element.appendChild(document.createTextNode(line));
    });
  }

  function showErrors(form, messages) {
    var box = form.querySelector(".note-errors");
    var textarea = form.querySelector("textarea");
    if (box) {
      while (box.firstChild) box.removeChild(box.firstChild);
      if (messages.length) {
        var list = document.createElement("ul");
        list.className = "errorlist";
        messages.forEach(function (message) {
          var item = document.createElement("li");
          item.textContent = message;
          list.appendChild(item);
        });
        box.appendChild(list);
      }
    }
    if (textarea) {
      if (messages.length) textarea.setAttribute("aria-invalid", "true");
      else textarea.removeAttribute("aria-invalid");
    }
  }

  function onNote(form) {
    var item = form.closest(".saved-item");
    var button = form.querySelector('button[type="submit"]');
    var textarea = form.querySelector("textarea");
    var title = form.dataset.title || "this piece";
    if (button) button.disabled = true;
    send(form.getAttribute("action"), form, new FormData(form))
      .then(function (result) {
        if (result.status === 400 && result.data.errors) {
          var messages = result.data.errors.note || ["This note could not be saved."];
          showErrors(form, messages);
          if (textarea) textarea.focus();
          announce(messages.join(" "));
          return;
        }
        if (!result.ok || typeof result.data.note !== "string") throw new Error("note failed");
        var note = result.data.note;
        showErrors(form, []);
        if (textarea) textarea.value = note;
        updateCount(textarea);
        if (item) {
          var text = item.querySelector(".note-text");
          var body = item.querySelector(".note-body");
          var remove = item.querySelector(".note-delete");
          if (body) setText(body, note);
          if (text) text.hidden = !note;
          if (remove) remove.hidden = !note;
          var summary = item.querySelector(".note-summary");
          if (summary) summary.textContent = note ? "Edit your note" : "Add a note";
          var details = item.querySelector("details.note-editor");
          if (details) {
            details.open = false;
            var toggle = details.querySelector("summary");
            if (toggle) toggle.focus();
          }
        }
        announce("Note saved for “" + title + "”.");
      })
      .catch(function () { submitNormally(form); })
      .then(function () { if (button) button.disabled = false; });
  }

  // --- The note's length, counted as the member types ---------------------------------------
  // The server refuses an over-long note (never cuts it); the counter says so before sending.

  function noteLength(textarea) {
    // As the server counts: line breaks as one character, spaces at either end trimmed.
    return textarea.value.replace(/\r\n?/g, "\n").trim().length;
  }

  function updateCount(textarea) {
    if (!textarea || !textarea.dataset.maxLength) return;
    var limit = parseInt(textarea.dataset.maxLength, 10);
    var counter = document.getElementById(textarea.id + "-count");
    if (!counter) {
      counter = document.createElement("p");
      counter.className = "note-count";
      counter.id = textarea.id + "-count";
      var value = document.createElement("span");
      value.className = "note-count-value";
      var over = document.createElement("span");
      over.className = "note-count-over";
      counter.appendChild(value);
      counter.appendChild(document.createTextNode(" of " + limit + " characters"));
      counter.appendChild(over);
      textarea.insertAdjacentElement("afterend", counter);
      var described = textarea.getAttribute("aria-describedby") || "";
      textarea.setAttribute("aria-describedby", (described + " " + counter.id).trim());
    }
    var length = noteLength(textarea);
    var tooLong = length > limit;
    counter.querySelector(".note-count-value").textContent = String(length);
    counter.querySelector(".note-count-over").textContent = tooLong ? ": " + (length - limit) + " too many" : "";
    counter.classList.toggle("is-over", tooLong);
    if (tooLong) textarea.setAttribute("aria-invalid", "true");
    else if (!textarea.closest("form").querySelector(".note-errors li")) textarea.removeAttribute("aria-invalid");
    if (tooLong !== (textarea.dataset.wasOver === "true")) {
      textarea.dataset.wasOver = String(tooLong);
      if (tooLong) announce("Your note is longer than " + limit + " characters.");
    }
  }

  document.addEventListener("input", function (event) {
    if (event.target instanceof HTMLTextAreaElement) updateCount(event.target);
  });
  Array.prototype.forEach.call(document.querySelectorAll("textarea[data-max-length]"), updateCount);

  // --- Removing a piece from /saved/, and undoing that -------------------------------------
  // The row stays where it was, replaced by "Removed · Undo"; the note is kept on the server.

  function showRemoved(item, removed) {
    var piece = item.querySelector(".saved-piece");
    var notice = item.querySelector(".saved-removed");
    if (piece) piece.hidden = removed;
    if (notice) notice.hidden = !removed;
  }

  function onRemove(form) {
    var title = form.dataset.title || "this piece";
    var item = form.closest(".saved-item");
    send(form.getAttribute("action"), form, new FormData(form))
      .then(function (result) {
        if (!result.ok || !result.data.removed || !item) throw new Error("remove failed");
        showRemoved(item, true);
        announce("Removed “" + title + "” from your saved pieces.");
        var undo = item.querySelector(".restore-form button");
        if (undo) undo.focus();
      })
      .catch(function () { submitNormally(form); });
  }

  function onRestore(form) {
    var title = form.dataset.title || "this piece";
    var item = form.closest(".saved-item");
    if (!item) { submitNormally(form); return; }
    send(form.getAttribute("action"), form, new FormData(form))
      .then(function (result) {
        if (!result.ok || !result.data.restored) throw new Error("restore failed");
        showRemoved(item, false);
        announce("“" + title + "” is back in your saved pieces.");
        var heading = item.querySelector(".saved-item-title a") || item.querySelector(".remove-form button");
        if (heading) heading.focus();
      })
      .catch(function () { submitNormally(form); });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.hasAttribute("data-plain")) return;
    var handler = null;
    if (form.classList.contains("save-form")) handler = onSave;
    else if (form.classList.contains("note-form")) handler = onNote;
    else if (form.classList.contains("remove-form")) handler = onRemove;
    else if (form.classList.contains("restore-form")) handler = onRestore;
    if (!handler) return;
    event.preventDefault();
    handler(form);
  });
})();
