import assert from "node:assert/strict";
import { test } from "node:test";

import { isSafeHref, linkify, trimUrl } from "../src/linkify.js";

const links = (text) => linkify(text).filter((s) => s.type === "link");
const visible = (text) => linkify(text).map((s) => s.text).join("");

test("a bare URL becomes a link and the text around it stays text", () => {
  assert.deepEqual(linkify("See https://www.jtuc-rengo.or.jp for more."), [
    { type: "text", text: "See " },
    { type: "link", text: "https://www.jtuc-rengo.or.jp", href: "https://www.jtuc-rengo.or.jp" },
    { type: "text", text: " for more." },
  ]);
});

test("the bot's contact list: every URL on its own line is a link, newlines are kept", () => {
  const text =
    "- RENGO Website (Japanese): https://www.jtuc-rengo.or.jp\n" +
    "- RENGO UniBo: https://cbgw.kuzen.io/plugins/31897c9ffc2cd513708326ffd8f302f/def2f8e047610af419576aac52d4e841?id=910354";
  assert.deepEqual(
    links(text).map((l) => l.href),
    [
      "https://www.jtuc-rengo.or.jp",
      "https://cbgw.kuzen.io/plugins/31897c9ffc2cd513708326ffd8f302f/def2f8e047610af419576aac52d4e841?id=910354",
    ],
  );
  assert.equal(visible(text), text);
});

test("markdown links show their label and point at their target", () => {
  assert.deepEqual(linkify("Call the [RENGO hotline](https://www.jtuc-rengo.or.jp/soudan/) today"), [
    { type: "text", text: "Call the " },
    { type: "link", text: "RENGO hotline", href: "https://www.jtuc-rengo.or.jp/soudan/" },
    { type: "text", text: " today" },
  ]);
});

test("markdown link targets may contain balanced parentheses", () => {
  assert.equal(
    links("[law](https://en.wikipedia.org/wiki/Labor_Standards_Act_(Japan))")[0].href,
    "https://en.wikipedia.org/wiki/Labor_Standards_Act_(Japan)",
  );
});

test("sentence punctuation and an unbalanced closing parenthesis are not part of a URL", () => {
  assert.equal(links("Visit https://wor-q.jp/.")[0].href, "https://wor-q.jp/");
  assert.equal(links("(see https://wor-q.jp/)")[0].href, "https://wor-q.jp/");
  assert.equal(visible("(see https://wor-q.jp/)"), "(see https://wor-q.jp/)");
  assert.equal(trimUrl("https://example.org/a_(b)"), "https://example.org/a_(b)");
  assert.equal(trimUrl("https://example.org/?q=1,"), "https://example.org/?q=1");
});

test("a URL followed directly by Japanese text stops at the Japanese", () => {
  assert.deepEqual(linkify("詳しくはhttps://www.jtuc-rengo.or.jp/soudan/をご覧ください。"), [
    { type: "text", text: "詳しくは" },
    { type: "link", text: "https://www.jtuc-rengo.or.jp/soudan/", href: "https://www.jtuc-rengo.or.jp/soudan/" },
    { type: "text", text: "をご覧ください。" },
  ]);
});

test("www. addresses get https", () => {
  assert.deepEqual(links("www.jtuc-rengo.org"), [
    { type: "link", text: "www.jtuc-rengo.org", href: "https://www.jtuc-rengo.org" },
  ]);
});

test("javascript:, data: and other schemes never become links", () => {
  for (const text of [
    "[click](javascript:alert(1))",
    "javascript:alert(1)",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "[x](vbscript:msgbox)",
    '<a href="javascript:alert(1)">x</a>',
  ]) {
    assert.deepEqual(links(text), [], text);
    assert.equal(visible(text), text);
  }
});

test("HTML in a message is kept as text, never as markup", () => {
  const text = '<img src=x onerror="alert(1)"> & <b>bold</b>';
  assert.deepEqual(linkify(text), [{ type: "text", text }]);
});

test("mailto: and tel: markdown links are allowed", () => {
  assert.equal(links("[write](mailto:info@example.org)")[0].href, "mailto:info@example.org");
  assert.equal(links("[call](tel:0120-154-052)")[0].href, "tel:0120-154-052");
});

test("isSafeHref accepts only http(s), mailto and tel", () => {
  assert.ok(isSafeHref("https://example.org/"));
  assert.ok(isSafeHref("http://example.org/"));
  assert.ok(!isSafeHref("javascript:alert(1)"));
  assert.ok(!isSafeHref("JAVASCRIPT:alert(1)"));
  assert.ok(!isSafeHref(" https://example.org"));
  assert.ok(!isSafeHref("https://"));
  assert.ok(!isSafeHref(undefined));
});

test("empty and odd input give back what was given", () => {
  assert.deepEqual(linkify(""), []);
  assert.deepEqual(linkify(null), []);
  assert.deepEqual(linkify("https://"), [{ type: "text", text: "https://" }]);
  assert.equal(visible("a [b] (c) [d](e)"), "a [b] (c) [d](e)");
});
