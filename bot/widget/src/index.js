// Entry point of dist/rengo-chat.js: window.RengoChat.
//
//   <script src="https://union.example.org/js/rengo-chat.js"></script>
//   <script>RengoChat.init({ socketUrl: "https://bot.example.org" });</script>

import { ChatWidget } from "./widget.js";

/* global __RENGO_CHAT_VERSION__ */
let widget = null;

function whenBodyReady(callback) {
  if (document.body) callback();
  else document.addEventListener("DOMContentLoaded", callback, { once: true });
}

const RengoChat = {
  version: __RENGO_CHAT_VERSION__,

  /** Create the widget once per page; see docs/widget.md for the options. */
  init(options) {
    if (widget) {
      console.warn("RengoChat.init: the widget is already on this page");
      return RengoChat;
    }
    const created = new ChatWidget(options); // throws on bad options, before touching the page
    widget = created;
    whenBodyReady(() => {
      if (widget === created) created.mount();
    });
    return RengoChat;
  },
  open() {
    if (widget) widget.open();
  },
  close() {
    if (widget) widget.close({ returnFocus: false });
  },
  /** Start a new conversation, forgetting the stored one. */
  reset() {
    if (widget) widget.reset();
  },
  destroy() {
    if (widget) widget.destroy();
    widget = null;
  },
  /** {transport, status, ready, sessionId, lang, storage}, for tests and support. */
  debug() {
    return widget ? widget.debug() : null;
  },
};

// A page that includes the script twice keeps the first copy (and its one widget).
if (!window.RengoChat) window.RengoChat = RengoChat;
