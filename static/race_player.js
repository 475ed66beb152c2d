// The race player (mounted by views/players/race.py): a digit uncovered one row at a time, and ten digit buttons.
//
// Phases of one digit: "ready" (covered, a Start button: nobody loses rows reading the instructions), "racing" (a row
// more every data.row_ms; tap a digit or press its key; a wrong one is marked and costs data.penalty rows), "done"
// (the right guess: the guesses go to Python as the trigger "finished", then a Next digit button sends "next").
// Rows come from the browser's clock, not from a count of timer ticks, so a busy tab loses no time. A digit's race is
// kept per player key: a rerun that remounts the player (the page's layout changing) carries on where it was.

import { decode, make } from "./dom.js";

const ROWS = 28;
const ANNOUNCE_EVERY = 4; // rows between announcements of the row to a screen reader
const kept = new Map(); // player key -> {phase, startedAt, row, guesses, sent}
let active = null; // the player the keyboard plays: the latest one built that is still on the page

function paint(canvas, image) {
  canvas.width = ROWS;
  canvas.height = ROWS;
  const context = canvas.getContext("2d");
  const pixels = context.createImageData(ROWS, ROWS);
  for (let i = 0; i < ROWS * ROWS; i++) {
    const v = 255 - image[i];
    pixels.data.set([v, v, v, 255], 4 * i);
  }
  context.putImageData(pixels, 0, 0);
}

function typing(target) {
  // Keys typed into a box belong to the box.
  return Boolean(target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName)));
}

function activates(target) {
  // Enter or Space on these does their own thing (a button presses, a link opens, a switch switches).
  return Boolean(target && target.closest && target.closest("button, a, [role=button], [role=switch], [role=checkbox], [role=tab], summary"));
}

