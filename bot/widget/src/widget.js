// The chat widget: a launcher button and a chat panel in a shadow root, so the union's
// page styles and ours cannot collide.

import css from "./styles.css";
import { connect } from "./connection.js";
import { h, icon, localize, textNodes, texts } from "./dom.js";
import { emptyConversation, openHistory } from "./history.js";
import { enterKeyAction, trackComposition } from "./keys.js";
import { resolveOptions } from "./options.js";
import { botMessage } from "./protocol.js";
import { joinSentences, otherLanguage, switchPayload, switchedLanguage } from "./strings.js";

const TYPING_TIMEOUT_MS = 20000;
const CONNECTING_NOTICE_DELAY_MS = 1500;
const TRANSIENT_NOTICE_MS = 3000;
const MAX_INPUT_LENGTH = 2000;
const MAX_INPUT_HEIGHT_PX = 132;
const FULL_SCREEN_QUERY = "(max-width: 480px)"; // keep in step with styles.css

export class ChatWidget {
  constructor(options) {
    this.options = resolveOptions(options, window);
    this.history = openHistory(this.options.storage, this.options.socketUrl + this.options.socketPath);
    this.conversation = this.history.load();
    // The language the visitor chose with the toggle (kept with the conversation), else the page's.
    this.lang = this.conversation.lang || this.options.lang;
    this.strings = this.options.texts[this.lang];
    this.rows = new Map(); // message object → its row element
    this.turnStart = null; // the first row of the bot's current answer
    this.status = null;
    this.transport = null;
    this.timers = {};
  }

  // --- building ------------------------------------------------------------------

  mount() {
    this.host = h("div", { id: "rengo-chat", "data-rengo-chat": "" });
    if (this.options.color && window.CSS && CSS.supports("color", this.options.color)) {
      this.host.style.setProperty("--rc-accent", this.options.color);
    }
    const root = this.host.attachShadow({ mode: "open" });
    addStyles(root, css);

    this.panel = h(
      "section",
      { id: "rc-panel", class: "rc-panel", role: "dialog", "aria-labelledby": "rc-title", hidden: true },
      [this.buildHeader(), this.buildNotice(), this.buildConversation(), this.buildComposer()],
    );
    this.root = h("div", { class: "rc-root", lang: this.lang }, [this.panel, this.buildLauncher()]);
    root.append(this.root);
    document.body.append(this.host);

    this.bindEvents();
    for (const message of this.conversation.messages) this.appendRow(message);
    this.connection = connect({
      url: this.options.socketUrl,
      path: this.options.socketPath,
      sessionId: this.conversation.sessionId,
      metadata: this.options.metadata,
      onReady: (sessionId) => this.onReady(sessionId),
      onMessage: (message) => this.onBotMessage(message),
      onStatus: (status) => this.setStatus(status),
      onTransport: (name) => {
        this.transport = name;
        this.host.setAttribute("data-transport", name);
      },
    });
    // Reopen as the visitor left it, without stealing focus or replaying the animation.
    if (this.conversation.open) this.open({ focus: false, animate: false });
  }

  buildLauncher() {
    // Its name is its visible text, kept (visually hidden) while the panel is open;
    // aria-expanded tells whether it opens or closes the panel.
    this.launcherIcon = h("span", { class: "rc-launcher-icon" }, icon("chat"));
    this.launcher = h(
      "button",
      { type: "button", class: "rc-launcher", "aria-expanded": "false", "aria-controls": "rc-panel" },
      [this.launcherIcon, h("span", { class: "rc-launcher-text", ...texts(this.strings, "text=launcher") })],
    );
    return this.launcher;
  }

  buildHeader() {
    const s = this.strings;
    const iconButton = (key, name) =>
      h("button", { type: "button", class: "rc-icon-button", ...texts(s, `aria-label=${key} title=${key}`) }, icon(name));
    this.newButton = iconButton("newConversation", "restart");
    this.closeButton = iconButton("close", "close");
    // Shows the other language, in that language ("日本語" while in English).
    this.languageText = h("span");
    this.languageButton = h("button", { type: "button", class: "rc-language" }, this.languageText);
    this.showLanguageButton();
    return h("div", { class: "rc-header" }, [
      h("div", { class: "rc-heading" }, [
        h("h2", { id: "rc-title", class: "rc-title", ...texts(s, "text=title") }),
        h("p", { class: "rc-subtitle", ...texts(s, "text=subtitle") }), // hidden by CSS when empty
      ]),
      this.languageButton,
      this.newButton,
      this.closeButton,
    ]);
  }

