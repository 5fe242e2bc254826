// Pictures in the editor: drop or pick a file to upload it, or choose one already stored.
import { formData, postForm } from "./csrf.js";
import { replaceSelection } from "./text.js";

function askAlt(suggested) {
  const answer = window.prompt("Describe the picture for readers who cannot see it (alt text):", suggested || "");
  return answer === null ? null : answer.replace(/[[\]]/g, "").trim();
}

function insertImage(textarea, alt, path) {
  // On its own line after the one being written, never over a selection or inside a word.
  const lineEnd = textarea.value.indexOf("\n", textarea.selectionEnd);
  const at = lineEnd === -1 ? textarea.value.length : lineEnd;
  textarea.setSelectionRange(at, at);
  const before = textarea.value.slice(0, textarea.selectionStart);
  const gap = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
  const after = textarea.value.slice(at).startsWith("\n") ? "\n" : "\n\n";
  replaceSelection(textarea, `${gap}![${alt}](${path})${after}`);
}

export function setUpImages(root, textarea) {
  const error = root.querySelector(".desk-upload-error");
  const fileInput = root.querySelector(".desk-file");
  const pickButton = root.querySelector(".desk-pick");
  const picker = root.querySelector(".desk-picker");
  const search = root.querySelector(".desk-picker-search");
  const list = root.querySelector(".desk-picker-list");

  function showError(message) {
    error.textContent = message;
    error.hidden = !message;
  }

  async function upload(file) {
    showError("");
    const alt = askAlt("");
    if (alt === null) return;
    root.classList.add("desk-busy");
    const data = formData({ alt });
    data.append("file", file);
    const { ok, payload } = await postForm(root.dataset.uploadUrl, data);
    root.classList.remove("desk-busy");
    if (!ok) {
      showError(payload.error || "The picture could not be stored.");
      return;
    }
    insertImage(textarea, alt || payload.alt, payload.path);
  }

  fileInput.addEventListener("change", () => {
    if (fileInput.files.length) upload(fileInput.files[0]);
    fileInput.value = "";
  });
  textarea.addEventListener("dragover", (event) => {
    if (event.dataTransfer && [...event.dataTransfer.types].includes("Files")) {
      event.preventDefault();
      root.classList.add("desk-dropping");
    }
  });
  textarea.addEventListener("dragleave", () => root.classList.remove("desk-dropping"));
  textarea.addEventListener("drop", (event) => {
    root.classList.remove("desk-dropping");
    const files = event.dataTransfer ? [...event.dataTransfer.files] : [];
    if (!files.length) return;
    event.preventDefault();
    upload(files[0]);
  });

  let searchTimer = null;
  async function load() {
    const url = new URL(root.dataset.imagesUrl, window.location.href);
    if (search.value.trim()) url.searchParams.set("q", search.value.trim());
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    const payload = response.ok ? await response.json() : { images: [] };
    list.replaceChildren();
    if (!payload.images.length) {
      list.append(Object.assign(document.createElement("li"), { textContent: "No stored pictures match." }));
    }
    for (const image of payload.images) {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      const thumb = document.createElement("img");
      thumb.src = image.thumbnail;
      thumb.alt = "";
      thumb.width = 96;
      button.append(thumb, document.createTextNode(image.alt || "(no description yet)"));
      button.addEventListener("click", () => {
        const alt = image.alt || askAlt("");
        if (alt === null) return;
        togglePicker(false);
        insertImage(textarea, alt, image.path);
      });
      item.append(button);
      list.append(item);
    }
  }

  function togglePicker(open) {
    picker.hidden = !open;
    pickButton.setAttribute("aria-expanded", String(open));
    if (open) {
      load();
      search.focus();
    }
  }
  pickButton.addEventListener("click", () => togglePicker(picker.hidden));
  search.addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(load, 250);
  });
  picker.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      togglePicker(false);
      pickButton.focus();
    }
  });
}
