// The conversation the widget keeps across page reloads: session id, messages,
// whether the panel was open and the language the visitor chose with the toggle. sessionStorage by default, so a shared computer forgets
// the conversation when the tab closes; localStorage when the page asks for it.

import { LANGUAGES } from "./strings.js";

export const MAX_MESSAGES = 200;
const VERSION = 1;

/** An empty conversation. */
export function emptyConversation() {
  return { v: VERSION, sessionId: null, open: false, lang: null, messages: [] };
}

/** Keep only well-formed messages and at most MAX_MESSAGES, newest last. */
export function sanitizeConversation(value) {
  const conversation = emptyConversation();
  if (!value || typeof value !== "object" || value.v !== VERSION) return conversation;
  if (typeof value.sessionId === "string" && value.sessionId) conversation.sessionId = value.sessionId;
  conversation.open = value.open === true;
  if (LANGUAGES.includes(value.lang)) conversation.lang = value.lang; // null: follow the page
  const messages = Array.isArray(value.messages) ? value.messages : [];
  conversation.messages = messages
    .filter(
      (m) =>
        m &&
        (m.from === "user" || m.from === "bot") &&
        (typeof m.text === "string" || typeof m.image === "string" || Array.isArray(m.replies)),
    )
    .slice(-MAX_MESSAGES)
    .map((m) => {
      const message = { from: m.from };
      if (typeof m.text === "string") message.text = m.text;
      if (typeof m.image === "string") message.image = m.image;
      if (m.from === "user" && m.pending === true) {
        message.pending = true;
        message.payload = typeof m.payload === "string" ? m.payload : m.text;
        if (LANGUAGES.includes(m.lang)) message.lang = m.lang; // the widget's language when it was typed
      }
      if (m.from === "bot" && Array.isArray(m.replies)) {
        message.replies = m.replies
          .filter((r) => r && typeof r.title === "string" && typeof r.payload === "string")
          .map((r) => ({ title: r.title, payload: r.payload }));
      }
      return message;
    });
  return conversation;
}

function browserStorage(kind) {
  try {
    const storage = kind === "local" ? window.localStorage : window.sessionStorage;
    const probe = "rengo-chat:probe";
    storage.setItem(probe, "1");
    storage.removeItem(probe);
    return storage;
  } catch {
    return null; // disabled cookies, private mode quotas, sandboxed frames: keep it in memory
  }
}

/**
 * A store for one bot (namespaced by its URL) in "session", "local" or "none" storage.
 * Returns {load(), save(conversation), clear()}.
 */
export function openHistory(kind, namespace) {
  const storage = kind === "none" ? null : browserStorage(kind);
  const key = `rengo-chat:v${VERSION}:${namespace}`;
  let memory = null;
  return {
    persistent: storage !== null,
    load() {
      if (!storage) return sanitizeConversation(memory);
      try {
        return sanitizeConversation(JSON.parse(storage.getItem(key) || "null"));
      } catch {
        return emptyConversation();
      }
    },
    save(conversation) {
      const value = sanitizeConversation(conversation);
      if (!storage) {
        memory = value;
        return;
      }
      try {
        storage.setItem(key, JSON.stringify(value));
      } catch {
        // quota exceeded: the page keeps working, only a reload would forget
      }
    },
    clear() {
      memory = null;
      if (!storage) return;
      try {
        storage.removeItem(key);
      } catch {
        /* nothing stored */
      }
    },
  };
}
