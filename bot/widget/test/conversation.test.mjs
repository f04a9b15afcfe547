import assert from "node:assert/strict";
import { test } from "node:test";

import { MAX_MESSAGES, openHistory, sanitizeConversation } from "../src/history.js";
import { botMessage } from "../src/protocol.js";

test("bot_uttered with quick_replies keeps each reply's title and payload", () => {
  assert.deepEqual(
    botMessage({
      text: "Hello!",
      quick_replies: [{ content_type: "text", title: "Affiliated unions", payload: "/ask_affiliate_list" }],
    }),
    { from: "bot", text: "Hello!", replies: [{ title: "Affiliated unions", payload: "/ask_affiliate_list" }] },
  );
});

test("bot_uttered: images only over http(s); nothing to show gives null", () => {
  assert.deepEqual(botMessage({ attachment: { type: "image", payload: { src: "https://example.org/a.png" } } }), {
    from: "bot",
    image: "https://example.org/a.png",
  });
  assert.equal(botMessage({ attachment: { type: "image", payload: { src: "javascript:alert(1)" } } }), null);
  assert.equal(botMessage({ text: "   " }), null);
  assert.equal(botMessage("text"), null);
  assert.equal(botMessage(null), null);
});

test("stored conversations are checked when read back", () => {
  const messages = Array.from({ length: MAX_MESSAGES + 5 }, (_, i) => ({ from: "user", text: `m${i}` }));
  const stored = sanitizeConversation({
    v: 1,
    sessionId: "abc",
    open: true,
    messages: [{ from: "admin", text: "x" }, { from: "bot", text: 5 }, ...messages],
  });
  assert.equal(stored.sessionId, "abc");
  assert.equal(stored.open, true);
  assert.equal(stored.messages.length, MAX_MESSAGES);
  assert.equal(stored.messages.at(-1).text, `m${MAX_MESSAGES + 4}`);
  assert.deepEqual(sanitizeConversation({ v: 99, messages }), {
    v: 1,
    sessionId: null,
    open: false,
    lang: null,
    messages: [],
  });
  assert.deepEqual(sanitizeConversation("garbage").messages, []);
});

test("a message typed while offline stays pending, with what to send", () => {
  const stored = sanitizeConversation({
    v: 1,
    messages: [{ from: "user", text: "Affiliated unions", pending: true, payload: "/ask_affiliate_list" }],
  });
  assert.deepEqual(stored.messages, [
    { from: "user", text: "Affiliated unions", pending: true, payload: "/ask_affiliate_list" },
  ]);
});

test("the chosen language is kept, and a pending message's language with it; anything else is dropped", () => {
  const stored = sanitizeConversation({
    v: 1,
    lang: "ja",
    messages: [
      { from: "user", text: "JAM", pending: true, payload: "JAM", lang: "en" },
      { from: "user", text: "sent", lang: "en" },
    ],
  });
  assert.equal(stored.lang, "ja");
  assert.deepEqual(stored.messages, [
    { from: "user", text: "JAM", pending: true, payload: "JAM", lang: "en" },
    { from: "user", text: "sent" },
  ]);
  assert.equal(sanitizeConversation({ v: 1, lang: "fr" }).lang, null);
  assert.equal(sanitizeConversation({ v: 1, lang: ["ja"] }).lang, null);
});

test('storage "none" keeps the conversation in memory only', () => {
  const history = openHistory("none", "https://bot.example.org/socket.io");
  assert.equal(history.persistent, false);
  history.save({ v: 1, sessionId: "s1", open: false, messages: [{ from: "user", text: "hi" }] });
  assert.equal(history.load().sessionId, "s1");
  history.clear();
  assert.equal(history.load().sessionId, null);
});
