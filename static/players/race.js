// The race player (mounted by views/players/race.py): a digit uncovered one row at a time, and ten digit buttons.
//
// Phases of one digit: "ready" (covered, a Start button: nobody loses rows reading the instructions), "racing" (a row
// more every data.row_ms; tap a digit or press its key; a wrong one is marked and costs data.penalty rows), "done"
// (the right guess: the guesses go to Python as the trigger "finished", then a Next digit button sends "next").
// Rows come from the browser's clock, not from a count of timer ticks, so a busy tab loses no time. A digit's race is
// kept per player key: a rerun that remounts the player (the page's layout changing) carries on where it was.
// The clock stops while the race is not on screen (the student on another page, the tab hidden) and goes on from the
// same row when it is back.

import { ROWS, decode, ink, make, paint } from "./shared.js";

const ANNOUNCE_EVERY = 4; // rows between announcements of the row to a screen reader
const kept = new Map(); // player key -> {phase, startedAt, pausedAt, row, guesses, sent, timer, race}
let active = null; // the player the keyboard plays: the latest one built that is still on the page

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

document.addEventListener("visibilitychange", () => {
  if (!active) return;
  if (document.hidden) pause(active.state);
  else if (active.root.isConnected) carryOn(active.state.race);
});

// --- the layout: the digit, covered below the rows uncovered so far, and the controls beside it --------------------

function digitBoard(data) {
  const canvas = make("canvas", { class: "race-pixels" });
  paint(canvas, ROWS, ROWS, ink(decode(data.image)));
  const cover = make("div", { class: "race-cover", "aria-hidden": "true" });
  const now = make("div", { class: "race-now", "aria-hidden": "true" });
  const board = make("div", { class: "race-board", role: "img" }, canvas, cover, now);
  return { board, cover, now };
}

function keypad() {
  const keys = [];
  const pad = make("div", { class: "race-keys", role: "group", "aria-label": "Which digit is it?", tabindex: "-1" });
  for (let digit = 0; digit < 10; digit++) {
    const button = make("button", { type: "button", class: "race-key", "aria-keyshortcuts": String(digit), "data-digit": String(digit) },
      make("span", { class: "race-key-digit", text: String(digit) }), make("span", { class: "race-key-mark", "aria-hidden": "true" }));
    keys.push(button);
    pad.append(button);
  }
  return { keys, keypad: pad };
}

function layout(root, data) {
  const ui = {
    ...digitBoard(data),
    rowText: make("p", { class: "race-row" }),
    penaltyText: make("p", { class: "race-penalty" }),
    start: make("button", { type: "button", class: "race-action", "aria-keyshortcuts": "Enter Space" }, "Start"),
    next: make("button", { type: "button", class: "race-action", "aria-keyshortcuts": "Enter" },
      data.position + 1 < data.count ? "Next digit" : "See your score"),
    ...keypad(),
    message: make("p", { class: "race-message" }),
    live: make("p", { class: "race-live", "aria-live": "polite" }),
    help: make("p", { class: "race-help",
      text: `Tap the digit, or press its key, as soon as you know it. A wrong guess adds ${data.penalty} rows; keep going.` }),
  };
  root.replaceChildren(
    make("p", { class: "race-progress", text: `Digit ${data.position + 1} of ${data.count}` }),
    make("div", { class: "race-body" },
      make("div", { class: "race-left" }, ui.board, ui.rowText),
      make("div", { class: "race-right" }, ui.help, ui.start, ui.keypad, ui.penaltyText, ui.message, ui.next)),
    ui.live,
  );
  return ui;
}

// --- what it shows -------------------------------------------------------------------------------------------------

function wrongGuesses({ state, data }) {
  return state.guesses.filter(([digit]) => digit !== data.label);
}

function say(race, text) {
  race.ui.live.textContent = text;
}

function showRows({ root, state, ui }, row) {
  const hidden = ROWS - row;
  ui.cover.style.height = `${(hidden / ROWS) * 100}%`;
  ui.now.style.top = `${((row - 1) / ROWS) * 100}%`;
  ui.now.hidden = row < 1 || row >= ROWS && state.phase !== "racing";
  ui.rowText.textContent = row < 1 ? `Covered: ${ROWS} rows to go` : `Row ${row} of ${ROWS}`;
  ui.board.setAttribute("aria-label", row >= ROWS ? "The whole digit, all 28 rows uncovered."
    : row < 1 ? "The digit, still covered." : `The digit, rows 1 to ${row} of ${ROWS} uncovered, the rest covered.`);
  root.dataset.row = row;
}

