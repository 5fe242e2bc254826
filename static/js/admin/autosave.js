// Autosave: the text is kept as a revision a few seconds after typing stops (and at least every
// AUTOSAVE_MAX while typing goes on), and once more as the page is left, by sendBeacon. A post never
// saved becomes a draft at its first autosave, and the form carries on as that draft's form.
import { formData, postForm } from "./csrf.js";

const AUTOSAVE_DELAY = 3000;
const AUTOSAVE_MAX = 10000;

export function setUpAutosave(root, textarea) {
  const status = root.querySelector(".desk-saved");
  const title = document.querySelector('[name="title"]');
  const form = textarea.form;
  let dirty = false;
  let timer = null;
  let firstChange = 0;
  let pending = null;

  function fields() {
    return { title: title ? title.value : "", body: textarea.value };
  }

  function say(text) {
    status.textContent = text ? `· ${text}` : "";
  }

  async function startDraft() {
    const { ok, payload } = await postForm(root.dataset.autosaveNewUrl, fields());
    if (ok && payload.autosave_url) {
      root.dataset.autosaveUrl = payload.autosave_url;
      root.dataset.autosaveNewUrl = "";
      // The post exists now: the form saves it instead of adding another.
      form.action = payload.change_url;
      window.history.replaceState(null, "", payload.change_url);
    }
    return { ok, payload };
  }

  async function save() {
    clearTimeout(timer);
    if (!dirty || pending) return;
    dirty = false;
    firstChange = 0;
    const url = root.dataset.autosaveUrl;
    pending = url ? postForm(url, fields()) : startDraft();
    const { ok, payload } = await pending;
    pending = null;
    if (ok) {
      const time = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
      say(`Autosaved at ${time}`);
    } else {
      dirty = true;
      say(`Not autosaved: ${payload.error || "the server did not answer"}`);
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
  form.addEventListener("submit", () => {
    dirty = false;
    clearTimeout(timer);
  });

  // Leaving for good: a beacon, which the browser delivers after the page is gone.
  function leave() {
    if (!dirty || pending) return;
    dirty = false;
    const url = root.dataset.autosaveUrl || root.dataset.autosaveNewUrl;
    if (url) navigator.sendBeacon(url, formData(fields()));
  }
  window.addEventListener("pagehide", leave);
  // Only hidden (another tab, a phone's home screen): save now, and hear which draft a new post became.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState !== "hidden") return;
    if (root.dataset.autosaveUrl) leave();
    else save();
  });
}
