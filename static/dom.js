// What both players build with (static/reading_player.js, static/race_player.js), fetched once with the first.

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

// A base64 string from the server (views/plotting.packed, views/race_player.digit_bytes) as a typed array.
export function decode(base64, Type = Uint8Array) {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return new Type(bytes.buffer);
}