function showKeys(race) {
  const { state, data, ui } = race;
  const wrong = wrongGuesses(race);
  const missed = new Set(wrong.map(([digit]) => digit));
  ui.keys.forEach((button, digit) => {
    const isWrong = missed.has(digit), isRight = state.phase === "done" && digit === data.label;
    button.classList.toggle("race-wrong", isWrong);
    button.classList.toggle("race-correct", isRight);
    button.querySelector(".race-key-mark").textContent = isWrong ? "✗" : isRight ? "✓" : "";
    button.setAttribute("aria-label", isWrong ? `${digit}: wrong` : isRight ? `${digit}: right` : String(digit));
    button.disabled = state.phase !== "racing" || isWrong;
  });
  const penalty = wrong.length * data.penalty;
  ui.penaltyText.textContent = penalty ? `+${penalty} rows for ${wrong.length === 1 ? "a wrong guess" : `${wrong.length} wrong guesses`}` : "";
}

function showPhase(race) {
  const { root, state, data, ui } = race;
  root.dataset.phase = state.phase;
  ui.start.hidden = state.phase !== "ready";
  ui.help.hidden = state.phase !== "ready";
  ui.next.hidden = !(state.phase === "done" && data.done);
  const scored = state.phase === "done" && data.done; // the result is beside it: the digit and the way on are enough
  root.classList.toggle("race-scored", scored);
  for (const part of [ui.keypad, ui.rowText, ui.penaltyText, ui.message]) part.hidden = scored;
  if (state.phase === "done") {
    const [, row] = state.guesses[state.guesses.length - 1];
    ui.message.textContent = data.done ? "" : `Right: it is a ${data.label}, at row ${row}.`;
  } else if (state.phase === "racing" && state.row >= ROWS) {
    ui.message.textContent = "All 28 rows are uncovered: which digit is it?";
  } else {
    ui.message.textContent = "";
  }
  showKeys(race);
}

// --- the clock: a row more every data.row_ms since Start, read from the browser's clock -----------------------------

function rowNow({ state, data }) {
  const now = state.pausedAt ?? performance.now();
  return Math.min(ROWS, 1 + Math.floor((now - state.startedAt) / data.row_ms));
}

function tick(race) {
  const { root, state, data } = race;
  if (!root.isConnected || state.phase !== "racing" || state.pausedAt !== null) return;
  const row = rowNow(race);
  if (row !== state.row) {
    state.row = row;
    showRows(race, row);
    if (row === ROWS) {
      showPhase(race);
      say(race, "All 28 rows are uncovered: which digit is it?");
    } else if (row % ANNOUNCE_EVERY === 0) {
      say(race, `Row ${row} of ${ROWS}.`);
    }
  }
  if (row < ROWS) state.timer = setTimeout(() => tick(race), Math.max(20, state.startedAt + row * data.row_ms - performance.now()));
}

// The clock stopped: the row stays where it was until carryOn.
function pause(state) {
  if (state.phase !== "racing" || state.pausedAt !== null) return;
  state.pausedAt = performance.now();
  clearTimeout(state.timer);
}

// The clock goes on from the row it stopped at, as if the time away had not passed.
function unpause(state) {
  if (state.pausedAt === null) return;
  state.startedAt += performance.now() - state.pausedAt;
  state.pausedAt = null;
}

function carryOn(race) {
  unpause(race.state);
  if (race.state.phase !== "racing") return;
  clearTimeout(race.state.timer);
  tick(race);
}

function begin(race) {
  const { root, state, data, ui } = race;
  if (state.phase !== "ready") return;
  Object.assign(state, { phase: "racing", startedAt: performance.now(), row: 1 });
  showRows(race, 1);
  showPhase(race);
  say(race, `Digit ${data.position + 1} of ${data.count}: uncovering, row 1 of ${ROWS}. Press a digit key or tap a digit.`);
  if (ui.keypad.getBoundingClientRect().bottom > window.innerHeight) root.scrollIntoView({ block: "start" }); // digit and buttons in view
  ui.keypad.focus({ preventScroll: true });
  clearTimeout(state.timer);
  state.timer = setTimeout(() => tick(race), data.row_ms);
}

