// Every sentence the widget itself shows, per language. The bot's own replies come
// from the Rasa domain; these are only the widget's frame (labels, status, hints).

export const STRINGS = {
  en: {
    title: "Ask RENGO",
    subtitle: "Questions about unions and work",
    launcher: "Ask RENGO",
    close: "Close the chat",
    newConversation: "New conversation",
    conversation: "Conversation with the RENGO bot",
    intro: "Ask about RENGO, its unions, or a problem at work.",
    keptInTab: "This conversation is kept in this browser tab only until you close it.",
    keptInBrowser: "This conversation is kept in this browser until you start a new one.",
    inputLabel: "Your message",
    placeholder: "Type your question…",
    send: "Send",
    you: "You said:",
    bot: "RENGO bot said:",
    typing: "The RENGO bot is typing…",
    suggestions: "Suggested replies",
    newTab: "(opens in a new tab)",
    image: "Image from the RENGO bot",
    connecting: "Connecting…",
    offline: "Connection lost. Reconnecting… Your messages will be sent when it is back.",
    online: "Connected again.",
    pending: "Not sent yet: waiting for the connection",
    cleared: "New conversation started.",
    language: "English",
    switchToOther: "Switch the chat to Japanese",
    switchToThis: "Switch the chat to English",
  },
  ja: {
    title: "連合に聞いてみよう",
    subtitle: "労働組合や職場の疑問にお答えします",
    launcher: "チャットで相談",
    close: "チャットを閉じる",
    newConversation: "新しい会話",
    conversation: "連合ボットとの会話",
    intro: "連合や労働組合のこと、職場の困りごとについて質問してください。",
    keptInTab: "会話はこのタブを閉じるまで、このブラウザーにだけ保存されます。",
    keptInBrowser: "会話は新しい会話を始めるまで、このブラウザーに保存されます。",
    inputLabel: "メッセージ",
    placeholder: "質問を入力してください…",
    send: "送信",
    you: "あなた：",
    bot: "連合ボット：",
    typing: "連合ボットが入力中です…",
    suggestions: "返信の候補",
    newTab: "（新しいタブで開きます）",
    image: "連合ボットからの画像",
    connecting: "接続しています…",
    offline: "接続が切れました。再接続しています…　メッセージは接続が戻ると送信されます。",
    online: "再び接続しました。",
    pending: "未送信：接続を待っています",
    cleared: "新しい会話を始めました。",
    language: "日本語",
    switchToOther: "チャットを英語に切り替える",
    switchToThis: "チャットを日本語に切り替える",
  },
};

export const LANGUAGES = Object.keys(STRINGS);

/** The widget language: the `lang` option, else the page's <html lang>, else English. */
export function pickLanguage(requested, pageLang) {
  for (const candidate of [requested, pageLang]) {
    const primary = String(candidate || "").trim().toLowerCase().split(/[-_]/)[0];
    if (LANGUAGES.includes(primary)) return primary;
  }
  return "en";
}

/** The language the toggle switches to (there are two). */
export function otherLanguage(lang) {
  return lang === "ja" ? "en" : "ja";
}

/** What the toggle and the bot's own language buttons send: the bot answers in `lang` from then on. */
export function switchPayload(lang) {
  return `/switch_language${JSON.stringify({ language: lang })}`;
}

/** The language a message asks the bot to switch to (`/switch_language{"language": "ja"}`), else null. */
export function switchedLanguage(payload) {
  const match = /^\/switch_language(\{.*\})\s*$/s.exec(String(payload ?? "").trim());
  if (!match) return null;
  try {
    const { language } = JSON.parse(match[1]);
    return LANGUAGES.includes(language) ? language : null;
  } catch {
    return null;
  }
}

/** Sentences as one paragraph: Japanese runs them together, English puts a space between. */
export function joinSentences(lang, sentences) {
  return sentences.filter(Boolean).join(lang === "ja" ? "" : " ");
}
