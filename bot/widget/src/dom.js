// Small DOM helpers. Text only ever goes in through textContent or text nodes.

import { linkify } from "./linkify.js";

/** Create an element; `text` sets textContent, other keys become attributes. */
export function h(tag, attributes = {}, children = []) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "class") element.className = value;
    else if (name === "text") element.textContent = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of [].concat(children)) if (child) element.append(child);
  return element;
}

/**
 * Attributes showing texts of a language table, marked so that localize() can show them in
 * another language later: texts(strings, "aria-label=close title=close"); "text" is the content.
 */
export function texts(strings, spec) {
  const attributes = { "data-i18n": spec };
  for (const [name, key] of pairs(spec)) attributes[name] = strings[key];
  return attributes;
}

/** Show every text marked by texts() under `root` from the table `strings`. */
export function localize(root, strings) {
  for (const element of root.querySelectorAll("[data-i18n]")) {
    for (const [name, key] of pairs(element.getAttribute("data-i18n"))) {
      if (name === "text") element.textContent = strings[key];
      else element.setAttribute(name, strings[key]);
    }
  }
}

const pairs = (spec) => spec.split(" ").map((pair) => pair.split("="));

const SVG = "http://www.w3.org/2000/svg";
const ICONS = {
  chat: ["M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.9A8 8 0 1 1 21 12z", "M8.5 12h.01M12 12h.01M15.5 12h.01"],
  close: ["M6 6l12 12", "M18 6L6 18"],
  down: ["M6 9l6 6 6-6"],
  send: ["M4 12l16-8-6 16-2.5-6.5z", "M11.5 13.5L20 4"],
  restart: ["M4 4v6h6", "M20 20v-6h-6", "M5.6 15a7 7 0 0 0 12.1 2.4L20 14", "M18.4 9A7 7 0 0 0 6.3 6.6L4 10"],
};

/** A decorative stroke icon (hidden from screen readers; the button carries the label). */
export function icon(name) {
  const svg = document.createElementNS(SVG, "svg");
  for (const [key, value] of Object.entries({
    viewBox: "0 0 24 24",
    width: "20",
    height: "20",
    fill: "none",
    stroke: "currentColor",
    "stroke-width": "2",
    "stroke-linecap": "round",
    "stroke-linejoin": "round",
    "aria-hidden": "true",
    focusable: "false",
  })) {
    svg.setAttribute(key, value);
  }
  for (const d of ICONS[name]) {
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("d", d);
    svg.append(path);
  }
  return svg;
}

/** Message text as nodes: text kept as text (newlines shown by CSS), links as safe anchors;
 * `newTabHint` is the strings' newTab, said after each link. */
export function textNodes(text, newTabHint) {
  return linkify(text).map((segment) => {
    if (segment.type === "text") return document.createTextNode(segment.text);
    const link = h("a", {
      href: segment.href,
      target: "_blank",
      rel: "noopener noreferrer",
      text: segment.text,
    });
    link.append(h("span", { class: "rc-sr" }, [" ", h("span", { "data-i18n": "text=newTab", text: newTabHint })]));
    return link;
  });
}
