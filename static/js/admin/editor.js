// The body editor: toolbar and shortcuts, live preview, counts and warnings, Write/Preview tabs.
import { postForm } from "./csrf.js";
import { applyFormat, countWords, isUrl, replaceSelection, selected } from "./text.js";

const PREVIEW_DELAY = 400;
const SHORTCUTS = { b: "bold", i: "italic", k: "link" };

function plural(count, word) {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

export function setUpEditor(root) {
  const textarea = root.querySelector("textarea");
  const previewBody = root.querySelector(".desk-preview-body");
  const words = root.querySelector(".desk-words");
  const minutes = root.querySelector(".desk-minutes");
  const warnings = root.querySelector(".desk-warnings");
  const format = document.querySelector('[name="body_format"]');
  let timer = null;
  let sent = 0;

  function grow() {
    textarea.style.height = "auto";
    textarea.style.height = `${Math.max(textarea.scrollHeight + 4, 480)}px`;
  }

  function showCounts(wordCount, minuteCount) {
    words.textContent = plural(wordCount, "word");
    minutes.textContent = `${minuteCount} min read`;
  }

  function showWarnings(list) {
    warnings.replaceChildren();
    if (!list.length) return;
    const heading = document.createElement("p");
    heading.className = "desk-warnings-title";
    heading.textContent = "Worth a look before publishing:";
    const items = document.createElement("ul");
    for (const text of list) {
      const item = document.createElement("li");
      item.textContent = text;
      items.append(item);
    }
    warnings.append(heading, items);
  }

  async function refresh() {
    const ticket = ++sent;
    const { ok, payload } = await postForm(root.dataset.previewUrl, {
      body: textarea.value,
      body_format: format ? format.value : "markdown",
    });
    if (ticket !== sent) return; // a newer preview is on its way
    if (!ok) {
      previewBody.replaceChildren(Object.assign(document.createElement("p"), { textContent: payload.error || "The preview is not available." }));
      return;
    }
    // The site's own rendering, sanitised on the server exactly as the page's is.
    previewBody.innerHTML = payload.html || '<p class="desk-muted">Nothing written yet.</p>';
    showCounts(payload.words, payload.minutes);
    showWarnings(payload.warnings);
  }

  function schedulePreview() {
    const count = countWords(textarea.value);
    showCounts(count, Math.max(1, Math.ceil(count / 220)));
    clearTimeout(timer);
    timer = setTimeout(refresh, PREVIEW_DELAY);
  }

  root.querySelectorAll("[data-format]").forEach((button) => {
    button.addEventListener("click", () => applyFormat(textarea, button.dataset.format));
  });

  textarea.addEventListener("keydown", (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
    const key = event.key.toLowerCase();
    if (!event.shiftKey && key in SHORTCUTS) {
      event.preventDefault();
      applyFormat(textarea, SHORTCUTS[key]);
    } else if (event.shiftKey && (key === "." || key === ">")) {
      event.preventDefault();
      applyFormat(textarea, "quote");
    }
  });

  textarea.addEventListener("paste", (event) => {
    const pasted = event.clipboardData ? event.clipboardData.getData("text/plain") : "";
    const text = selected(textarea);
    if (text && !text.includes("\n") && isUrl(pasted) && !isUrl(text)) {
      event.preventDefault();
      replaceSelection(textarea, `[${text}](${pasted.trim()})`);
    }
  });

  textarea.addEventListener("input", () => {
    grow();
    schedulePreview();
  });
  if (format) format.addEventListener("change", schedulePreview);

  // Write / Preview, for screens too narrow for both side by side.
  const tabs = [...root.querySelectorAll('[role="tab"]')];
  function choose(tab) {
    for (const other of tabs) {
      const chosen = other === tab;
      other.setAttribute("aria-selected", String(chosen));
      other.tabIndex = chosen ? 0 : -1;
    }
    root.dataset.view = tab.id === "desk-tab-preview" ? "preview" : "write";
  }
  tabs.forEach((tab, index) => {
    tab.addEventListener("click", () => choose(tab));
    tab.addEventListener("keydown", (event) => {
      if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
      const next = tabs[(index + (event.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
      choose(next);
      next.focus();
    });
  });
  root.dataset.view = "write";

  grow();
  schedulePreview();
  return { textarea, refresh: schedulePreview };
}
