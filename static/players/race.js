// The race player (mounted by views/players/race.py): a digit uncovered one row at a time, and ten digit buttons.
//
// The server holds the digit: data.rows has only the rows it has released (all 28 once the digit is guessed),
// data.guesses its judgement of each guess, and data.label the true digit only after the right one.
// Phases of one digit: "ready" (covered, a Start button: nobody loses rows reading the instructions), "starting" (row 1
// asked for), "racing" (a row more asked for every data.row_ms, read from the browser's clock, and shown when it
// arrives: the race counts rows, so a slow server costs nobody a row; tap a digit or press its key: the guess goes to
// the server, and a wrong one is marked and costs data.penalty rows), "done" (the right guess; then a Next digit button
// sends "next"). Messages go one at a time, numbered: data.heard is the latest the server acted on, and one left
// unanswered RESEND_MS is sent again (the server ignores repeats).
// A digit's clock is kept per player key: a rerun that remounts the player carries on where it was. The clock stops
// while the race is not on screen (the student on another page, the tab hidden) and goes on from the same row when it
// is back. A tab that was racing a round and is handed another it did not ask for (a server restart gave it a fresh
// session) names the old round to the server ("resume"), which says in words that it was lost.
// Every word it shows or says is the server's, in the reader's language (data.words, views/players/race.py
// player_words), each {placeholder} filled in here: nothing a person reads is written in this file.

import { ROWS, decode, make, paint } from "./shared.js";

const ANNOUNCE_EVERY = 4; // rows between announcements of the row to a screen reader
const RESEND_MS = 3000; // a message not answered in this time is sent again
const kept = new Map(); // player key -> its digit's clock and messages (see fresh)
let active = null; // the player the keyboard plays: the latest one shown that is still on the page
let racing = null; // {round, position}: the round this tab has been racing, until its last digit is guessed

function fresh(key) {
  // started: Start pressed; due: when the next row is to be asked for (performance.now()); released: rows seen so far;
  // judged: guesses already announced; seq: the last message's number; pending: the message awaiting its answer.
  return { key, phase: "ready", started: false, due: 0, pausedAt: null, timer: null, released: 0, judged: 0,
    seq: 0, pending: null, queue: [], resend: null, race: null };
}

// The server's words for `name`, with each {placeholder} filled in from `values`.
function words(data, name, values = {}) {
  return String(data.words[name]).replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
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

document.addEventListener("visibilitychange", () => {
  if (!active) return;
  if (document.hidden) pause(active.state);
  else if (active.root.isConnected) carryOn(active.state.race);
});

// --- the layout: the digit, covered below the rows uncovered so far, and the controls beside it --------------------

function digitBoard() {
  const canvas = make("canvas", { class: "race-pixels" });
  const cover = make("div", { class: "race-cover", "aria-hidden": "true" });
  const now = make("div", { class: "race-now", "aria-hidden": "true" });
  const board = make("div", { class: "race-board", role: "img" }, canvas, cover, now);
  return { board, canvas, cover, now };
}

function keypad(data) {
  const keys = [];
  const pad = make("div", { class: "race-keys", role: "group", "aria-label": words(data, "which"), tabindex: "-1" });
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
    ...digitBoard(),
    rowText: make("p", { class: "race-row" }),
    penaltyText: make("p", { class: "race-penalty" }),
    start: make("button", { type: "button", class: "race-action", "aria-keyshortcuts": "Enter Space" }, words(data, "start")),
    next: make("button", { type: "button", class: "race-action", "aria-keyshortcuts": "Enter" },
      words(data, data.position + 1 < data.count ? "next" : "score")),
    ...keypad(data),
    message: make("p", { class: "race-message" }),
    live: make("p", { class: "race-live", "aria-live": "polite" }),
    help: make("p", { class: "race-help", text: words(data, "help", { penalty: data.penalty }) }),
  };
  root.replaceChildren(
    make("p", { class: "race-progress", text: words(data, "progress", { position: data.position + 1, count: data.count }) }),
    make("div", { class: "race-body" },
      make("div", { class: "race-left" }, ui.board, ui.rowText),
      make("div", { class: "race-right" }, ui.help, ui.start, ui.keypad, ui.penaltyText, ui.message, ui.next)),
    ui.live,
  );
  return ui;
}

// --- what it shows: all of it from the server's data ----------------------------------------------------------------

function phaseOf({ state, data }) {
  if (data.label !== null) return "done";
  if (data.released >= 1) return "racing";
  return state.started ? "starting" : "ready";
}

function shownRows({ state, data }) {
  return state.phase === "done" ? ROWS : data.released;
}

function wrongGuesses({ data }) {
  return data.guesses.filter(([, , verdict]) => verdict === "wrong");
}

function asking(state) {
  // The digits guessed and not answered yet.
  return new Set([state.pending, ...state.queue].filter((m) => m && m.name === "guess").map((m) => m.payload.digit));
}

function say(race, text) {
  race.ui.live.textContent = text;
}