document.addEventListener("keydown", (event) => {
  if (!active || !active.root.isConnected || event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
  if (active.key(event)) event.preventDefault();
});

function build(root, data, setTriggerValue) {
  const state = kept.get(data.key) || { phase: "ready", startedAt: 0, row: 0, guesses: [], sent: false, timer: null };
  kept.set(data.key, state);
  clearTimeout(state.timer); // a rebuilt player ticks on its own elements
  const image = decode(data.image);

  // --- the digit, covered below the rows uncovered so far ------------------------------------------------------------
  const canvas = make("canvas", { class: "race-pixels" });
  paint(canvas, image);
  const cover = make("div", { class: "race-cover", "aria-hidden": "true" });
  const now = make("div", { class: "race-now", "aria-hidden": "true" });
  const board = make("div", { class: "race-board", role: "img" }, canvas, cover, now);
  const rowText = make("p", { class: "race-row" });
  const penaltyText = make("p", { class: "race-penalty" });

  // --- the controls --------------------------------------------------------------------------------------------------
  const start = make("button", { type: "button", class: "race-action", "aria-keyshortcuts": "Enter Space" }, "Start");
  const next = make("button", { type: "button", class: "race-action", "aria-keyshortcuts": "Enter" },
    data.position + 1 < data.count ? "Next digit" : "See your score");
  const keys = [];
  const keypad = make("div", { class: "race-keys", role: "group", "aria-label": "Which digit is it?", tabindex: "-1" });
  for (let digit = 0; digit < 10; digit++) {
    const button = make("button", { type: "button", class: "race-key", "aria-keyshortcuts": String(digit), "data-digit": String(digit) },
      make("span", { class: "race-key-digit", text: String(digit) }), make("span", { class: "race-key-mark", "aria-hidden": "true" }));
    button.addEventListener("click", () => guess(digit));
    keys.push(button);
    keypad.append(button);
  }
  const message = make("p", { class: "race-message" });
  const live = make("p", { class: "race-live", "aria-live": "polite" });
  const help = make("p", { class: "race-help",
    text: `Tap the digit, or press its key, as soon as you know it. A wrong guess adds ${data.penalty} rows; keep going.` });

  root.replaceChildren(
    make("p", { class: "race-progress", text: `Digit ${data.position + 1} of ${data.count}` }),
    make("div", { class: "race-body" },
      make("div", { class: "race-left" }, board, rowText),
      make("div", { class: "race-right" }, help, start, keypad, penaltyText, message, next)),
    live,
  );

  const wrong = () => state.guesses.filter(([digit]) => digit !== data.label);
  const rowNow = () => Math.min(ROWS, 1 + Math.floor((performance.now() - state.startedAt) / data.row_ms));
  const say = (text) => { live.textContent = text; };

  function showRows(row) {
    const hidden = ROWS - row;
    cover.style.height = `${(hidden / ROWS) * 100}%`;
    now.style.top = `${((row - 1) / ROWS) * 100}%`;
    now.hidden = row < 1 || row >= ROWS && state.phase !== "racing";
    rowText.textContent = row < 1 ? `Covered: ${ROWS} rows to go` : `Row ${row} of ${ROWS}`;
    board.setAttribute("aria-label", row >= ROWS ? "The whole digit, all 28 rows uncovered."
      : row < 1 ? "The digit, still covered." : `The digit, rows 1 to ${row} of ${ROWS} uncovered, the rest covered.`);
    root.dataset.row = row;
  }

  function showKeys() {
    const missed = new Set(wrong().map(([digit]) => digit));
    keys.forEach((button, digit) => {
      const isWrong = missed.has(digit), isRight = state.phase === "done" && digit === data.label;
      button.classList.toggle("race-wrong", isWrong);
      button.classList.toggle("race-correct", isRight);
      button.querySelector(".race-key-mark").textContent = isWrong ? "✗" : isRight ? "✓" : "";
      button.setAttribute("aria-label", isWrong ? `${digit}: wrong` : isRight ? `${digit}: right` : String(digit));
      button.disabled = state.phase !== "racing" || isWrong;
    });
    const penalty = wrong().length * data.penalty;
    penaltyText.textContent = penalty ? `+${penalty} rows for ${wrong().length === 1 ? "a wrong guess" : `${wrong().length} wrong guesses`}` : "";
  }

  function showPhase() {
    root.dataset.phase = state.phase;
    start.hidden = state.phase !== "ready";
    help.hidden = state.phase !== "ready";
    next.hidden = !(state.phase === "done" && data.done);
    const scored = state.phase === "done" && data.done; // the result is beside it: the digit and the way on are enough
    root.classList.toggle("race-scored", scored);
    keypad.hidden = scored;
    rowText.hidden = scored;
    penaltyText.hidden = scored;
    message.hidden = scored;
    if (state.phase === "done") {
      const [, row] = state.guesses[state.guesses.length - 1];
      message.textContent = data.done ? "" : `Right: it is a ${data.label}, at row ${row}.`;
    } else if (state.phase === "racing" && state.row >= ROWS) {
      message.textContent = "All 28 rows are uncovered: which digit is it?";
    } else {
      message.textContent = "";
    }
    showKeys();
  }

  function tick() {
    if (!root.isConnected || state.phase !== "racing") return;
    const row = rowNow();
    if (row !== state.row) {
      state.row = row;
      showRows(row);
      if (row === ROWS) {
        showPhase();
        say("All 28 rows are uncovered: which digit is it?");
      } else if (row % ANNOUNCE_EVERY === 0) {
        say(`Row ${row} of ${ROWS}.`);
      }
    }
    if (row < ROWS) state.timer = setTimeout(tick, Math.max(20, state.startedAt + row * data.row_ms - performance.now()));
  }

  function begin() {
    if (state.phase !== "ready") return;
    Object.assign(state, { phase: "racing", startedAt: performance.now(), row: 1 });
    showRows(1);
    showPhase();
    say(`Digit ${data.position + 1} of ${data.count}: uncovering, row 1 of ${ROWS}. Press a digit key or tap a digit.`);
    if (keypad.getBoundingClientRect().bottom > window.innerHeight) root.scrollIntoView({ block: "start" }); // digit and buttons in view
    keypad.focus({ preventScroll: true });
    clearTimeout(state.timer);
    state.timer = setTimeout(tick, data.row_ms);
  }

  function guess(digit) {
    if (state.phase !== "racing" || state.guesses.some(([d]) => d === digit)) return;
    const row = rowNow();
    state.guesses.push([digit, row]);
    if (digit !== data.label) {
      showKeys();
      say(`Not ${digit}: ${data.penalty} rows added. Keep going.`);
      return;
    }
    clearTimeout(state.timer);
    state.phase = "done";
    state.row = ROWS;
    showRows(ROWS);
    showPhase();
    say(`Right: it is a ${data.label}, at row ${row}${wrong().length ? `, plus ${wrong().length * data.penalty} rows for wrong guesses` : ""}.`);
    send();
  }

  function send() {
    if (state.sent) return;
    state.sent = true;
    setTriggerValue("finished", { round: data.round, position: data.position, guesses: state.guesses });
  }

  function onward() {
    if (state.phase === "done" && data.done) setTriggerValue("next", { round: data.round, position: data.position });
  }

  start.addEventListener("click", begin);
  next.addEventListener("click", onward);

  const controller = {
    root,
    key(event) {
      const ours = event.target === start || event.target === next;
      if (state.phase === "ready" && (event.key === "Enter" || event.key === " ") && !ours && !activates(event.target)) {
        begin();
        return true;
      }
      if (state.phase === "racing" && /^[0-9]$/.test(event.key)) {
        guess(Number(event.key));
        return true;
      }
      if (state.phase === "done" && event.key === "Enter" && !ours && !activates(event.target)) {
        onward();
        return true;
      }
      return false;
    },
  };
  active = controller;

  if (state.phase === "done" && !data.done) send(); // remounted before Python heard: say it again (it ignores repeats)
  showRows(state.phase === "ready" ? 0 : state.phase === "done" ? ROWS : rowNow());
  if (state.phase === "racing") state.row = rowNow();
  showPhase();
  if (state.phase === "racing") tick();
  if (state.phase === "done" && data.done && !next.hidden) next.focus({ preventScroll: true });
}

export default function ({ parentElement, data, setTriggerValue }) {
  let root = parentElement.querySelector(":scope > .race");
  const built = root && root.dataset.key === data.key && root.dataset.done === String(data.done);
  if (!root) {
    root = make("div", { class: "race" });
    parentElement.append(root);
  }
  root.classList.toggle("race-presenter", Boolean(data.presenter));
  root.style.setProperty("--race-now", data.now);
  if (built) return; // the same digit, in the same phase: a rerun for something else; the race goes on
  root.dataset.key = data.key;
  root.dataset.done = String(data.done);
  build(root, data, setTriggerValue);
}
