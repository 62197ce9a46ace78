// The balance self-test's timer: start, stop, and copy the seconds into the left or right
// box of the form. Without JavaScript the section stays hidden and the form works alone.
(function () {
  "use strict";
  const box = document.querySelector("[data-self-test-timer]");
  if (!box) return;
  const shown = box.querySelector("#timer-value");
  const start = box.querySelector("[data-timer-start]");
  const stop = box.querySelector("[data-timer-stop]");
  const uses = box.querySelectorAll("[data-timer-use]");
  const limit = 120;
  let began = null;
  let tick = null;
  let seconds = 0;

  function show() {
    seconds = Math.min(limit, Math.floor((Date.now() - began) / 1000));
    shown.textContent = String(seconds);
    if (seconds >= limit) finish();
  }
  function finish() {
    clearInterval(tick);
    tick = null;
    start.disabled = false;
    stop.disabled = true;
    uses.forEach((b) => { b.disabled = false; });
  }
  start.addEventListener("click", () => {
    began = Date.now();
    shown.textContent = "0";
    start.disabled = true;
    stop.disabled = false;
    uses.forEach((b) => { b.disabled = true; });
    tick = setInterval(show, 250);
  });
  stop.addEventListener("click", () => { show(); finish(); });
  uses.forEach((button) => {
    button.addEventListener("click", () => {
      const input = document.getElementById("id_" + button.dataset.timerUse);
      if (input) { input.value = String(seconds); input.focus(); }
    });
  });
  box.hidden = false;
}());
