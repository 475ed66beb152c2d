// The reading player (mounted by views/players/reading.py): the digit, a state map, the probabilities after the row and row by row.
//
// Streamlit calls the default export with a new `data` whenever the script sends one (a new digit, another state or
// layer); playing, stepping and the speed never go back to the server. The row shown, whether it plays and the speed
// are kept per player key, so choosing another state or layer for the same digit keeps the row a teacher paused on.
// Layout follows the player's own width (CSS container queries in reading.css). Every word it shows or says comes in
// data.words, in the reader's language (views/players/reading_spec.py): here are only the numbers put into them.

import { ROWS, decode, fill, ink, make, paint } from "./shared.js";

const SPEEDS = { Slow: 700, Normal: 350, Fast: 120 }; // milliseconds per row, by the speeds' ids (their names: words.speeds)
const LABEL_FROM = 0.15; // a line is named at its end from this probability on
const LABELLED = 4; // and at most this many, the most likely
const kept = new Map(); // player key -> {digest, row, playing, speed, waiting}: outlives a remount of the element
const current = new WeakMap(); // a player's element -> the player last built in it: an earlier one's timers stop

function hexToRgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function colourAt(stops, t) {
  for (let i = 1; i < stops.length; i++) {
    const [p1, c1] = stops[i];
    if (t <= p1 || i === stops.length - 1) {
      const [p0, c0] = stops[i - 1];
      const f = p1 > p0 ? Math.min(Math.max((t - p0) / (p1 - p0), 0), 1) : 0;
      const a = hexToRgb(c0), b = hexToRgb(c1);
      return a.map((v, k) => Math.round(v + (b[k] - v) * f));
    }
  }
  return hexToRgb(stops[0][1]);
}

function percent(words, p) {
  return fill(words.percent, { value: Math.round(p * 100) });
}

// "7: 92%, 1: 5%": digits and their probabilities, as the reader's language lists them.
function listed(words, pairs) {
  return pairs.map(([digit, p]) => fill(words.list_item, { digit, percent: percent(words, p) })).join(words.list_separator);
}

function ticks(values, position, className) {
  // Labels along an axis at fractions of its length: position(value) -> CSS percentage.
  return make("div", { class: className, "aria-hidden": "true" },
    ...values.map(([value, label]) => make("span", { style: position(value), text: label })));
}

const ROW_TICKS = [1, 8, 15, 22, 28];

// --- the panels -----------------------------------------------------------------------------------------------------

// Over a panel whose rows run along `along` ("y": down the digit; "x": across the state map, `breadth` units tall):
// the rows not read yet veiled, and the row being read framed in the amber of "now".
function rowMarks(along, breadth) {
  const [position, length, crossPosition, crossLength] = along === "y" ? ["y", "height", "x", "width"] : ["x", "width", "y", "height"];
  const veil = make("svg:rect", { [crossPosition]: 0, [crossLength]: breadth, fill: "rgba(255,255,255,0.82)" });
  const now = make("svg:rect", {
    [crossPosition]: 0, [crossLength]: breadth, [length]: 1, fill: "none", class: "rr-now", "vector-effect": "non-scaling-stroke",
  });
  const [width, height] = along === "y" ? [breadth, ROWS] : [ROWS, breadth];
  const overlay = make("svg:svg", { viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: "none", class: "rr-overlay", "aria-hidden": "true" }, veil, now);
  return {
    overlay,
    show(row) {
      veil.setAttribute(position, row);
      veil.setAttribute(length, ROWS - row);
      now.setAttribute(position, row - 1);
    },
  };
}

function digitPanel(data) {
  const words = data.words;
  const canvas = make("canvas", { class: "rr-pixels" });
  const image = decode(data.image, Uint8Array);
  paint(canvas, ROWS, ROWS, ink(image));
  const marks = rowMarks("y", ROWS); // rows run down the digit
  const box = make("div", { class: "rr-plot rr-square", role: "img" }, canvas, marks.overlay);
  const rows = ticks(ROW_TICKS.map((r) => [r, String(r)]), (r) => `top: ${((r - 0.5) / ROWS) * 100}%`, "rr-yticks");
  const panel = make("figure", { class: "rr-panel rr-digit" },
    make("figcaption", { class: "rr-title", text: words.digit_title }),
    make("div", { class: "rr-frame" }, make("div", { class: "rr-ytitle", "aria-hidden": "true", text: words.row_axis }), rows, box));
  return {
    panel,
    show(row) {
      marks.show(row);
      box.setAttribute("aria-label", fill(words.digit_label, { row }));
    },
  };
}