function paintRows(race) {
  // Only the rows the server sent: below them the canvas is blank paper, under the cover.
  if (race.painted === race.data.rows) return;
  race.painted = race.data.rows;
  const rows = decode(race.data.rows);
  paint(race.ui.canvas, ROWS, ROWS, (i) => {
    const v = i < rows.length ? 255 - rows[i] : 255;
    return [v, v, v];
  });
}

function showRows(race) {
  const { root, state, data, ui } = race;
  const row = shownRows(race);
  ui.cover.style.height = `${((ROWS - row) / ROWS) * 100}%`;
  ui.now.style.top = `${((row - 1) / ROWS) * 100}%`;
  ui.now.hidden = row < 1 || row >= ROWS && state.phase !== "racing";
  ui.rowText.textContent = row < 1 ? words(data, "covered", { rows: ROWS }) : words(data, "row", { row, rows: ROWS });
  ui.board.setAttribute("aria-label", row >= ROWS ? words(data, "whole", { rows: ROWS })
    : row < 1 ? words(data, "still_covered") : words(data, "partly", { row, rows: ROWS }));
  root.dataset.row = row;
}

function showKeys(race) {
  const { state, data, ui } = race;
  const wrong = wrongGuesses(race);
  const missed = new Set(wrong.map(([digit]) => digit));
  const asked = asking(state);
  ui.keys.forEach((button, digit) => {
    const isWrong = missed.has(digit), isRight = state.phase === "done" && digit === data.label;
    button.classList.toggle("race-wrong", isWrong);
    button.classList.toggle("race-correct", isRight);
    button.classList.toggle("race-asking", asked.has(digit));
    button.querySelector(".race-key-mark").textContent = isWrong ? "✗" : isRight ? "✓" : "";
    button.setAttribute("aria-label", isWrong ? words(data, "key_wrong", { digit }) : isRight ? words(data, "key_right", { digit }) : String(digit));
    button.disabled = state.phase !== "racing" || isWrong || asked.has(digit);
  });
  const penalty = wrong.length * data.penalty;
  const penaltyWords = wrong.length === 1 ? "penalty_one" : "penalty_many";
  ui.penaltyText.textContent = penalty ? words(data, penaltyWords, { penalty, count: wrong.length }) : "";
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
    const [, row] = data.guesses[data.guesses.length - 1];
    ui.message.textContent = data.done ? "" : words(data, "right", { label: data.label, row });
  } else if (state.phase === "racing" && data.released >= ROWS) {
    ui.message.textContent = words(data, "all_uncovered", { rows: ROWS });
  } else {
    ui.message.textContent = "";
  }
  showKeys(race);
}

// What is new in the server's answer, said to a screen reader: a row, or the verdict on a guess.
function announce(race, arrived) {
  const { state, data } = race;
  const verdicts = data.guesses.slice(state.judged);
  state.judged = data.guesses.length;
  const [digit, row, verdict] = verdicts[verdicts.length - 1] || [];
  if (verdict === "right") {
    const wrong = wrongGuesses(race).length;
    say(race, wrong ? words(data, "right_penalty", { label: data.label, row, penalty: wrong * data.penalty })
      : words(data, "right", { label: data.label, row }));
  } else if (verdict === "wrong") {
    say(race, words(data, "not", { digit, penalty: data.penalty }));
  } else if (arrived && data.released === ROWS) {
    say(race, words(data, "all_uncovered", { rows: ROWS }));
  } else if (arrived && data.released % ANNOUNCE_EVERY === 0) {
    say(race, words(data, "row_said", { row: data.released, rows: ROWS }));
  }
}

// --- the clock: the next row is asked for data.row_ms after the last was due, and shown for a while at least ----------

function schedule(race) {
  const { root, state, data } = race;
  clearTimeout(state.timer);
  if (!root.isConnected || document.hidden || state.pausedAt !== null) return;
  if (state.phase !== "racing" || data.released >= ROWS) return;
  if (state.pending || state.queue.length) return; // one message at a time: a guess waiting may end the digit
  state.timer = setTimeout(() => ask(race), Math.max(0, state.due - performance.now()));
}

function ask(race) {
  const { state, data } = race;
  if (state.phase === "racing" && !state.pending && data.released < ROWS) send(race, "row", { row: data.released + 1 });
}

function arrived(race) {
  // A row came: the next is due a row after this one was, or, from a slow server, half a row after it came.
  const { state, data } = race;
  state.due = Math.max(state.due + data.row_ms, performance.now() + data.row_ms / 2);
}

// The clock stopped: the row stays where it was until carryOn.
function pause(state) {
  if (state.pausedAt !== null) return;
  state.pausedAt = performance.now();
  clearTimeout(state.timer);
}

// The clock goes on from the row it stopped at, as if the time away had not passed.
function unpause(state) {
  if (state.pausedAt === null) return;
  state.due += performance.now() - state.pausedAt;
  state.pausedAt = null;
}

function carryOn(race) {
  unpause(race.state);
  if (race.state.pending) resendLater(race);
  schedule(race);
}

