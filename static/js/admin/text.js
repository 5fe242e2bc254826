// Editing the textarea's text: wrap or replace the selection, keeping the browser's undo where it can.
export function replaceSelection(textarea, text, selectStart = null, selectEnd = null) {
  const start = textarea.selectionStart;
  textarea.focus();
  // execCommand keeps the change on the undo stack; setRangeText is the fallback where it is gone.
  if (!document.execCommand || !document.execCommand("insertText", false, text)) {
    textarea.setRangeText(text, textarea.selectionStart, textarea.selectionEnd, "end");
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }
  if (selectStart !== null) {
    textarea.setSelectionRange(start + selectStart, start + (selectEnd ?? selectStart));
  }
}

export function selected(textarea) {
  return textarea.value.slice(textarea.selectionStart, textarea.selectionEnd);
}

const WRAPS = { bold: "**", italic: "_" };

export function applyFormat(textarea, format) {
  const text = selected(textarea);
  if (format in WRAPS) {
    const mark = WRAPS[format];
    const inner = text || (format === "bold" ? "bold text" : "italic text");
    replaceSelection(textarea, `${mark}${inner}${mark}`, mark.length, mark.length + inner.length);
  } else if (format === "link") {
    const label = text || "link text";
    replaceSelection(textarea, `[${label}](https://)`, label.length + 3, label.length + 11);
  } else if (format === "quote" || format === "heading") {
    const prefix = format === "quote" ? "> " : "## ";
    const lineStart = textarea.value.lastIndexOf("\n", textarea.selectionStart - 1) + 1;
    textarea.setSelectionRange(lineStart, textarea.selectionEnd);
    const lines = selected(textarea) || "";
    replaceSelection(textarea, lines.split("\n").map((line) => prefix + line).join("\n"));
  }
}

export function isUrl(text) {
  return /^(https?:\/\/|mailto:|\/)[^\s]*$/.test(text.trim());
}

// A rough count while typing; the preview's answer (the site's own count) replaces it.
export function countWords(text) {
  const words = text.replace(/[#>*_`[\]()!-]/g, " ").trim().split(/\s+/).filter(Boolean);
  return words.length;
}
