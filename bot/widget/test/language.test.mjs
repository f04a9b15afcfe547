// The language toggle, with the real widget code in a fake page (fake-dom.mjs) and a fake
// socket.io connection that records what the widget sends to the bot.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { fileURLToPath } from "node:url";

import * as esbuild from "esbuild";

import { STRINGS, otherLanguage, switchPayload, switchedLanguage } from "../src/strings.js";
import { installPage } from "./fake-dom.mjs";

const here = fileURLToPath(new URL("..", import.meta.url));
let ChatWidget;

// widget.js as the build bundles it (its CSS is a string), with socket.io-client replaced.
before(async () => {
  const fakes = {
    name: "fakes",
    setup(build) {
      build.onResolve({ filter: /^socket\.io-client$/ }, () => ({ path: "socket.io-client", namespace: "fake" }));
      build.onLoad({ filter: /.*/, namespace: "fake" }, () => ({
        contents: "export const io = (...args) => globalThis.__rengoFakeIo(...args);",
        loader: "js",
      }));
      build.onLoad({ filter: /\.css$/ }, () => ({ contents: "", loader: "text" }));
    },
  };
  const result = await esbuild.build({
    absWorkingDir: here,
    entryPoints: ["src/widget.js"],
    bundle: true,
    format: "esm",
    write: false,
    plugins: [fakes],
    logLevel: "silent",
  });
  const code = Buffer.from(result.outputFiles[0].contents).toString("base64");
  ({ ChatWidget } = await import(`data:text/javascript;base64,${code}`));
});

/** The bot's side of socket.io, as the widget sees it. */
class FakeSocket {
  constructor() {
    this.handlers = {};
    this.sent = [];
    this.connected = false;
    this.io = { on() {}, engine: { transport: { name: "websocket" }, on() {} } };
  }
  on(event, handler) {
    (this.handlers[event] ||= []).push(handler);
  }
  fire(event, ...args) {
    for (const handler of this.handlers[event] || []) handler(...args);
  }
  emit(event, data) {
    this.sent.push({ event, data });
  }
  connect() {}
  disconnect() {
    this.connected = false;
    this.fire("disconnect", "io client disconnect");
  }
  /** Connect and confirm the session the widget asks for (or a new one). */
  accept(newSession = "session-1") {
    this.connected = true;
    this.fire("connect");
    const asked = this.sent.filter((s) => s.event === "session_request").at(-1).data.session_id;
    this.fire("session_confirm", asked || newSession);
  }
  /** What reached the bot: user_uttered payloads. */
  get uttered() {
    return this.sent.filter((s) => s.event === "user_uttered").map((s) => s.data);
  }
}

/** A page with the widget on it, the panel open and the bot connected. */
function openWidget({ pageLang = "en", options = {}, sessionStorage, connect = true } = {}) {
  const window = installPage({ pageLang, sessionStorage });
  const socket = new FakeSocket();
  globalThis.__rengoFakeIo = () => socket;
  const widget = new ChatWidget({ socketUrl: "https://bot.example.org", ...options });
  widget.mount();
  widget.open();
  if (connect) socket.accept();
  const root = document.body.querySelector("#rengo-chat").shadowRoot;
  const $ = (selector) => root.querySelector(selector);
  return { widget, socket, window, root, $, toggle: $(".rc-language") };
}

const userTexts = (root) => root.querySelectorAll(".rc-from-user .rc-text").map((e) => e.textContent);

test("the toggle shows the other language, in that language, and says what it does in both", () => {
  const { widget, toggle } = openWidget();
  assert.equal(toggle.getAttribute("type"), "button"); // a real button: Tab, Enter and Space work
  assert.equal(toggle.textContent, "日本語");
  assert.equal(toggle.querySelector("span").getAttribute("lang"), "ja");
  assert.equal(toggle.getAttribute("aria-label"), "Switch the chat to Japanese / チャットを日本語に切り替える");
  assert.equal(toggle.getAttribute("title"), toggle.getAttribute("aria-label"));
  toggle.click();
  assert.equal(toggle.textContent, "English");
  assert.equal(toggle.querySelector("span").getAttribute("lang"), "en");
  assert.equal(toggle.getAttribute("aria-label"), "チャットを英語に切り替える / Switch the chat to English");
  widget.destroy();
});

