// Autosave: the text is kept as a revision a few seconds after typing stops (and at least every
// AUTOSAVE_MAX while typing goes on), and once more as the page is left, by sendBeacon.
import { formData, postForm } from "./csrf.js";

const AUTOSAVE_DELAY = 3000;
const AUTOSAVE_MAX = 10000;

export function setUpAutosave(root, textarea) {
  const url = root.dataset.autosaveUrl;
  const status = root.querySelector(".desk-saved");
  const title = document.querySelector('[name="title"]');
  if (!url) {
    status.textContent = "· Autosave starts once the draft is first saved.";
    return;
  }
  let dirty = false;
  let timer = null;
  let firstChange = 0;

  function fields() {
    return { title: title ? title.value : "", body: textarea.value };
  }

  async function save() {
    clearTimeout(timer);
    if (!dirty) return;
    dirty = false;
    firstChange = 0;
    const { ok, payload } = await postForm(url, fields());
    if (ok) {
      const time = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
      status.textContent = `· Autosaved at ${time}`;
    } else {
      dirty = true;
      status.textContent = `· Not autosaved: ${payload.error || "the server did not answer"}`;
    }
  }

  function changed() {
    dirty = true;
    const now = Date.now();
    firstChange = firstChange || now;
    clearTimeout(timer);
    timer = setTimeout(save, now - firstChange > AUTOSAVE_MAX ? 0 : AUTOSAVE_DELAY);
  }

  textarea.addEventListener("input", changed);
  if (title) title.addEventListener("input", changed);
  // A deliberate save keeps the text already: nothing to send as the page goes.
  textarea.form.addEventListener("submit", () => {
    dirty = false;
    clearTimeout(timer);
  });

  function leave() {
    if (!dirty) return;
    dirty = false;
    navigator.sendBeacon(url, formData(fields()));
  }
  window.addEventListener("pagehide", leave);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") leave();
  });
}
