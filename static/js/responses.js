// Responses: a character counter, "Reply" without a reload, sending a response and editing one in place.
//
// The form works on its own (POST, then a redirect back to the response). This module sends the same
// form with fetch and asks for JSON; when the answer is not the JSON it expects (offline, logged out,
// a server error), the form is submitted the ordinary way, so nothing a member wrote is lost.

function announce(message) {
  const region = document.getElementById("live-region");
  if (!region) return;
  region.textContent = "";
  window.setTimeout(() => { region.textContent = message; }, 60);
}

function setUpCounter(textarea) {
  const counter = document.querySelector(`[data-counter-for="${textarea.id}"]`);
  const limit = Number(textarea.getAttribute("maxlength"));
  if (!counter || !limit) return;
  const update = () => {
    // The server counts a line break as one character, as the browser's maxlength does.
    const left = limit - textarea.value.replace(/\r\n/g, "\n").length;
    counter.textContent = `${left.toLocaleString()} characters left`;
    counter.classList.toggle("char-counter-low", left < 200);
  };
  counter.hidden = false;
  textarea.addEventListener("input", update);
  update();
}

function replyTo(form, id, name) {
  const parent = form.querySelector('input[name="parent"]');
  const note = form.querySelector("[data-replying]");
  const link = form.querySelector("[data-replying-link]");
  if (parent) parent.value = id || "";
  if (note) note.hidden = !id;
  if (link && id) {
    link.setAttribute("href", `#response-${id}`);
    link.textContent = name || "a response";
  }
  const textarea = form.querySelector("textarea");
  if (textarea && id) textarea.focus();
}

function showErrors(form, errors) {
  const box = form.querySelector("[data-errors]");
  if (!box) return;
  const messages = Object.values(errors).flat();
  box.replaceChildren(...messages.map((text) => {
    const item = document.createElement("p");
    item.textContent = text;
    return item;
  }));
  box.hidden = messages.length === 0;
}

function insert(data) {
  const holder = document.createElement("div");
  holder.innerHTML = data.html; // rendered and sanitised by the server
  const article = holder.firstElementChild;
  const item = document.createElement("li");
  if (data.parent) {
    const replies = document.getElementById(`replies-${data.parent}`);
    if (!replies) return false;
    item.append(article);
    replies.append(item);
    replies.hidden = false;
  } else {
    const list = document.getElementById("response-list");
    if (!list) return false;
    item.className = "response-thread";
    const replies = document.createElement("ol");
    replies.className = "response-replies";
    replies.id = `replies-${data.id}`;
    replies.hidden = true;
    item.append(article, replies);
    list.append(item);
    list.hidden = false;
    document.getElementById("responses-empty")?.remove();
  }
  return true;
}

function submitNormally(form) {
  form.dataset.plain = "";
  HTMLFormElement.prototype.submit.call(form);
}

function setUpForm(form) {
  let sending = false;
  form.addEventListener("submit", (event) => {
    if ("plain" in form.dataset || !window.fetch) return;
    event.preventDefault();
    if (sending) return; // a double click sends once (and the server's key would keep one anyway)
    sending = true;
    const button = form.querySelector('button[type="submit"]');
    button?.setAttribute("aria-busy", "true");
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then((response) => {
        const type = response.headers.get("Content-Type") || "";
        if (!type.includes("application/json")) throw new Error("not JSON");
        return response.json().then((data) => ({ status: response.status, data }));
      })
      .then(({ status, data }) => {
        if (status === 400 && data.errors) {
          showErrors(form, data.errors);
          announce("Your response was not sent. Please look at the note above the form.");
          return;
        }
        if (status !== 201 || !insert(data)) throw new Error("unexpected answer");
        showErrors(form, {});
        form.querySelector("textarea").value = "";
        form.querySelector("textarea").dispatchEvent(new Event("input"));
        form.querySelector('input[name="key"]').value = crypto.randomUUID();
        form.querySelector('input[name="display_name"]')?.closest(".field")?.remove();
        replyTo(form, "", "");
        document.getElementById(`response-${data.id}`)?.scrollIntoView({ block: "nearest" });
        announce(data.held
          ? "Thank you. Your response is waiting for a kind look before others see it."
          : "Thank you. Your response is published.");
      })
      .catch(() => submitNormally(form))
      .finally(() => {
        sending = false;
        button?.removeAttribute("aria-busy");
      });
  });
}

function readJSON(response) {
  const type = response.headers.get("Content-Type") || "";
  if (!type.includes("application/json")) throw new Error("not JSON");
  return response.json().then((data) => ({ status: response.status, data }));
}

// Edit within the day, in place: the form comes from a <template> in the page, the text as written
// from the server. Anything unexpected opens the edit page instead, as the link would without JS.
function startEditing(link) {
  const article = link.closest("article.response");
  const template = document.getElementById("response-edit-template");
  if (!article || !template || article.querySelector(".response-edit-form")) return;
  const body = article.querySelector(".response-body");
  const actions = article.querySelector(".response-actions");
  const fallback = () => { window.location.assign(link.href); };
  fetch(link.href, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(readJSON)
    .then(({ status, data }) => {
      if (status !== 200 || !data.can_edit) throw new Error("cannot edit here");
      const form = template.content.firstElementChild.cloneNode(true);
      form.action = link.href;
      const textarea = form.querySelector("textarea");
      textarea.value = data.body;
      const stop = () => {
        form.remove();
        body.hidden = false;
        if (actions) actions.hidden = false;
        link.focus();
      };
      form.querySelector("[data-edit-cancel]").addEventListener("click", stop);
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        if (form.dataset.sending) return; // a double click saves once
        form.dataset.sending = "1";
        fetch(form.action, {
          method: "POST",
          body: new FormData(form),
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        })
          .then(readJSON)
          .then(({ status, data: answer }) => {
            if (status === 400 && answer.errors) {
              showErrors(form, answer.errors);
              announce("Your changes were not saved. Please look at the note above the text.");
              return;
            }
            if (status !== 200 || !answer.html) throw new Error("unexpected answer");
            const holder = document.createElement("div");
            holder.innerHTML = answer.html; // rendered and sanitised by the server
            article.replaceWith(holder.firstElementChild);
            document.querySelector(`#response-${answer.id} [data-edit]`)?.focus();
            announce(answer.held
              ? "Saved. Your response is waiting for a kind look before others see it again."
              : "Your response is updated.");
          })
          .catch(() => {
            // Keep the words: send the same form the ordinary way (it answers with the edit page).
            HTMLFormElement.prototype.submit.call(form);
          })
          .finally(() => { delete form.dataset.sending; });
      });
      body.hidden = true;
      if (actions) actions.hidden = true;
      body.after(form);
      setUpCounter(textarea);
      textarea.focus();
    })
    .catch(fallback);
}

document.addEventListener("click", (event) => {
  const edit = event.target.closest("[data-edit]");
  if (!edit) return;
  event.preventDefault();
  startEditing(edit);
});

document.querySelectorAll("textarea[data-counter]").forEach(setUpCounter);
const form = document.querySelector("form.response-form[data-json-url]");
if (form) {
  setUpForm(form);
  document.addEventListener("click", (event) => {
    const reply = event.target.closest("[data-reply]");
    if (reply) {
      event.preventDefault();
      replyTo(form, reply.dataset.reply, reply.dataset.replyName);
      form.scrollIntoView({ block: "start" });
      return;
    }
    if (event.target.closest("[data-cancel-reply]")) {
      event.preventDefault();
      replyTo(form, "", "");
    }
  });
}