function mapPanel(data) {
  const map = data.map, words = data.words;
  const units = map.units;
  const values = decode(map.values, Uint8Array); // (units, rows), 0-255 from map.low to map.high
  const canvas = make("canvas", { class: "rr-pixels" });
  const palette = Array.from({ length: 256 }, (_, v) => colourAt(map.colours, v / 255));
  paint(canvas, ROWS, units, (i) => palette[values[i]]);
  const marks = rowMarks("x", units); // rows run across the map, one column each
  const box = make("div", { class: "rr-plot rr-map", role: "img" }, canvas, marks.overlay);
  const unitTicks = [...new Set([0, Math.floor(units / 2), units - 1])].map((u) => [u, String(u)]); // numbered from 0, as on Look inside
  const gradient = map.colours.map(([p, c]) => `${c} ${p * 100}%`).join(", ");
  const scale = make("div", { class: "rr-scale", "aria-hidden": "true" },
    make("span", { class: "rr-scale-name", text: map.name }),
    make("span", { text: map.ticks[0] }),
    make("span", { class: "rr-scale-bar", style: `background: linear-gradient(to right, ${gradient})` }),
    make("span", { text: map.ticks[map.ticks.length - 1] }));
  const panel = make("figure", { class: "rr-panel rr-state" },
    make("figcaption", { class: "rr-title", text: map.title }),
    make("div", { class: "rr-frame" },
      make("div", { class: "rr-ytitle", "aria-hidden": "true", text: words.unit_axis }),
      ticks(unitTicks, (u) => `top: ${((u + 0.5) / units) * 100}%`, "rr-yticks"),
      box,
      ticks(ROW_TICKS.map((r) => [r, String(r)]), (r) => `left: ${((r - 0.5) / ROWS) * 100}%`, "rr-xticks"),
      make("div", { class: "rr-xtitle", "aria-hidden": "true", text: words.after_row_axis })),
    scale,
    ...(map.note ? [make("p", { class: "rr-note", text: map.note })] : [])); // what a GRU or a plain RNN keeps instead of c
  return {
    panel,
    show(row) {
      marks.show(row);
      box.setAttribute("aria-label", fill(words.map_label, { title: map.title, explain: map.explain, row }));
    },
  };
}

function barsPanel(data, probs, title) {
  const words = data.words;
  const bars = [], values = [];
  const chart = make("div", { class: "rr-bars", role: "img" });
  for (let digit = 0; digit < 10; digit++) {
    const value = make("span", { class: "rr-bar-value" });
    const bar = make("span", { class: "rr-bar", style: `background: ${data.colours[digit]}` });
    chart.append(make("div", { class: "rr-bar-column" },
      make("div", { class: "rr-bar-track" }, value, bar),
      make("span", { class: "rr-bar-digit", text: String(digit) })));
    bars.push(bar);
    values.push(value);
  }
  const heading = make("figcaption", { class: "rr-title" });
  const panel = make("figure", { class: "rr-panel rr-probs" }, heading, chart);
  return {
    panel,
    show(row) {
      const p = probs.subarray((row - 1) * 10, row * 10);
      heading.textContent = title(row);
      p.forEach((v, digit) => {
        bars[digit].style.height = `${Math.max(v * 100, 0.5)}%`;
        values[digit].textContent = v >= 0.05 ? percent(words, v) : "";
        values[digit].style.bottom = `${v * 100}%`;
        values[digit].style.visibility = "visible";
      });
      // Where bars are narrow (a phone), neighbouring values would run into each other: the likeliest keep theirs.
      const placed = [];
      for (const digit of [...p.keys()].sort((a, b) => p[b] - p[a])) {
        if (!values[digit].textContent) continue;
        const box = values[digit].getBoundingClientRect();
        const clash = placed.some((other) => box.left < other.right && other.left < box.right && box.top < other.bottom && other.top < box.bottom);
        if (clash) values[digit].style.visibility = "hidden";
        else placed.push(box);
      }
      const ranked = [...p].map((v, d) => [d, v]).sort((a, b) => b[1] - a[1]).filter(([, v], i) => i === 0 || v >= 0.01);
      chart.setAttribute("aria-label", fill(words.bars_label, { title: title(row), list: listed(words, ranked) }));
    },
  };
}

