// The writer's desk in the post form: editor, pictures, autosave and tag suggestions.
import { setUpAutosave } from "./autosave.js";
import { setUpEditor } from "./editor.js";
import { setUpImages } from "./images.js";
import { setUpSchedule, submitOnce } from "./schedule.js";
import { setUpTags } from "./tags.js";

const root = document.querySelector(".desk-editor");
if (root) {
  const { textarea } = setUpEditor(root);
  setUpImages(root, textarea);
  setUpAutosave(root, textarea);
}
document.querySelectorAll("input.desk-tags").forEach(setUpTags);
const postForm = document.getElementById("post_form");
if (postForm) {
  setUpSchedule(postForm);
  submitOnce(postForm);
}
// Set up: the page is ready for the writer (and for browser tests, which wait for this).
document.documentElement.dataset.desk = "ready";