test("switching changes every text of the widget and its lang attribute at once", () => {
  const { widget, socket, root, $, toggle } = openWidget({ options: { storage: "session" } });
  socket.fire("bot_uttered", {
    text: "See https://www.jtuc-rengo.or.jp",
    quick_replies: [{ title: "Leadership", payload: "/ask_leadership" }],
  });
  assert.equal($(".rc-root").getAttribute("lang"), "en");
  toggle.click();

  const ja = STRINGS.ja;
  assert.equal($(".rc-root").getAttribute("lang"), "ja");
  assert.equal($(".rc-title").textContent, ja.title);
  assert.equal($(".rc-subtitle").textContent, ja.subtitle);
  assert.equal($(".rc-launcher-text").textContent, ja.launcher);
  assert.equal($(".rc-intro").textContent, ja.intro + ja.keptInTab);
  assert.equal($(".rc-log").getAttribute("aria-label"), ja.conversation);
  assert.equal($(".rc-input").getAttribute("placeholder"), ja.placeholder);
  assert.equal($("label").textContent, ja.inputLabel);
  assert.equal($(".rc-send").getAttribute("aria-label"), ja.send);
  const headerLabels = root.querySelectorAll(".rc-icon-button").map((b) => [b.getAttribute("aria-label"), b.getAttribute("title")]);
  assert.deepEqual(headerLabels, [
    [ja.newConversation, ja.newConversation],
    [ja.close, ja.close],
  ]);
  // Messages already shown say who spoke, and where links open, in the new language too.
  assert.equal($(".rc-from-bot .rc-bubble .rc-sr").textContent, ja.bot);
  assert.equal($(".rc-from-bot a .rc-sr").textContent, ` ${ja.newTab}`);
  assert.equal($(".rc-from-user .rc-bubble .rc-sr").textContent, ja.you);
  assert.equal($(".rc-typing .rc-sr").textContent, ja.typing); // waiting for the bot's confirmation
  // No English is left anywhere in the widget's own texts.
  // (but the toggle's "English" and its "Switch the chat to English", said in both languages)
  const { language, switchToThis, ...frame } = STRINGS.en;
  const english = Object.values(frame);
  const shown = [...root.descendants()].flatMap((e) => [
    e.childNodes.filter((n) => !n.tagName).map((n) => n.textContent).join(""),
    ...[...e.attributes].filter(([name]) => name !== "data-i18n").map(([, value]) => value),
  ]);
  for (const text of english) assert.ok(!shown.some((s) => s.includes(text)), `still in English: ${text}`);
  widget.destroy();
});

test("the toggle sends /switch_language to the bot, shown as the button's text, and later messages carry the new language", () => {
  const { widget, socket, root, toggle } = openWidget({ options: { metadata: { channel: "union-a" } } });
  widget.input.value = "hello";
  widget.submitInput();
  toggle.click();
  widget.input.value = "2016";
  widget.submitInput();

  assert.deepEqual(socket.uttered, [
    { message: "hello", session_id: "session-1", metadata: { channel: "union-a", language: "en" } },
    { message: '/switch_language{"language":"ja"}', session_id: "session-1", metadata: { channel: "union-a", language: "ja" } },
    { message: "2016", session_id: "session-1", metadata: { channel: "union-a", language: "ja" } },
  ]);
  assert.deepEqual(userTexts(root), ["hello", "日本語", "2016"]); // never the raw payload
  assert.equal(widget.debug().lang, "ja");

  toggle.click();
  assert.deepEqual(socket.uttered.at(-1), {
    message: '/switch_language{"language":"en"}',
    session_id: "session-1",
    metadata: { channel: "union-a", language: "en" },
  });
  assert.equal(userTexts(root).at(-1), "English");
  assert.equal(root.querySelector(".rc-root").getAttribute("lang"), "en");
  widget.destroy();
});

test("the bot's own 日本語 button switches the widget as well", () => {
  const { widget, socket, $ } = openWidget();
  socket.fire("bot_uttered", {
    text: "Hello! What would you like to know?",
    quick_replies: [
      { title: "Leadership", payload: "/ask_leadership" },
      { title: "日本語", payload: '/switch_language{"language": "ja"}' },
    ],
  });
  $(".rc-replies").children[1].click();
  assert.equal(socket.uttered.at(-1).message, '/switch_language{"language": "ja"}');
  assert.equal(socket.uttered.at(-1).metadata.language, "ja");
  assert.equal($(".rc-root").getAttribute("lang"), "ja");
  assert.equal($(".rc-language").textContent, "English");
  widget.destroy();
});

test("a switch the worker typed (日本語で) is confirmed by the bot, and the widget follows it", () => {
  const { widget, socket, $ } = openWidget();
  widget.input.value = "日本語でお願いします";
  widget.submitInput();
  assert.equal(socket.uttered.at(-1).metadata.language, "en"); // the widget did not know yet
  // Rasa sends the response's text, then its `custom: {language: ja}` as a message of its own
  socket.fire("bot_uttered", { text: "日本語でお答えします。何を知りたいですか？" });
  socket.fire("bot_uttered", { language: "ja" });
  assert.equal($(".rc-root").getAttribute("lang"), "ja");
  assert.equal($(".rc-language").textContent, "English");
  assert.equal(widget.conversation.messages.filter((m) => m.from === "bot").length, 1); // nothing shown for it
  widget.input.value = "JAM";
  widget.submitInput();
  assert.equal(socket.uttered.at(-1).metadata.language, "ja");
  socket.fire("bot_uttered", { language: "fr" }); // anything else is ignored
  assert.equal($(".rc-root").getAttribute("lang"), "ja");
  widget.destroy();
});