function linesPanel(data, probs) {
  const words = data.words;
  const plot = make("svg:svg", { viewBox: `0 0 ${ROWS} 100`, preserveAspectRatio: "none", class: "rr-lines-svg", "aria-hidden": "true" });
  for (const level of [0, 50, 100]) {
    plot.append(make("svg:line", { x1: 0, x2: ROWS, y1: 100 - level, y2: 100 - level, class: "rr-gridline", "vector-effect": "non-scaling-stroke" }));
  }
  const lines = data.colours.map((colour) => {
    const line = make("svg:polyline", { fill: "none", stroke: colour, class: "rr-line", "vector-effect": "non-scaling-stroke" });
    plot.append(line);
    return line;
  });
  const now = make("svg:line", { y1: 0, y2: 100, class: "rr-now", "vector-effect": "non-scaling-stroke" });
  plot.append(now);
  const labels = make("div", { class: "rr-line-labels", "aria-hidden": "true" });
  const box = make("div", { class: "rr-plot rr-lines", role: "img" }, plot, labels);
  const panel = make("figure", { class: "rr-panel rr-history" },
    make("figcaption", { class: "rr-title", text: words.lines_title }),
    make("div", { class: "rr-frame" },
      ticks([0, 50, 100].map((v, n) => [v, words.percent_ticks[n]]), (v) => `top: ${100 - v}%`, "rr-yticks rr-percent"),
      box,
      ticks(ROW_TICKS.map((r) => [r, String(r)]), (r) => `left: ${((r - 0.5) / ROWS) * 100}%`, "rr-xticks"),
      make("div", { class: "rr-xtitle", "aria-hidden": "true", text: words.after_row_axis })));
  return {
    panel,
    show(row) {
      lines.forEach((line, digit) => {
        const points = [];
        for (let r = 1; r <= row; r++) points.push(`${r - 0.5},${100 - 100 * probs[(r - 1) * 10 + digit]}`);
        line.setAttribute("points", points.join(" "));
      });
      now.setAttribute("x1", row - 0.5);
      now.setAttribute("x2", row - 0.5);
      // The lines that stand out are named at their ends, by their digits: nothing rests on colour alone. Names too
      // close to each other are spread apart, within the plot.
      const height = box.clientHeight || 200;
      const gap = Math.min((parseFloat(getComputedStyle(labels).fontSize) || 15) * 1.1 / height, 1 / LABELLED);
      const ends = [];
      for (let digit = 0; digit < 10; digit++) {
        const p = probs[(row - 1) * 10 + digit];
        if (p >= LABEL_FROM) ends.push({ digit, p, y: 1 - p });
      }
      ends.sort((a, b) => b.p - a.p).splice(LABELLED);
      ends.sort((a, b) => a.y - b.y);
      for (let i = 1; i < ends.length; i++) ends[i].y = Math.max(ends[i].y, ends[i - 1].y + gap);
      const below = ends.length ? ends[ends.length - 1].y - 1 : 0;
      if (below > 0) ends.forEach((end) => { end.y -= below; });
      labels.replaceChildren(...ends.map(({ digit, y }) => make("span", {
        style: `left: ${((row - 0.5) / ROWS) * 100}%; top: ${y * 100}%; color: ${data.colours[digit]}`,
        text: String(digit),
      })));
      const ranked = ends.map(({ digit }) => [digit, probs[(row - 1) * 10 + digit]]);
      box.setAttribute("aria-label", fill(words.lines_label, { row, list: listed(words, ranked) }));
    },
  };
}

// --- the controls ---------------------------------------------------------------------------------------------------

