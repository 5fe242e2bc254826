// /saved/ without a page reload: private notes (counted as the member types), Remove and its Undo.
//
// Loaded after static/js/save.js, whose helpers it uses (window.quietForms): the same plain forms,
// sent with fetch, and sent the ordinary way whenever the answer is not the JSON expected.
(function () {
  "use strict";
  var quiet = window.quietForms;
  if (!quiet) return;
  var announce = quiet.announce, send = quiet.send, submitNormally = quiet.submitNormally;

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

  quiet.handle("note-form", onNote);
  quiet.handle("remove-form", onRemove);
  quiet.handle("restore-form", onRestore);
})();
