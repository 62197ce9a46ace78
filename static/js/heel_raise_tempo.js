// The heel-raise self-test's tempo beat: 2 s up, 2 s down, shown as a word and a bar that
// rises and falls, with an optional short tick at each turn (Web Audio, off by default).
// With prefers-reduced-motion the bar does not move: the word and the count change only.
// Without JavaScript the section stays hidden and the written how-to stands alone.
(function () {
  "use strict";
  const box = document.querySelector("[data-tempo]");
  if (!box) return;
  const phaseMs = Number(box.dataset.phaseMs || "2000");
  const word = box.querySelector("[data-tempo-word]");
  const bar = box.querySelector("[data-tempo-bar]");
  const count = box.querySelector("[data-tempo-count]");
  const start = box.querySelector("[data-tempo-start]");
  const stop = box.querySelector("[data-tempo-stop]");
  const sound = box.querySelector("[data-tempo-sound]");
  const words = { up: box.dataset.wordUp || "Up", down: box.dataset.wordDown || "Down" };
  const still = window.matchMedia("(prefers-reduced-motion: reduce)");
  let timer = null;
  let up = true;
  let reps = 0;
  let audio = null;

  function tick(high) {
    if (!sound || !sound.checked) return;
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    audio = audio || new Context();
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = high ? 880 : 660;
    gain.gain.setValueAtTime(0.2, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.12);
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.13);
  }

  function show() {
    word.textContent = up ? words.up : words.down;
    box.dataset.phase = up ? "up" : "down";
    if (!still.matches) {
      bar.style.transitionDuration = phaseMs + "ms";
      bar.style.transform = up ? "scaleY(1)" : "scaleY(0.1)";
    }
    tick(up);
  }

  function beat() {
    up = !up;
    if (up) {
      reps += 1;
      count.textContent = String(reps);
    }
    show();
  }

  start.addEventListener("click", () => {
    if (timer) return;
    if (sound && sound.checked && audio && audio.state === "suspended") audio.resume();
    up = true;
    reps = 0;
    count.textContent = "0";
    start.disabled = true;
    stop.disabled = false;
    show();
    timer = setInterval(beat, phaseMs);
  });
  stop.addEventListener("click", () => {
    clearInterval(timer);
    timer = null;
    start.disabled = false;
    stop.disabled = true;
    word.textContent = box.dataset.wordStopped || "Stopped";
    box.dataset.phase = "";
  });
  box.hidden = false;
}());
