// Preferences form: choosing "only the tags I choose" opens the list of tags (it is a <details>, so
// without JavaScript it simply stays one click away).
(function () {
  "use strict";
  document.querySelectorAll(".subscription-form").forEach(function (form) {
    var tags = form.querySelector(".subscription-tags");
    if (!tags) { return; }
    form.addEventListener("change", function (event) {
      if (event.target.name === "frequency" && event.target.value === "tags") { tags.open = true; }
    });
  });
})();
