// What both players build with (static/players/reading.js, static/players/race.js), fetched once with the first.

export const ROWS = 28; // a digit's rows, and its columns: the network reads one row a step

const SVG = "http://www.w3.org/2000/svg";

// An element (an SVG one for "svg:<tag>") with its attributes ("text" sets its text, never HTML) and children.
export function make(tag, attributes = {}, ...children) {
  const element = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") element.textContent = value;
    else element.setAttribute(name, value);
  }
  element.append(...children);
  return element;
}

// A template of the server's words ("Rows read: {row} of {rows}") with its named places filled: the words come in the
// reader's language from the spec (views/players/reading_spec.py), only the numbers from here. An unknown place stays.
export function fill(template, values = {}) {
  return String(template).replace(/\{(\w+)\}/g, (place, name) => (name in values ? String(values[name]) : place));
}

// One of the base64 arrays in the server's specs (views/encoding.py) as a typed array.
export function decode(base64, Type = Uint8Array) {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return new Type(bytes.buffer);
}

// A canvas of width x height pixels, one a value; colourOf(i) gives the [r, g, b] of the i-th, row by row.
// The canvas is scaled up by CSS (image-rendering: pixelated), so each value stays a sharp square.
export function paint(canvas, width, height, colourOf) {
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d");
  const pixels = context.createImageData(width, height);
  for (let i = 0; i < width * height; i++) {
    const [r, g, b] = colourOf(i);
    pixels.data.set([r, g, b, 255], 4 * i);
  }
  context.putImageData(pixels, 0, 0);
}

// A digit's shades (0 paper to 255 ink) as paint's colours: dark ink on white, as on paper.
export function ink(image) {
  return (i) => {
    const v = 255 - image[i];
    return [v, v, v];
  };
}
