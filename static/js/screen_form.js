// Keeps a draft of the screen-entry form in this browser (localStorage), so a reload or a
// closed tab does not lose typed values. The draft is cleared when the form is submitted.
(function () {
  "use strict";
  var form = document.querySelector("form[data-draft-key]");
  if (!form || !window.localStorage) { return; }
  var key = form.getAttribute("data-draft-key");
  var note = document.querySelector("[data-draft-note]");

  function read() {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "submit") { return; }
      if (el.type === "checkbox") {
        values[el.name] = values[el.name] || [];
        if (el.checked) { values[el.name].push(el.value); }
      } else {
        values[el.name] = el.value;
      }
    });
    return values;
  }

  function write(values) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in values) || el.name === "csrfmiddlewaretoken") { return; }
      if (el.type === "checkbox") {
        el.checked = values[el.name].indexOf(el.value) !== -1;
      } else {
        el.value = values[el.name];
      }
    });
  }

  function save() {
    try { localStorage.setItem(key, JSON.stringify({ saved: Date.now(), values: read() })); }
    catch (e) { /* storage full or blocked: the form still works without a draft */ }
  }

  // A page re-rendered after a validation error already holds the typed values: the server
  // copy wins, and becomes the new draft.
  var stored = null;
  try { stored = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { stored = null; }
  if (form.getAttribute("data-has-errors")) {
    save();
  } else if (stored && stored.values) {
    write(stored.values);
    if (note) { note.hidden = false; }
  }

  form.addEventListener("input", save);
  form.addEventListener("change", save);
  form.addEventListener("submit", function () { localStorage.removeItem(key); });
  var discard = document.querySelector("[data-draft-discard]");
  if (discard) {
    discard.addEventListener("click", function () {
      localStorage.removeItem(key);
      window.location.reload();
    });
  }
})();