  showLanguageButton() {
    const target = otherLanguage(this.lang);
    const there = this.options.texts[target];
    // Said in both languages: the visitor may not read the one shown now.
    const label = `${this.strings.switchToOther} / ${there.switchToThis}`;
    this.languageButton.setAttribute("aria-label", label);
    this.languageButton.setAttribute("title", label);
    this.languageText.setAttribute("lang", target);
    this.languageText.textContent = there.language;
  }

  buildNotice() {
    // Connection status and confirmations, read out politely, hidden when empty.
    this.notice = h("div", { class: "rc-notice", role: "status", "aria-live": "polite" });
    return this.notice;
  }

  buildConversation() {
    this.log = h("div", {
      class: "rc-log",
      role: "log",
      "aria-live": "polite",
      "aria-relevant": "additions",
      ...texts(this.strings, "aria-label=conversation"),
    });
    // Outside the log, so "typing" is announced once and never kept as a message.
    this.typingText = h("span", { class: "rc-sr" });
    this.typing = h("div", { class: "rc-typing", role: "status", "aria-live": "polite" }, [
      h("span", { class: "rc-dots", "aria-hidden": "true" }, [h("span"), h("span"), h("span")]),
      this.typingText,
    ]);
    // No tabindex: browsers make a scroller without focusable content keyboard-focusable.
    this.intro = h("p", { class: "rc-intro", text: this.introText() });
    this.scroller = h("div", { class: "rc-scroll" }, [
      this.intro,
      this.log,
      this.typing,
    ]);
    return this.scroller;
  }

  introText() {
    const s = this.strings;
    const kept = !this.history.persistent ? "" : this.options.storage === "local" ? s.keptInBrowser : s.keptInTab;
    return joinSentences(this.lang, [s.intro, kept]);
  }

  buildComposer() {
    const s = this.strings;
    this.input = h("textarea", {
      id: "rc-input",
      class: "rc-input",
      rows: "1",
      maxlength: String(MAX_INPUT_LENGTH),
      ...texts(s, "placeholder=placeholder"),
      autocomplete: "off",
      enterkeyhint: "send",
    });
    this.form = h("form", { class: "rc-composer" }, [
      h("label", { for: "rc-input", class: "rc-sr", ...texts(s, "text=inputLabel") }),
      this.input,
      h("button", { type: "submit", class: "rc-send", ...texts(s, "aria-label=send title=send") }, icon("send")),
    ]);
    return this.form;
  }