function begin(race) {
  const { root, state, data, ui } = race;
  if (state.phase !== "ready") return;
  Object.assign(state, { started: true, phase: "starting", due: performance.now() });
  racing = { round: data.round, position: data.position };
  showPhase(race);
  say(race, words(data, "begin", { position: data.position + 1, count: data.count, rows: ROWS }));
  if (ui.keypad.getBoundingClientRect().bottom > window.innerHeight) root.scrollIntoView({ block: "start" }); // digit and buttons in view
  ui.keypad.focus({ preventScroll: true });
  send(race, "row", { row: 1 });
}

// --- the guesses: each goes to the server, at the row shown; a wrong one is marked and the race goes on ---------------

function guess(race, digit) {
  const { state, data } = race;
  if (state.phase !== "racing" || data.guesses.some(([d]) => d === digit) || asking(state).has(digit)) return;
  clearTimeout(state.timer);
  send(race, "guess", { digit, row: data.released });
  showKeys(race);
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

function onward(race) {
  if (race.state.phase === "done" && race.data.done && !race.state.pending) send(race, "next", {});
}

// --- the messages to Python: one at a time, numbered, sent again until answered ---------------------------------------

function send(race, name, fields) {
  const { state, data } = race;
  const message = { name, payload: { round: data.round, position: data.position, seq: ++state.seq, ...fields } };
  if (state.pending) state.queue.push(message);
  else transmit(race, message);
}

function transmit(race, message) {
  race.state.pending = message;
  race.setTriggerValue(message.name, message.payload);
  resendLater(race);
}

function resendLater(race) {
  const { state } = race;
  clearTimeout(state.resend);
  state.resend = setTimeout(() => {
    const current = state.race; // the player as last built for this digit
    if (!state.pending || !current.root.isConnected || current.root.dataset.key !== state.key) return;
    if (state.pausedAt === null && !document.hidden) current.setTriggerValue(state.pending.name, state.pending.payload);
    resendLater(current);
  }, RESEND_MS);
}

// The server's answer to the message awaiting one: the next goes; a guess it did not count may be made again.
function acknowledge(race) {
  const { state, data } = race;
  if (!state.pending || data.heard < state.pending.payload.seq) return;
  const answered = state.pending;
  state.pending = null;
  clearTimeout(state.resend);
  if (answered.name === "guess" && !data.guesses.some(([d]) => d === answered.payload.digit) && state.phase === "racing") {
    say(race, words(data, "late", { digit: answered.payload.digit }));
  }
  if (state.phase === "done") state.queue = [];
  if (state.queue.length) transmit(race, state.queue.shift());
}

// A round raced in this tab that the server no longer shows: named once, so a fresh session can say it was lost.
function rememberRound(race) {
  const { state, data } = race;
  if (racing && racing.round !== data.round) {
    race.setTriggerValue("resume", racing);
    racing = null;
  }
  if (state.started) racing = { round: data.round, position: data.position };
  if (state.phase === "done" && data.position + 1 >= data.count) racing = null; // the round is over
}

// --- one digit -----------------------------------------------------------------------------------------------------

function build(root, data, state) {
  root.dataset.key = data.key;
  root.dataset.done = String(data.done);
  root.dataset.language = data.language;
  const race = { root, data, state, ui: layout(root, data), painted: null, setTriggerValue: null };
  state.race = race;
  race.ui.keys.forEach((button, digit) => button.addEventListener("click", () => guess(race, digit)));
  race.ui.start.addEventListener("click", () => begin(race));
  race.ui.next.addEventListener("click", () => onward(race));
  return race;
}

// Shows the digit as the server's data has it, and takes the clock and the messages on from there.
function apply(race) {
  const { state, data, ui } = race;
  state.phase = phaseOf(race);
  if (state.phase !== "ready" && !state.started) Object.assign(state, { started: true, due: performance.now() });
  acknowledge(race);
  const came = data.released > state.released;
  if (came) arrived(race);
  state.released = data.released;
  announce(race, came);
  paintRows(race);
  showRows(race);
  showPhase(race);
  rememberRound(race);
  if (state.pending) resendLater(race);
  schedule(race);
  if (state.phase === "done" && data.done && !ui.next.hidden && !race.focused) {
    race.focused = true;
    ui.next.focus({ preventScroll: true });
  }
}

export default function ({ parentElement, data, setTriggerValue }) {
  let root = parentElement.querySelector(":scope > .race");
  if (!root) {
    root = make("div", { class: "race" });
    parentElement.append(root);
  }
  root.classList.toggle("race-presenter", Boolean(data.presenter));
  root.style.setProperty("--race-now", data.now);
  const state = kept.get(data.key) || fresh(data.key);
  kept.set(data.key, state);
  const built = state.race && state.race.root === root && root.dataset.key === data.key && root.dataset.done === String(data.done)
    && root.dataset.language === data.language; // a new language: its words, built again
  const race = built ? state.race : build(root, data, state);
  Object.assign(race, { data, setTriggerValue });
  active = { root, state, key: (event) => onKey(race, event) };
  if (!document.hidden) unpause(state); // back on the page: the clock goes on from its row
  apply(race);
  return unmount(data.key);
}

// What Streamlit calls when the player leaves the page: its race waits for it.
function unmount(key) {
  return () => {
    const state = kept.get(key);
    if (state) pause(state);
  };
}
