import assert from "node:assert/strict";
import { test } from "node:test";

import { resolveOptions } from "../src/options.js";
import { STRINGS, joinSentences, pickLanguage } from "../src/strings.js";

const page = (lang = "", href = "https://union.example.org/") => ({
  location: { href },
  document: { documentElement: { lang } },
});

test("the language comes from the lang option, else from the page's <html lang>", () => {
  assert.equal(resolveOptions({ socketUrl: "https://bot.example.org" }, page("ja-JP")).lang, "ja");
  assert.equal(resolveOptions({ socketUrl: "https://bot.example.org", lang: "en" }, page("ja")).lang, "en");
  assert.equal(resolveOptions({ socketUrl: "https://bot.example.org" }, page("fr")).lang, "en");
  assert.equal(pickLanguage("JA", ""), "ja");
  const ja = resolveOptions({ socketUrl: "https://bot.example.org" }, page("ja"));
  assert.equal(ja.strings.send, "送信");
  assert.deepEqual(ja.metadata, { language: "ja" });
});

test("socketUrl: required, http(s) only; a path becomes the socket.io path behind a proxy", () => {
  assert.throws(() => resolveOptions({}, page()), /socketUrl is required/);
  assert.throws(() => resolveOptions({ socketUrl: "javascript:alert(1)" }, page()), /http\(s\)/);
  const plain = resolveOptions({ socketUrl: "https://bot.example.org" }, page());
  assert.equal(plain.socketUrl, "https://bot.example.org");
  assert.equal(plain.socketPath, "/socket.io");
  const proxied = resolveOptions({ socketUrl: "https://union.example.org/chatbot/" }, page());
  assert.equal(proxied.socketUrl, "https://union.example.org");
  assert.equal(proxied.socketPath, "/chatbot/socket.io");
  assert.equal(resolveOptions({ socketUrl: "https://x.org", socketPath: "/ws/socket.io" }, page()).socketPath, "/ws/socket.io");
  assert.throws(() => resolveOptions({ socketUrl: "https://x.org", storage: "cookie" }, page()), /storage/);
  assert.equal(resolveOptions({ socketUrl: "https://x.org", title: "Ask us" }, page()).strings.title, "Ask us");
});

test("every text exists in both languages", () => {
  assert.deepEqual(Object.keys(STRINGS.ja).sort(), Object.keys(STRINGS.en).sort());
  for (const [lang, table] of Object.entries(STRINGS)) {
    for (const [key, text] of Object.entries(table)) assert.ok(text.trim(), `${lang}.${key} is empty`);
  }
  assert.equal(joinSentences("en", ["One.", "", "Two."]), "One. Two.");
  assert.equal(joinSentences("ja", ["一。", "二。"]), "一。二。");
});
