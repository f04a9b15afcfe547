// What Enter does in the message box. Japanese (and Chinese, Korean) input methods use
// Enter to confirm the converted text; that Enter must never send the message.
//
// Browsers report it differently:
// - Chrome, Edge, Firefox: keydown with isComposing === true (and keyCode 229),
//   then compositionend.
// - Safari: compositionend first, then a keydown with isComposing === false and
//   keyCode 229. We also remember when composition ended, until the next keyup,
//   so an Enter right after compositionend is treated as confirming the text.

/** How long after compositionend an Enter still counts as confirming the conversion. */
export const COMPOSITION_GRACE_MS = 500;

/**
 * "send", "newline" (Shift+Enter: let the textarea insert it), "compose" (the input
 * method is using this Enter), or "other" (not Enter).
 *
 * @param {{key: string, keyCode?: number, isComposing?: boolean, shiftKey?: boolean}} event
 * @param {{active: boolean, endedAt: number | null}} composition tracked from
 *   compositionstart / compositionend / keyup
 * @param {number} now milliseconds, same clock as composition.endedAt
 */
export function enterKeyAction(event, composition = { active: false, endedAt: null }, now = 0) {
  if (event.key !== "Enter") return "other";
  if (event.isComposing || event.keyCode === 229 || composition.active) return "compose";
  if (composition.endedAt !== null && now - composition.endedAt < COMPOSITION_GRACE_MS) {
    return "compose";
  }
  if (event.shiftKey) return "newline";
  return "send";
}

/** Composition state for one text box; feed it the box's events. */
export function trackComposition(element, clock = () => Date.now()) {
  const state = { active: false, endedAt: null };
  element.addEventListener("compositionstart", () => {
    state.active = true;
    state.endedAt = null;
  });
  element.addEventListener("compositionend", () => {
    state.active = false;
    state.endedAt = clock();
  });
  // The Enter that confirmed the text is released here; the next Enter is a real one.
  element.addEventListener("keyup", () => {
    if (!state.active) state.endedAt = null;
  });
  element.addEventListener("blur", () => {
    state.active = false;
    state.endedAt = null;
  });
  return state;
}