test("a message typed before the switch keeps its language, even if it is sent after", () => {
  const { widget, socket, toggle } = openWidget({ connect: false }); // not connected yet
  widget.input.value = "JAM";
  widget.submitInput();
  toggle.click();
  socket.accept();
  assert.deepEqual(
    socket.uttered.map((u) => [u.message, u.metadata.language]),
    [
      ["JAM", "en"],
      ['/switch_language{"language":"ja"}', "ja"],
    ],
  );
  widget.destroy();
});

test("the choice survives a reload; the page's lang option is only the first language", () => {
  const first = openWidget({ options: { lang: "en" } });
  first.toggle.click();
  const stored = JSON.parse([...first.window.sessionStorage.items.values()][0]);
  assert.equal(stored.lang, "ja");
  first.widget.destroy();

  // Reloaded: same tab (sessionStorage), same page asking for English.
  const again = openWidget({ options: { lang: "en" }, sessionStorage: first.window.sessionStorage });
  assert.equal(again.$(".rc-root").getAttribute("lang"), "ja");
  assert.equal(again.$(".rc-title").textContent, STRINGS.ja.title);
  assert.equal(again.toggle.textContent, "English");
  assert.deepEqual(userTexts(again.root), ["日本語"]);
  again.widget.input.value = "2016";
  again.widget.submitInput();
  assert.equal(again.socket.uttered.at(-1).metadata.language, "ja");

  // "New conversation" forgets the messages, not the language.
  again.widget.reset();
  assert.equal(again.$(".rc-notice").textContent, STRINGS.ja.cleared);
  assert.equal(again.widget.debug().lang, "ja");
  again.widget.destroy();
  const third = openWidget({ options: { lang: "en" }, sessionStorage: again.window.sessionStorage });
  assert.equal(third.widget.debug().lang, "ja");
  assert.deepEqual(userTexts(third.root), []);
  third.widget.destroy();
});

test("without a choice the widget follows the page: lang option, <html lang>, else English", () => {
  for (const [pageLang, lang, expected] of [
    ["ja-JP", undefined, "ja"],
    ["ja", "en", "en"],
    ["fr", undefined, "en"],
    ["", "ja", "ja"],
  ]) {
    const { widget, $, toggle } = openWidget({ pageLang, options: { lang } });
    assert.equal($(".rc-root").getAttribute("lang"), expected, `${pageLang} ${lang}`);
    assert.equal(toggle.textContent, STRINGS[otherLanguage(expected)].language);
    widget.destroy();
  }
});

test("a page's own title is in the page's language; {en, ja} gives one for each", () => {
  const plain = openWidget({ pageLang: "ja", options: { title: "ミナト労組に質問" } });
  assert.equal(plain.$(".rc-title").textContent, "ミナト労組に質問");
  plain.toggle.click();
  assert.equal(plain.$(".rc-title").textContent, STRINGS.en.title);
  plain.widget.destroy();

  const both = openWidget({ options: { title: { en: "Ask Minato", ja: "ミナトに質問" }, subtitle: "" } });
  assert.equal(both.$(".rc-title").textContent, "Ask Minato");
  assert.equal(both.$(".rc-subtitle").textContent, "");
  both.toggle.click();
  assert.equal(both.$(".rc-title").textContent, "ミナトに質問");
  assert.equal(both.$(".rc-subtitle").textContent, STRINGS.ja.subtitle); // "" was only for English
  both.widget.destroy();
});

test("the connection notice is translated while it shows", () => {
  const { widget, socket, $, toggle } = openWidget();
  socket.connected = false;
  socket.fire("disconnect", "transport close");
  assert.equal($(".rc-notice").textContent, STRINGS.en.offline);
  toggle.click(); // kept, sent when the connection is back
  assert.equal($(".rc-notice").textContent, STRINGS.ja.offline);
  assert.equal($(".rc-pending-note").textContent, STRINGS.ja.pending);
  widget.destroy();
});

test("switch payloads: what the toggle sends and what counts as a switch", () => {
  assert.equal(switchPayload("ja"), '/switch_language{"language":"ja"}');
  assert.equal(switchedLanguage('/switch_language{"language":"en"}'), "en");
  assert.equal(switchedLanguage('/switch_language{"language": "ja"}'), "ja");
  assert.equal(switchedLanguage('/switch_language{"language":"fr"}'), null);
  assert.equal(switchedLanguage("/switch_language"), null);
  assert.equal(switchedLanguage("/switch_language{oops}"), null);
  assert.equal(switchedLanguage("日本語"), null);
  assert.equal(switchedLanguage(undefined), null);
});
