// What the Rasa socket.io channel sends (bot_uttered), as the messages the widget
// stores and shows. See rasa/core/channels/socketio.py, SocketIOOutput.

/** One bot_uttered payload as a stored message, or null when there is nothing to show. */
export function botMessage(payload) {
  if (!payload || typeof payload !== "object") return null;
  const message = { from: "bot" };
  if (typeof payload.text === "string" && payload.text.trim()) message.text = payload.text;
  const attachment = payload.attachment;
  const src = attachment && attachment.payload && attachment.payload.src;
  if (attachment && attachment.type === "image" && typeof src === "string" && /^https?:\/\//i.test(src)) {
    message.image = src;
  }
  if (Array.isArray(payload.quick_replies)) {
    const replies = payload.quick_replies
      .filter((r) => r && typeof r.title === "string" && typeof r.payload === "string")
      .map((r) => ({ title: r.title, payload: r.payload }));
    if (replies.length) message.replies = replies;
  }
  if (message.text === undefined && message.image === undefined && !message.replies) return null;
  return message;
}
