// /saved/ without a page reload: private notes (counted as the member types), Remove and its Undo.
//
// Loaded after static/js/save.js, whose helpers it uses (window.quietForms): the same plain forms,
// sent with fetch, and sent the ordinary way whenever the answer is not the JSON expected.
// The page draws the note editor and the "Removed · Undo" notice once, as <template>s; a row gets its
// own copy when it needs one (without JavaScript, "Add a note" is a link to the note's own page).
// Rows and templates hold no CSRF token (they are kept drawn in the cache): the page's one form,
// #saved-actions, has it; Remove buttons send that form, and copied forms carry its token.
(function () {
  "use strict";
  var quiet = window.quietForms;
  if (!quiet) return;
  var announce = quiet.announce, send = quiet.send, submitNormally = quiet.submitNormally;

  function titleOf(item) {
    var remove = item.querySelector(".remove-button");
    return (remove && remove.dataset.title) || "this piece";
  }

  function fillTitles(element, title) {
    Array.prototype.forEach.call(element.querySelectorAll(".note-title"), function (each) {
      each.textContent = title;
    });
  }

  function carryToken(form) {
    // The rows and these templates are kept drawn between requests, without a CSRF token: a copied
    // form carries the one of the page's form, drawn for this response.
    var token = document.querySelector('#saved-actions input[name="csrfmiddlewaretoken"]');
    if (token) form.appendChild(token.cloneNode(false));
  }

  function noteOf(item) {
    // The note as the row shows it, its <br>s turned back into the line breaks the member wrote.
    var text = item.querySelector(".note-text");
    var body = item.querySelector(".note-body");
    if (!text || !body || text.hidden) return "";
    var note = "";
    Array.prototype.forEach.call(body.childNodes, function (node) {
      note += node.nodeName === "BR" ? "\n" : node.textContent;
    });
    return note;
  }

  // --- The note editor, copied into a row the first time its link is followed ---------------

  function editorFor(item, link) {
    var editor = item.querySelector(".note-editor");
    var template = document.getElementById("note-editor-template");
    if (editor || !template) return editor;
    editor = template.content.firstElementChild.cloneNode(true);
    var id = "note-" + item.id.replace(/^saved-/, "");
    var title = titleOf(item);
    var form = editor.querySelector("form");
    var textarea = form.querySelector("textarea");
    var help = form.querySelector(".helptext");
    var errors = form.querySelector(".note-errors");
    var counter = form.querySelector(".note-count");
    var remove = form.querySelector(".note-delete");
    carryToken(form);
    editor.id = id + "-editor";
    // The link's own address: the note's page, which takes the POST and knows the way back.
    form.setAttribute("action", link.getAttribute("href"));
    form.dataset.title = title;
    textarea.id = id;
    form.querySelector("label").htmlFor = id;
    help.id = id + "-help";
    errors.id = id + "-errors";
    counter.id = id + "-count";
    textarea.setAttribute("aria-describedby", [help.id, counter.id, errors.id].join(" "));
    textarea.value = noteOf(item);
    remove.setAttribute("href", item.dataset.noteDeleteUrl);
    remove.hidden = !textarea.value;
    fillTitles(editor, title);
    link.setAttribute("aria-controls", editor.id);
    link.closest(".note-toggle").insertAdjacentElement("afterend", editor);
    updateCount(textarea);
    return editor;
  }

  function showEditor(item, link, open) {
    var editor = open ? editorFor(item, link) : item.querySelector(".note-editor");
    if (!editor) return false;
    // Closing only hides it: whatever is typed there stays until it is saved.
    editor.hidden = !open;
    link.setAttribute("aria-expanded", open ? "true" : "false");
    return true;
  }

  Array.prototype.forEach.call(document.querySelectorAll(".saved-item .note-open"), function (link) {
    link.setAttribute("aria-expanded", "false");
  });

  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest(".saved-item .note-open") : null;
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    var item = link.closest(".saved-item");
    // Without the template (an older page), the link simply opens the note's page.
    if (showEditor(item, link, link.getAttribute("aria-expanded") !== "true")) event.preventDefault();
  });

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
          var link = item.querySelector(".note-open");
          if (link) {
            showEditor(item, link, false);
            link.focus();
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

  function noticeFor(item) {
    var notice = item.querySelector(".saved-removed");
    var template = document.getElementById("removed-notice-template");
    if (notice || !template) return notice;
    notice = template.content.firstElementChild.cloneNode(true);
    var title = titleOf(item);
    var form = notice.querySelector(".restore-form");
    carryToken(form);
    form.setAttribute("action", item.dataset.restoreUrl);
    form.dataset.title = title;
    fillTitles(notice, title);
    item.appendChild(notice);
    return notice;
  }

  function showRemoved(item, removed) {
    var piece = item.querySelector(".saved-piece");
    var notice = removed ? noticeFor(item) : item.querySelector(".saved-removed");
    if (piece) piece.hidden = removed;
    if (notice) {
      var kept = notice.querySelector(".note-kept");
      if (kept) kept.hidden = !noteOf(item);
      notice.hidden = !removed;
    }
  }

  // A row's Remove button sends the page's one form (#saved-actions, through form= and formaction=):
  // the rows are kept drawn between requests, so they carry no CSRF token of their own.
  function onRemove(form, button) {
    var url = button.getAttribute("formaction");
    var title = button.dataset.title || "this piece";
    var item = button.closest(".saved-item");
    send(url, form, new FormData(form))
      .then(function (result) {
        if (!result.ok || !result.data.removed || !item) throw new Error("remove failed");
        showRemoved(item, true);
        announce("Removed “" + title + "” from your saved pieces.");
        var undo = item.querySelector(".restore-form button");
        if (undo) undo.focus();
      })
      .catch(function () {
        // The ordinary submission goes to the form's action: this button's, as a click would send it.
        form.setAttribute("action", url);
        submitNormally(form);
      });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    if (!(form instanceof HTMLFormElement) || form.id !== "saved-actions" || form.hasAttribute("data-plain")) return;
    // A browser that does not say which button sent the form submits it the ordinary way.
    if (!button || !button.classList.contains("remove-button")) return;
    event.preventDefault();
    onRemove(form, button);
  });

  function onRestore(form) {
    var title = form.dataset.title || "this piece";
    var item = form.closest(".saved-item");
    if (!item) { submitNormally(form); return; }
    send(form.getAttribute("action"), form, new FormData(form))
      .then(function (result) {
        if (!result.ok || !result.data.restored) throw new Error("restore failed");
        showRemoved(item, false);
        announce("“" + title + "” is back in your saved pieces.");
        var heading = item.querySelector(".saved-item-title a") || item.querySelector(".remove-button");
        if (heading) heading.focus();
      })
      .catch(function () { submitNormally(form); });
  }

  quiet.handle("note-form", onNote);
  quiet.handle("restore-form", onRestore);
})();
