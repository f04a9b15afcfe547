// The Rasa socket.io channel (rasa/core/channels/socketio.py), as the server speaks it:
//   client → session_request {session_id}     server → session_confirm "<session id>"
//   client → user_uttered {message, session_id, metadata}
//   server → bot_uttered {text} | {text, quick_replies: [...]} | {attachment: ...}
// With session_persistence the server puts this socket into the room named after the
// session id, so a reconnected or reloaded page keeps receiving the same conversation.
// Messages may only be sent once the session is confirmed (the socket is in the room).

import { io } from "socket.io-client";

/**
 * Open the connection. Callbacks:
 *   onReady(sessionId)   session confirmed, messages can be sent
 *   onMessage(message)   one bot_uttered payload
 *   onStatus(status)     "connecting" | "online" | "offline"
 *   onTransport(name)    "polling" | "websocket"
 */
export function connect({ url, path, sessionId, metadata, onReady, onMessage, onStatus, onTransport }) {
  let currentSession = sessionId || null;
  let ready = false;
  let transport = null;

  const socket = io(url, {
    path,
    // The standard transports: long-polling first, then the upgrade to a websocket.
    transports: ["polling", "websocket"],
    upgrade: true,
    reconnection: true,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 5000,
    timeout: 20000,
  });

  const setTransport = (name) => {
    transport = name;
    onTransport(name);
  };

  socket.io.on("open", () => {
    const engine = socket.io.engine;
    setTransport(engine.transport.name);
    engine.on("upgrade", (upgraded) => setTransport(upgraded.name));
  });

  socket.on("connect", () => {
    ready = false;
    socket.emit("session_request", { session_id: currentSession });
  });

  socket.on("session_confirm", (confirmed) => {
    const id = typeof confirmed === "string" ? confirmed : confirmed && confirmed.session_id;
    if (typeof id !== "string" || !id) return;
    currentSession = id;
    ready = true;
    onStatus("online");
    onReady(id);
  });

  socket.on("bot_uttered", (message) => {
    if (message && typeof message === "object") onMessage(message);
  });

  socket.on("disconnect", (reason) => {
    ready = false;
    // "io client disconnect" is our own restart() or close(), not a lost connection.
    onStatus(reason === "io client disconnect" ? "connecting" : "offline");
  });
  socket.on("connect_error", () => {
    ready = false;
    onStatus(currentSession ? "offline" : "connecting");
  });

  onStatus("connecting");

  return {
    get ready() {
      return ready;
    },
    get transport() {
      return transport;
    },
    get sessionId() {
      return currentSession;
    },
    /** Send a user message (with `metadata`, else connect's); false when the session is not ready (keep it and retry). */
    send(text, messageMetadata = metadata) {
      if (!ready || !socket.connected) return false;
      socket.emit("user_uttered", { message: text, session_id: currentSession, metadata: messageMetadata });
      return true;
    },
    /** Forget the session: reconnect as a new socket that asks for a new session id. */
    restart() {
      currentSession = null;
      ready = false;
      socket.disconnect();
      socket.connect();
    },
    close() {
      ready = false;
      socket.disconnect();
    },
  };
}