  bindEvents() {
    this.launcher.addEventListener("click", () => (this.isOpen() ? this.close() : this.open()));
    this.closeButton.addEventListener("click", () => this.close());
    this.newButton.addEventListener("click", () => this.reset());
    // Switch here and tell the bot, shown as the visitor's choice like one of the bot's buttons.
    this.languageButton.addEventListener("click", () => {
      const target = otherLanguage(this.lang);
      this.sendUserMessage(this.options.texts[target].language, switchPayload(target));
    });
    this.panel.addEventListener("keydown", (event) => {
      // Escape also cancels a conversion in an input method: leave that one alone.
      if (event.key === "Escape" && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        this.close();
      } else if (event.key === "Tab" && this.panel.getAttribute("aria-modal") === "true") {
        this.keepFocusInside(event);
      }
    });
    // Full screen on a phone, the panel is modal: the page behind it is out of reach.
    this.fullScreen = window.matchMedia ? window.matchMedia(FULL_SCREEN_QUERY) : null;
    if (this.fullScreen && this.fullScreen.addEventListener) {
      this.fullScreen.addEventListener("change", () => this.updateModality());
    }
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submitInput();
    });
    this.composition = trackComposition(this.input);
    this.input.addEventListener("keydown", (event) => {
      if (enterKeyAction(event, this.composition, Date.now()) === "send") {
        event.preventDefault();
        this.submitInput();
      }
    });
    this.input.addEventListener("input", () => this.fitInput());
  }

  // --- opening and closing -----------------------------------------------------------

  isOpen() {
    return Boolean(this.panel) && !this.panel.hidden;
  }

  open({ focus = true, animate = true } = {}) {
    if (!this.panel) return;
    this.panel.classList.toggle("rc-still", !animate);
    this.setOpen(true);
    this.scrollToNewest();
    if (focus) this.input.focus({ preventScroll: true });
  }

  close({ returnFocus = true } = {}) {
    if (!this.panel) return;
    this.setOpen(false);
    if (returnFocus) this.launcher.focus();
  }

  setOpen(open) {
    this.panel.hidden = !open;
    this.root.classList.toggle("rc-is-open", open);
    this.launcher.setAttribute("aria-expanded", String(open));
    this.launcherIcon.replaceChildren(icon(open ? "down" : "chat"));
    this.updateModality();
    this.conversation.open = open;
    this.save();
  }

  updateModality() {
    if (this.fullScreen && this.fullScreen.matches) this.panel.setAttribute("aria-modal", "true");
    else this.panel.removeAttribute("aria-modal");
  }

  /** Tab from the last control goes to the first, Shift+Tab from the first to the last. */
  keepFocusInside(event) {
    const focusable = [...this.panel.querySelectorAll("button, a[href], textarea")].filter(
      (element) => !element.disabled && element.getClientRects().length > 0,
    );
    if (!focusable.length) return;
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    const active = this.panel.getRootNode().activeElement;
    if (event.shiftKey && active === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && active === last) {
      event.preventDefault();
      first.focus();
    }
  }

  /** Forget this conversation (here and in storage) and start a new session. */
  reset() {
    this.history.clear();
    const { open, lang } = this.conversation;
    this.conversation = { ...emptyConversation(), open, lang }; // the chosen language stays
    this.rows.clear();
    this.log.replaceChildren();
    this.hideTyping();
    this.save();
    this.connection.restart();
    this.showNotice("cleared", "info", TRANSIENT_NOTICE_MS);
    if (this.isOpen()) this.input.focus();
  }

  destroy() {
    Object.values(this.timers).forEach(clearTimeout);
    if (this.connection) this.connection.close();
    if (this.host) this.host.remove();
    this.panel = null;
  }

  debug() {
    return {
      transport: this.transport,
      status: this.status,
      ready: Boolean(this.connection && this.connection.ready),
      sessionId: this.connection ? this.connection.sessionId : null,
      lang: this.lang,
      storage: this.options.storage,
    };
  }

  // --- sending -------------------------------------------------------------------

  submitInput() {
    const text = this.input.value.trim();
    if (!text) return;
    this.input.value = "";
    this.fitInput();
    this.sendUserMessage(text, text);
  }

  /** Show `text` as the user's message and send `payload` (a quick reply's, or the text). */
  sendUserMessage(text, payload) {
    // The toggle or the bot's own language buttons: the widget switches along with the bot.
    const switched = switchedLanguage(payload);
    if (switched) this.setLanguage(switched);
    this.dropReplies();
    const message = { from: "user", text, pending: true, payload, lang: this.lang };
    this.conversation.messages.push(message);
    this.appendRow(message);
    this.save();
    this.flush();
  }

  /** Send what waits, in order, once the session is confirmed; the rest waits on. */
  flush() {
    if (!this.connection || !this.connection.ready) return;
    for (const message of this.conversation.messages) {
      if (!message.pending) continue;
      const metadata = { ...this.options.metadata, language: message.lang || this.lang };
      if (!this.connection.send(message.payload, metadata)) break;
      delete message.pending;
      delete message.payload;
      delete message.lang;
      this.refreshRow(message);
      this.showTyping();
    }
    this.save();
  }

  onReady(sessionId) {
    this.conversation.sessionId = sessionId;
    this.save();
    this.flush();
  }

  /** Every text of the widget in `lang` from now on, and the messages sent with it; remembered. */
  setLanguage(lang) {
    this.conversation.lang = lang;
    if (lang === this.lang) return;
    this.lang = lang;
    this.strings = this.options.texts[lang];
    this.root.setAttribute("lang", lang);
    localize(this.root, this.strings);
    this.intro.textContent = this.introText();
    this.showLanguageButton();
  }

  // --- receiving -----------------------------------------------------------------

  onBotMessage(payload) {
    // The bot confirms a language switch the worker typed ("日本語で"): the widget follows.
    const language = payload && typeof payload === "object" ? payload.language : null;
    if ((language === "en" || language === "ja") && !payload.text) {
      this.setLanguage(language);
      this.save();
    }
    const message = botMessage(payload);
    this.hideTyping();
    if (!message) return;
    this.conversation.messages.push(message);
    this.appendRow(message);
    this.save();
  }

  // --- rendering -----------------------------------------------------------------

  appendRow(message) {
    const row = this.renderRow(message);
    this.rows.set(message, row);
    this.log.append(row);
    if (message.from === "user") this.turnStart = null;
    else if (!this.turnStart) this.turnStart = row;
    this.scrollToNewest();
  }

  refreshRow(message) {
    const old = this.rows.get(message);
    if (!old) return;
    const row = this.renderRow(message);
    old.replaceWith(row);
    this.rows.set(message, row);
  }

  renderRow(message) {
    const s = this.strings;
    const row = h("div", { class: `rc-row rc-from-${message.from}${message.pending ? " rc-pending" : ""}` });
    if (typeof message.text === "string" || message.image) {
      const bubble = h("div", { class: "rc-bubble" }, [
        h("span", { class: "rc-sr", ...texts(s, message.from === "user" ? "text=you" : "text=bot") }),
      ]);
      if (typeof message.text === "string") {
        bubble.append(h("span", { class: "rc-text" }, textNodes(message.text, s.newTab)));
      }
      if (message.image) {
        bubble.append(h("img", { class: "rc-image", src: message.image, loading: "lazy", ...texts(s, "alt=image") }));
      }
      row.append(bubble);
    }
    if (message.pending) row.append(h("span", { class: "rc-pending-note", ...texts(s, "text=pending") }));
    if (message.replies && message.replies.length) row.append(this.renderReplies(message.replies));
    return row;
  }

  renderReplies(replies) {
    const group = h("div", { class: "rc-replies", role: "group", ...texts(this.strings, "aria-label=suggestions") });
    for (const reply of replies) {
      const button = h("button", { type: "button", class: "rc-reply", text: reply.title });
      button.addEventListener("click", () => {
        this.sendUserMessage(reply.title, reply.payload);
        this.input.focus({ preventScroll: true }); // the button is gone; keep focus in the chat
      });
      group.append(button);
    }
    return group;
  }

  /** Quick replies answer one question: once the user says anything, they are gone. */
  dropReplies() {
    for (const message of this.conversation.messages) {
      if (!message.replies) continue;
      delete message.replies;
      const row = this.rows.get(message);
      const group = row && row.querySelector(".rc-replies");
      if (group) group.remove();
    }
  }

  showTyping() {
    this.typing.classList.add("rc-on");
    this.typingText.setAttribute("data-i18n", "text=typing");
    if (this.typingText.textContent !== this.strings.typing) {
      this.typingText.textContent = this.strings.typing;
    }
    clearTimeout(this.timers.typing);
    this.timers.typing = setTimeout(() => this.hideTyping(), TYPING_TIMEOUT_MS);
    this.scrollToEnd();
  }

  hideTyping() {
    clearTimeout(this.timers.typing);
    this.typing.classList.remove("rc-on");
    this.typingText.removeAttribute("data-i18n");
    this.typingText.textContent = "";
  }

  setStatus(status) {
    const previous = this.status;
    this.status = status;
    this.host.setAttribute("data-status", status);
    clearTimeout(this.timers.connecting);
    if (status === "online") {
      if (previous === "offline") this.showNotice("online", "ok", TRANSIENT_NOTICE_MS);
      else if (["wait", "warn"].includes(this.notice.dataset.kind)) this.hideNotice();
    } else if (status === "offline") {
      this.hideTyping();
      this.showNotice("offline", "warn");
    } else if (status === "connecting" && previous !== "offline") {
      // Only a slow start is worth a notice; most connections take a fraction of a second.
      this.timers.connecting = setTimeout(
        () => this.showNotice("connecting", "wait"),
        CONNECTING_NOTICE_DELAY_MS,
      );
    }
  }

  /** Show the text `key` of the language table (in the current language, also after a switch). */
  showNotice(key, kind, hideAfterMs) {
    clearTimeout(this.timers.notice);
    const text = this.strings[key];
    this.notice.setAttribute("data-i18n", `text=${key}`);
    if (this.notice.textContent !== text) this.notice.textContent = text; // no repeat announcements
    this.notice.dataset.kind = kind;
    if (hideAfterMs) this.timers.notice = setTimeout(() => this.hideNotice(), hideAfterMs);
  }

  hideNotice() {
    clearTimeout(this.timers.notice);
    this.notice.removeAttribute("data-i18n");
    this.notice.textContent = "";
    delete this.notice.dataset.kind;
  }

  fitInput() {
    this.input.style.height = "auto";
    this.input.style.height = `${Math.min(this.input.scrollHeight, MAX_INPUT_HEIGHT_PX)}px`;
  }

  scrollToEnd() {
    this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  /** Follow the conversation, but never scroll the start of the bot's answer out of view. */
  scrollToNewest() {
    if (!this.isOpen()) return;
    const end = this.scroller.scrollHeight - this.scroller.clientHeight;
    const answerTop = this.turnStart ? this.turnStart.offsetTop - 8 : end;
    this.scroller.scrollTop = Math.min(end, answerTop);
  }

  save() {
    this.history.save(this.conversation);
  }
}

/** Our styles in the shadow root; constructed sheets need no 'unsafe-inline' in the page's CSP. */
function addStyles(root, text) {
  const constructable =
    "adoptedStyleSheets" in root && typeof CSSStyleSheet === "function" && "replaceSync" in CSSStyleSheet.prototype;
  if (constructable) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(text);
    root.adoptedStyleSheets = [sheet];
  } else {
    root.append(h("style", { text }));
  }
}
