// "Schedule…" with no date chosen yet: go to the date field instead of sending the form to be refused.
export function setUpSchedule(form) {
  const when = form.querySelector("#id_publish_at");
  if (!when) return;
  let note = null;
  form.querySelectorAll('input[name="_schedule"]').forEach((button) => {
    button.addEventListener("click", (event) => {
      if (when.value) return;
      event.preventDefault();
      if (!note) {
        note = document.createElement("p");
        note.className = "desk-schedule-note";
        note.setAttribute("role", "alert");
        when.after(note);
      }
      note.textContent = "Choose the date and time to publish it, then press Schedule again.";
      when.focus();
    });
  });
}

// A double click sends the form once: the second submit of the same page is dropped. "Preview as page"
// opens another tab and leaves the form as it was.
export function submitOnce(form) {
  let sent = false;
  form.addEventListener("submit", (event) => {
    if (event.submitter && event.submitter.formTarget === "_blank") return;
    if (sent) event.preventDefault();
    sent = !event.defaultPrevented;
  });
  window.addEventListener("pageshow", () => {
    sent = false;
  });
}