// --- the guesses: a wrong one is marked and the race goes on; the right one ends the digit ---------------------------

function guess(race, digit) {
  const { state, data } = race;
  if (state.phase !== "racing" || state.guesses.some(([d]) => d === digit)) return;
  const row = rowNow(race);
  state.guesses.push([digit, row]);
  if (digit !== data.label) {
    showKeys(race);
    say(race, `Not ${digit}: ${data.penalty} rows added. Keep going.`);
    return;
  }
  clearTimeout(state.timer);
  state.phase = "done";
  state.row = ROWS;
  showRows(race, ROWS);
  showPhase(race);
  const wrong = wrongGuesses(race).length;
  say(race, `Right: it is a ${data.label}, at row ${row}${wrong ? `, plus ${wrong * data.penalty} rows for wrong guesses` : ""}.`);
  send(race);
}

// A key pressed anywhere on the page, for the player it plays: true where the player took it.
function onKey(race, event) {
  const { state, ui } = race;
  const ours = event.target === ui.start || event.target === ui.next;
  if (state.phase === "ready" && (event.key === "Enter" || event.key === " ") && !ours && !activates(event.target)) {
    begin(race);
    return true;
  }
  if (state.phase === "racing" && /^[0-9]$/.test(event.key)) {
    guess(race, Number(event.key));
    return true;
  }
  if (state.phase === "done" && event.key === "Enter" && !ours && !activates(event.target)) {
    onward(race);
    return true;
  }
  return false;
}

// --- the messages to Python ----------------------------------------------------------------------------------------

function send({ state, data, setTriggerValue }) {
  if (state.sent) return;
  state.sent = true;
  setTriggerValue("finished", { round: data.round, position: data.position, guesses: state.guesses });
}

function onward({ state, data, setTriggerValue }) {
  if (state.phase === "done" && data.done) setTriggerValue("next", { round: data.round, position: data.position });
}

// --- one digit -----------------------------------------------------------------------------------------------------

function build(root, data, setTriggerValue) {
  const state = kept.get(data.key) || { phase: "ready", startedAt: 0, pausedAt: null, row: 0, guesses: [], sent: false, timer: null };
  kept.set(data.key, state);
  clearTimeout(state.timer); // a rebuilt player ticks on its own elements
  const race = { root, data, state, setTriggerValue, ui: layout(root, data) };
  state.race = race;
  race.ui.keys.forEach((button, digit) => button.addEventListener("click", () => guess(race, digit)));
  race.ui.start.addEventListener("click", () => begin(race));
  race.ui.next.addEventListener("click", () => onward(race));
  active = { root, state, key: (event) => onKey(race, event) };
  resume(race);
}

// Shows the digit where its race is: covered, uncovering (the clock runs on from Start), or over.
function resume(race) {
  const { state, data, ui } = race;
  if (state.phase === "done" && !data.done) send(race); // remounted before Python heard: say it again (it ignores repeats)
  if (!document.hidden) unpause(state); // back on the page: the clock goes on from its row
  showRows(race, state.phase === "ready" ? 0 : state.phase === "done" ? ROWS : rowNow(race));
  if (state.phase === "racing") state.row = rowNow(race);
  showPhase(race);
  if (state.phase === "racing" && state.pausedAt === null) tick(race);
  if (state.phase === "done" && data.done && !ui.next.hidden) ui.next.focus({ preventScroll: true });
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
  if (built) {  // the same digit, in the same phase: a rerun for something else; the race goes on
    const state = kept.get(data.key);
    if (state && state.race && !document.hidden) carryOn(state.race);
    return unmount(data.key);
  }
  root.dataset.key = data.key;
  root.dataset.done = String(data.done);
  build(root, data, setTriggerValue);
  return unmount(data.key);
}

// What Streamlit calls when the player leaves the page: its race waits for it.
function unmount(key) {
  return () => {
    const state = kept.get(key);
    if (state) pause(state);
  };
}
