// Tag suggestions: existing tags offered as you type (case-insensitively), as an ARIA combobox.
const DELAY = 150;

function lastPart(value) {
  const comma = value.lastIndexOf(",");
  return { head: comma === -1 ? "" : value.slice(0, comma + 1), typed: value.slice(comma + 1).trim() };
}

export function setUpTags(input) {
  const list = document.createElement("ul");
  list.id = `${input.id}-suggestions`;
  list.className = "desk-suggestions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Existing tags");
  list.hidden = true;
  input.after(list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);
  let timer = null;
  let active = -1;

  function close() {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function pick(name) {
    const { head } = lastPart(input.value);
    const quoted = name.includes(",") ? `"${name}"` : name;
    input.value = `${head}${head ? " " : ""}${quoted}, `;
    close();
    input.focus();
  }

  function highlight(index) {
    const options = [...list.children];
    if (!options.length) return;
    active = (index + options.length) % options.length;
    options.forEach((option, i) => option.setAttribute("aria-selected", String(i === active)));
    input.setAttribute("aria-activedescendant", options[active].id);
  }

  async function suggest() {
    const { head, typed } = lastPart(input.value);
    if (!typed) return close();
    const url = new URL(input.dataset.suggestUrl, window.location.href);
    url.searchParams.set("q", typed);
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) return close();
    const { tags } = await response.json();
    const chosen = new Set(head.split(",").map((name) => name.trim().toLowerCase()));
    const names = tags.filter((name) => !chosen.has(name.toLowerCase()));
    if (!names.length || (names.length === 1 && names[0] === typed)) return close();
    list.replaceChildren(
      ...names.map((name, index) => {
        const option = document.createElement("li");
        option.id = `${list.id}-${index}`;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = name;
        option.addEventListener("mousedown", (event) => {
          event.preventDefault();
          pick(name);
        });
        return option;
      }),
    );
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    active = -1;
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(suggest, DELAY);
  });
  input.addEventListener("keydown", (event) => {
    if (list.hidden) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      highlight(active + (event.key === "ArrowDown" ? 1 : -1));
    } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0) {
      event.preventDefault();
      pick(list.children[active].textContent);
    } else if (event.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 100));
}