function controls(state, key, words) {
  const back = make("button", { type: "button", class: "rr-button", "aria-keyshortcuts": "ArrowLeft" },
    make("span", { "aria-hidden": "true", text: "◀ " }), words.row_back);
  const play = make("button", { type: "button", class: "rr-button rr-play", "aria-keyshortcuts": "Space" });
  const on = make("button", { type: "button", class: "rr-button", "aria-keyshortcuts": "ArrowRight" },
    words.row_on, make("span", { "aria-hidden": "true", text: " ▶" }));
  const slider = make("input", { type: "range", min: 1, max: ROWS, step: 1, class: "rr-slider", "aria-label": words.slider_label });
  const rowText = make("span", { class: "rr-row-text" });
  const speeds = make("fieldset", { class: "rr-speed" }, make("legend", { text: words.speed }));
  for (const name of Object.keys(SPEEDS)) {
    const input = make("input", { type: "radio", name: `${key}-speed`, value: name });
    input.checked = name === state.speed;
    speeds.append(make("label", {}, input, make("span", { text: words.speeds[name] })));
  }
  const bar = make("div", { class: "rr-controls", role: "group", "aria-label": words.controls_label },
    make("div", { class: "rr-buttons" }, back, play, on),
    make("label", { class: "rr-slider-label" }, rowText, slider));
  return { bar, back, play, on, slider, rowText, speeds };
}

// --- one player: its layout, its playing, and what the buttons, keys and charts do --------------------------------

// The row, play and speed this player key had, unless its digit changed: a new digit starts at data.start_row, paused.
// With data.autoplay a new digit's reading plays once from row 1 as soon as the player is on screen, unless the browser
// asks for reduced motion: its answer is said instead.
function restore(data) {
  const state = kept.get(data.key) || { digest: null, row: ROWS, playing: false, speed: "Normal", waiting: false };
  const fresh = state.digest !== data.digest;
  const moving = data.autoplay && !matchMedia("(prefers-reduced-motion: reduce)").matches;
  if (fresh) Object.assign(state, { digest: data.digest, row: data.start_row, playing: false, waiting: Boolean(moving) });
  kept.set(data.key, state);
  return { state, sayAnswer: fresh && data.autoplay && !moving };
}

// A reading waiting to play by itself starts once half the player is in view (at once where it already is).
function playWhenSeen(player) {
  if (!player.state.waiting) return;
  const seen = new IntersectionObserver((entries) => {
    if (!entries.some((entry) => entry.isIntersecting)) return;
    seen.disconnect();
    if (!player.state.waiting || !player.root.isConnected || current.get(player.root) !== player) return;
    player.state.waiting = false;
    show(player, 1, { quiet: true });
    setPlaying(player, true);
  }, { threshold: 0.5 });
  seen.observe(player.root.querySelector(".rr-grid"));
}

function layout(root, data, state, probs) {
  const panels = [digitPanel(data), mapPanel(data), barsPanel(data, probs, (row) => fill(data.words.bars_after, { row })), linesPanel(data, probs)];
  const ui = controls(state, data.key, data.words);
  const names = ["digit", "state", "bars", "lines"];
  const looked = names.indexOf(data.highlight); // the lesson's "look here"
  if (looked >= 0) panels[looked].panel.classList.add("rr-look");
  if (data.only) names.forEach((name, n) => { panels[n].panel.hidden = !data.only.includes(name); }); // the lesson's pair
  const status = make("p", { class: "rr-visually-hidden", "aria-live": "polite" });
  const keysHint = make("p", { class: "rr-keys", text: data.words.keys });
  root.style.setProperty("--rr-now", data.now);
  root.replaceChildren(
    make("div", { class: data.only ? "rr-grid rr-pair" : "rr-grid" }, ...panels.map((p) => p.panel)),
    ui.bar, // sticky on a phone: it must be the player's own child to stay under the thumb
    make("div", { class: "rr-more" }, ui.speeds, keysHint),
    status,
  );
  return { panels, ui, status };
}

function announce(player, row) {
  const p = player.probs.subarray((row - 1) * 10, row * 10);
  const best = p.indexOf(Math.max(...p));
  player.status.textContent = fill(player.words.announce, { row, rows: ROWS, digit: best, percent: percent(player.words, p[best]) });
}

function show(player, row, { quiet = false } = {}) {
  const { root, state, panels, ui } = player;
  state.row = Math.min(Math.max(row, 1), ROWS);
  panels.forEach((panel) => panel.show(state.row));
  ui.slider.value = state.row;
  ui.slider.setAttribute("aria-valuetext", fill(player.words.slider_value, { row: state.row, rows: ROWS }));
  ui.rowText.textContent = fill(player.words.rows_read, { row: state.row, rows: ROWS });
  root.dataset.row = state.row;
  if (!quiet) announce(player, state.row);
}

