// The import pages: the upload form says at once when a file is too large to send, and a run's page
// follows its progress, then reloads to show the outcome table (without script, it refreshes itself).

const form = document.querySelector("form[data-import-max-bytes]");
if (form) {
  const input = form.querySelector('input[type="file"]');
  const note = document.getElementById("import-size-note");
  const max = Number(form.dataset.importMaxBytes);
  input.addEventListener("change", () => {
    const total = [...input.files].reduce((sum, file) => sum + file.size, 0);
    const tooLarge = max && total > max;
    const message = tooLarge
      ? `These files come to ${(total / 1048576).toFixed(1)} MB; an upload may be up to ${(max / 1048576).toFixed(0)} MB.`
      : "";
    input.setCustomValidity(message);
    note.textContent = message;
    note.hidden = !tooLarge;
  });
  // One import per click: a second click while the first is sending does nothing.
  form.addEventListener("submit", (event) => {
    if (form.dataset.sending) event.preventDefault();
    form.dataset.sending = "1";
  });
  window.addEventListener("pageshow", () => delete form.dataset.sending);
}

const progress = document.querySelector("[data-import-progress]");
if (progress) follow(progress.dataset.importProgress);

async function follow(url) {
  const status = document.getElementById("import-status");
  const bar = document.getElementById("import-progress");
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    let data;
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) continue;
      data = await response.json();
    } catch {
      continue; // offline for a moment: try again
    }
    if (data.finished) {
      window.location.reload();
      return;
    }
    if (status.textContent !== data.text) status.textContent = data.text;
    bar.max = Math.max(data.total, 1);
    bar.value = data.done;
  }
}
document.documentElement.dataset.imports = "ready";
