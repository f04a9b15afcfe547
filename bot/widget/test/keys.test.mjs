import assert from "node:assert/strict";
import { test } from "node:test";

import { COMPOSITION_GRACE_MS, enterKeyAction, trackComposition } from "../src/keys.js";

const idle = { active: false, endedAt: null };

test("Enter sends, Shift+Enter is a newline, other keys are left alone", () => {
  assert.equal(enterKeyAction({ key: "Enter", keyCode: 13 }, idle, 1000), "send");
  assert.equal(enterKeyAction({ key: "Enter", keyCode: 13, shiftKey: true }, idle, 1000), "newline");
  assert.equal(enterKeyAction({ key: "a", keyCode: 65 }, idle, 1000), "other");
});

test("Chrome, Edge, Firefox: the Enter that confirms a conversion has isComposing", () => {
  assert.equal(enterKeyAction({ key: "Enter", keyCode: 229, isComposing: true }, idle, 1000), "compose");
  assert.equal(enterKeyAction({ key: "Enter", keyCode: 13, isComposing: true }, idle, 1000), "compose");
});

test("keyCode 229 alone (older browsers) means the input method has the key", () => {
  assert.equal(enterKeyAction({ key: "Enter", keyCode: 229, isComposing: false }, idle, 1000), "compose");
});

test("while a composition is active, Enter never sends", () => {
  assert.equal(enterKeyAction({ key: "Enter", keyCode: 13 }, { active: true, endedAt: null }, 1000), "compose");
});

test("Safari: an Enter right after compositionend confirms the text, a later one sends", () => {
  const justEnded = { active: false, endedAt: 1000 };
  assert.equal(enterKeyAction({ key: "Enter", keyCode: 13 }, justEnded, 1005), "compose");
  assert.equal(enterKeyAction({ key: "Enter", keyCode: 13 }, justEnded, 1000 + COMPOSITION_GRACE_MS), "send");
});

class FakeInput {
  constructor() {
    this.listeners = {};
  }
  addEventListener(type, listener) {
    (this.listeners[type] ||= []).push(listener);
  }
  fire(type) {
    for (const listener of this.listeners[type] || []) listener({ type });
  }
}

test("trackComposition follows compositionstart, compositionend and the keyup that ends it", () => {
  let now = 5000;
  const input = new FakeInput();
  const state = trackComposition(input, () => now);
  input.fire("compositionstart");
  assert.equal(enterKeyAction({ key: "Enter", keyCode: 13 }, state, now), "compose");
  input.fire("compositionend");
  assert.equal(enterKeyAction({ key: "Enter", keyCode: 13 }, state, now + 10), "compose"); // Safari's late keydown
  input.fire("keyup"); // the confirming Enter is released
  now += 50;
  assert.equal(enterKeyAction({ key: "Enter", keyCode: 13 }, state, now), "send");
});