function setPlaying(player, playing) {
  player.state.playing = playing;
  player.root.dataset.playing = playing;
  const words = player.words;
  player.ui.play.replaceChildren(make("span", { "aria-hidden": "true", text: playing ? "❚❚ " : "▶ " }), playing ? words.pause : words.play);
  clearTimeout(player.timer);
  if (playing) player.timer = setTimeout(() => tick(player), SPEEDS[player.state.speed]);
}

function tick(player) {
  const { root, state } = player;
  if (!root.isConnected || !state.playing || current.get(root) !== player) return; // a rebuilt player ticks on its own
  show(player, state.row + 1, { quiet: true });
  if (state.row >= ROWS) {
    setPlaying(player, false);
    announce(player, state.row);
  } else {
    player.timer = setTimeout(() => tick(player), SPEEDS[state.speed]);
  }
}

function step(player, row) {
  player.state.waiting = false;
  setPlaying(player, false);
  show(player, row);
}

function togglePlay(player) {
  player.state.waiting = false;
  if (player.state.playing) {
    setPlaying(player, false);
    announce(player, player.state.row);
    return;
  }
  if (player.state.row >= ROWS) show(player, 1, { quiet: true }); // from the end, Play starts again at row 1
  setPlaying(player, true);
}

function listen(player) {
  const { root, state, ui } = player;
  ui.back.addEventListener("click", () => step(player, state.row - 1));
  ui.on.addEventListener("click", () => step(player, state.row + 1));
  ui.play.addEventListener("click", () => togglePlay(player));
  ui.slider.addEventListener("input", () => step(player, Number(ui.slider.value)));
  ui.speeds.addEventListener("change", (event) => {
    state.speed = event.target.value;
    if (state.playing) setPlaying(player, true);
  });
  root.onkeydown = (event) => onKey(player, event);
  // A tap or click on the state map or the lines shows that row: the place on the chart is the row.
  for (const box of root.querySelectorAll(".rr-map, .rr-lines")) {
    box.addEventListener("click", (event) => {
      const rect = box.getBoundingClientRect();
      step(player, Math.floor(((event.clientX - rect.left) / rect.width) * ROWS) + 1);
    });
  }
}

// Space or K plays and pauses; the arrows, Home and End step, except where the slider or a speed takes them itself.
function onKey(player, event) {
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  const row = player.state.row;
  const onRange = event.target === player.ui.slider, onRadio = event.target.type === "radio";
  if (event.key === " " && event.target.tagName !== "BUTTON" && !onRadio) togglePlay(player);
  else if (event.key === "k" || event.key === "K") togglePlay(player);
  else if (onRange || onRadio) return;
  else if (event.key === "ArrowLeft") step(player, row - 1);
  else if (event.key === "ArrowRight") step(player, row + 1);
  else if (event.key === "Home") step(player, 1);
  else if (event.key === "End") step(player, ROWS);
  else return;
  event.preventDefault();
  event.stopPropagation(); // the player's keys: not also a page's shortcut (the lesson's Back and Next are ← and →)
}

function build(root, data) {
  const { state, sayAnswer } = restore(data);
  const probs = decode(data.probs, Float32Array); // (rows, 10)
  const player = { root, state, probs, words: data.words, timer: null, ...layout(root, data, state, probs) };
  current.set(root, player);
  listen(player);
  show(player, state.row, { quiet: true });
  setPlaying(player, state.playing);
  if (sayAnswer) requestAnimationFrame(() => announce(player, state.row)); // once the live region is on the page
  playWhenSeen(player);
}

function buildAnswer(root, data) {
  const probs = decode(data.probs, Float32Array);
  const bars = barsPanel(data, probs, () => data.words.answer_title);
  root.replaceChildren(bars.panel);
  bars.show(probs.length / 10);
}

export default function ({ parentElement, data }) {
  let root = parentElement.querySelector(":scope > .rr");
  if (!root) {
    root = make("div", { class: "rr" });
    parentElement.append(root);
  }
  root.classList.toggle("rr-presenter", Boolean(data.presenter));
  root.classList.toggle("rr-answer", data.mode === "answer");
  if (data.mode === "answer") buildAnswer(root, data);
  else build(root, data);
}
