// RengoChat.init options: checked once, with their defaults filled in.

import { LANGUAGES, STRINGS, pickLanguage } from "./strings.js";

/** Check and complete the options given to RengoChat.init. */
export function resolveOptions(options, page) {
  if (!options || typeof options.socketUrl !== "string" || !options.socketUrl.trim()) {
    throw new Error('RengoChat.init: socketUrl is required, e.g. {socketUrl: "https://bot.example.org"}');
  }
  const socketUrl = new URL(options.socketUrl, page.location.href);
  if (!/^https?:$/.test(socketUrl.protocol)) {
    throw new Error("RengoChat.init: socketUrl must be an http(s) URL");
  }
  const storage = options.storage ?? "session";
  if (!["session", "local", "none"].includes(storage)) {
    throw new Error('RengoChat.init: storage must be "session", "local" or "none"');
  }
  // The page's language is the widget's first one; the visitor may switch (widget.js).
  const lang = pickLanguage(options.lang, page.document.documentElement.lang);
  const texts = {};
  for (const each of LANGUAGES) {
    texts[each] = { ...STRINGS[each] };
    // A plain string is in the page's language; {en, ja} gives one per language.
    const title = ownText(options.title, each, lang);
    const subtitle = ownText(options.subtitle, each, lang);
    if (typeof title === "string" && title) texts[each].title = title;
    if (typeof subtitle === "string") texts[each].subtitle = subtitle;
  }
  // socket.io-client would read a path in the URL as a namespace; behind a reverse proxy
  // "https://union.example.org/chatbot" means the socket.io path /chatbot/socket.io.
  const prefix = socketUrl.pathname.replace(/\/+$/, "");
  return {
    socketUrl: socketUrl.origin,
    socketPath: typeof options.socketPath === "string" && options.socketPath ? options.socketPath : `${prefix}/socket.io`,
    lang,
    strings: texts[lang],
    texts,
    storage,
    color: typeof options.color === "string" ? options.color : null,
    metadata: { ...(options.metadata && typeof options.metadata === "object" ? options.metadata : {}), language: lang },
  };
}

function ownText(option, lang, pageLang) {
  if (option && typeof option === "object") return option[lang];
  return lang === pageLang ? option : undefined;
}
