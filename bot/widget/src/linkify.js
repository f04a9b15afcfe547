// Split message text into plain-text and link segments. The widget turns segments into
// DOM nodes (text nodes and <a> elements), so no message text is ever parsed as HTML.

const SAFE_HREF = /^(?:https?:\/\/[^\s]+|mailto:[^\s]+|tel:[+\d][\d\-\s()]*)$/i;

// [label](target), allowing one level of balanced parentheses inside the target;
// or a bare http(s)/www URL made of ASCII URL characters only, so a URL followed
// directly by Japanese text ("https://example.org/をご覧ください") stops where it should.
const TOKEN = new RegExp(
  String.raw`\[([^\]\n]{1,300})\]\(\s*((?:https?:\/\/|mailto:|tel:)[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)\s*\)` +
    String.raw`|((?:https?:\/\/|www\.)[A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]+)`,
  "gi",
);

const TRAILING_PUNCTUATION = /[.,;:!?'"*]$/;

/** True for hrefs that may become a link: http(s), mailto: and tel: only. */
export function isSafeHref(href) {
  return typeof href === "string" && SAFE_HREF.test(href);
}

/** Drop sentence punctuation and unbalanced closing parentheses from the end of a bare URL. */
export function trimUrl(url) {
  let result = url;
  for (;;) {
    if (TRAILING_PUNCTUATION.test(result)) {
      result = result.slice(0, -1);
    } else if (result.endsWith(")") && count(result, "(") < count(result, ")")) {
      result = result.slice(0, -1);
    } else {
      return result;
    }
  }
}

function count(text, char) {
  return text.split(char).length - 1;
}

/**
 * Segments of `text`: {type: "text", text} and {type: "link", text, href}.
 * Concatenating every segment's `text` gives back the visible message.
 */
export function linkify(text) {
  const source = String(text ?? "");
  const segments = [];
  let last = 0;
  const pushText = (value) => {
    if (!value) return;
    const previous = segments[segments.length - 1];
    if (previous && previous.type === "text") previous.text += value;
    else segments.push({ type: "text", text: value });
  };
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(source); match; match = TOKEN.exec(source)) {
    const [whole, label, target, bare] = match;
    if (label !== undefined) {
      if (!isSafeHref(target)) continue; // leave it as the text it is
      pushText(source.slice(last, match.index));
      segments.push({ type: "link", text: label, href: target });
      last = match.index + whole.length;
      continue;
    }
    const url = trimUrl(bare);
    const href = /^www\./i.test(url) ? `https://${url}` : url;
    if (url.length < whole.length) TOKEN.lastIndex = match.index + url.length;
    if (!isSafeHref(href) || /^(?:https?:\/\/|www\.)$/i.test(url)) continue;
    pushText(source.slice(last, match.index));
    segments.push({ type: "link", text: url, href });
    last = match.index + url.length;
  }
  pushText(source.slice(last));
  return segments;
}
