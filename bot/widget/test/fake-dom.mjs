// Just enough of a browser for the widget to run in node: elements, text nodes, a shadow
// root, events, sessionStorage, matchMedia. No layout: sizes are 0, nothing is rendered.
// The real browser is tests/e2e/widget (Chromium); these tests check the widget's logic.

class Node {
  constructor() {
    this.parentNode = null;
    this.childNodes = [];
  }
  get textContent() {
    return this.childNodes.map((child) => child.textContent).join("");
  }
  set textContent(value) {
    this.replaceChildren(...(value === "" || value == null ? [] : [String(value)]));
  }
  append(...nodes) {
    for (let node of nodes) {
      if (typeof node === "string") node = new Text(node);
      if (node.parentNode) node.remove();
      node.parentNode = this;
      this.childNodes.push(node);
    }
  }
  replaceChildren(...nodes) {
    for (const child of this.childNodes) child.parentNode = null;
    this.childNodes = [];
    this.append(...nodes);
  }
  remove() {
    if (!this.parentNode) return;
    const siblings = this.parentNode.childNodes;
    siblings.splice(siblings.indexOf(this), 1);
    this.parentNode = null;
  }
  replaceWith(node) {
    const parent = this.parentNode;
    const index = parent.childNodes.indexOf(this);
    this.remove();
    if (node.parentNode) node.remove();
    node.parentNode = parent;
    parent.childNodes.splice(index, 0, node);
  }
  getRootNode() {
    let node = this;
    while (node.parentNode) node = node.parentNode;
    return node;
  }
  get children() {
    return this.childNodes.filter((child) => child instanceof Element);
  }
  /** Descendant elements in document order. */
  *descendants() {
    for (const child of this.children) {
      yield child;
      yield* child.descendants();
    }
  }
  querySelectorAll(selector) {
    const alternatives = selector.split(",").map((part) => part.trim().split(/\s+/));
    return [...this.descendants()].filter((element) => alternatives.some((chain) => element.matchesChain(chain)));
  }
  querySelector(selector) {
    return this.querySelectorAll(selector)[0] || null;
  }
}

class Text extends Node {
  constructor(text) {
    super();
    this.data = text;
  }
  get textContent() {
    return this.data;
  }
  set textContent(value) {
    this.data = String(value);
  }
}

// One compound selector: tag, .class, #id, [name] and [name="value"], combined.
const SIMPLE = /([.#]?[\w-]+)|\[([\w-]+)(?:="?([^"\]]*)"?)?\]/g;

class Element extends Node {
  constructor(tagName) {
    super();
    this.tagName = tagName.toUpperCase();
    this.attributes = new Map();
    this.listeners = {};
    this.dataset = {};
    this.style = { setProperty: (name, value) => (this.style[name] = value) };
    this.value = "";
    this.scrollTop = 0;
    this.scrollHeight = 0;
    this.clientHeight = 0;
    this.offsetTop = 0;
    const element = this;
    this.classList = {
      get values() {
        return (element.getAttribute("class") || "").split(/\s+/).filter(Boolean);
      },
      contains: (name) => element.classList.values.includes(name),
      add: (name) => element.classList.toggle(name, true),
      remove: (name) => element.classList.toggle(name, false),
      toggle(name, force = !this.contains(name)) {
        const others = this.values.filter((value) => value !== name);
        element.setAttribute("class", (force ? [...others, name] : others).join(" "));
        return force;
      },
    };
  }
  set className(value) {
    this.setAttribute("class", value);
  }
  get className() {
    return this.getAttribute("class") || "";
  }
  get hidden() {
    return this.hasAttribute("hidden");
  }
  set hidden(value) {
    if (value) this.setAttribute("hidden", "");
    else this.removeAttribute("hidden");
  }
  get id() {
    return this.getAttribute("id") || "";
  }
  setAttribute(name, value) {
    this.attributes.set(name, String(value));
  }
  getAttribute(name) {
    return this.attributes.has(name) ? this.attributes.get(name) : null;
  }
  hasAttribute(name) {
    return this.attributes.has(name);
  }
  removeAttribute(name) {
    this.attributes.delete(name);
  }
  addEventListener(type, listener) {
    (this.listeners[type] ||= []).push(listener);
  }
  removeEventListener(type, listener) {
    this.listeners[type] = (this.listeners[type] || []).filter((l) => l !== listener);
  }
  dispatchEvent(event) {
    event.target ||= this;
    event.preventDefault ||= () => (event.defaultPrevented = true);
    for (const listener of this.listeners[event.type] || []) listener(event);
    return !event.defaultPrevented;
  }
  click() {
    this.dispatchEvent({ type: "click" });
  }
  focus() {
    this.getRootNode().activeElement = this;
  }
  getClientRects() {
    return this.hidden ? [] : [{}];
  }
  attachShadow() {
    this.shadowRoot = new ShadowRoot(this);
    return this.shadowRoot;
  }
  matchesCompound(compound) {
    for (const [, plain, attribute, value] of compound.matchAll(SIMPLE)) {
      if (attribute) {
        if (!this.hasAttribute(attribute)) return false;
        if (value !== undefined && this.getAttribute(attribute) !== value) return false;
      } else if (plain.startsWith(".")) {
        if (!this.classList.contains(plain.slice(1))) return false;
      } else if (plain.startsWith("#")) {
        if (this.id !== plain.slice(1)) return false;
      } else if (this.tagName !== plain.toUpperCase()) {
        return false;
      }
    }
    return true;
  }
  /** "a b c": this element is c, inside a b inside an a. */
  matchesChain(chain) {
    if (!this.matchesCompound(chain[chain.length - 1])) return false;
    let rest = chain.slice(0, -1);
    for (let node = this.parentNode; node && rest.length; node = node.parentNode) {
      if (node instanceof Element && node.matchesCompound(rest[rest.length - 1])) rest = rest.slice(0, -1);
    }
    return rest.length === 0;
  }
}

class ShadowRoot extends Node {
  constructor(host) {
    super();
    this.host = host;
    this.activeElement = null;
  }
}

class Storage {
  constructor() {
    this.items = new Map();
  }
  getItem(key) {
    return this.items.has(key) ? this.items.get(key) : null;
  }
  setItem(key, value) {
    this.items.set(key, String(value));
  }
  removeItem(key) {
    this.items.delete(key);
  }
}

/**
 * A fresh page (`<html lang=pageLang>`) as the globals window and document; its
 * sessionStorage survives a "reload" when passed back in.
 */
export function installPage({ pageLang = "en", sessionStorage = new Storage() } = {}) {
  const document = {
    documentElement: { lang: pageLang },
    body: new Element("body"),
    createElement: (tag) => new Element(tag),
    createElementNS: (ns, tag) => new Element(tag),
    createTextNode: (text) => new Text(text),
    addEventListener() {},
  };
  const window = {
    document,
    location: { href: "https://union.example.org/" },
    sessionStorage,
    localStorage: new Storage(),
    matchMedia: () => ({ matches: false, addEventListener() {} }),
  };
  Object.assign(globalThis, { window, document });
  return window;
}
