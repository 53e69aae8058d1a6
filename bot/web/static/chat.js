// Chat client over socket.io to Rasa's socketio channel, through the web app's same-origin proxy
// (bot/web/socketio_proxy.py). socket.io rather than REST because messages can arrive at any time:
// a live consultant's, for example, are pushed to the page.
// The conversation id is a random UUID kept in localStorage, so a reload continues the same
// conversation and no one can guess another customer's id; Rasa uses it as the session id.
(function () {
  "use strict";
  const chat = document.querySelector(".chat");
  const messages = document.getElementById("messages");
  const form = document.getElementById("composer");
  const input = document.getElementById("text");
  const status = document.getElementById("status");
  const UNAVAILABLE =
    "The assistant is unavailable right now. Please try again. / Asystent jest chwilowo niedostępny. Spróbuj ponownie.";

  function conversationId() {
    let id = localStorage.getItem("doradca.sender");
    if (!id) {
      id = crypto.randomUUID();
      localStorage.setItem("doradca.sender", id);
    }
    return id;
  }

  // Only a hint for the first, possibly ambiguous, message: the bot detects each message's language.
  function languageHint() {
    for (const tag of navigator.languages || [navigator.language]) {
      const code = String(tag || "").toLowerCase().split("-")[0];
      if (code === "en" || code === "pl" || code === "ro") return code;
    }
    return "en";
  }

  // A consultant's message may say who wrote it; the page does not depend on it.
  function authorOf(message) {
    const consultant = message.metadata && message.metadata.consultant;
    if (typeof consultant === "string") return consultant;
    return (consultant && (consultant.display_name || consultant.name)) || "";
  }

  function show(text, who, options) {
    const { buttons, author } = options || {};
    const item = document.createElement("li");
    item.className = "msg msg--" + who;
    if (author) {
      const name = document.createElement("span");
      name.className = "msg__author";
      name.textContent = author;
      item.appendChild(name);
    }
    item.appendChild(document.createTextNode(text || ""));
    if (buttons && buttons.length) {
      const row = document.createElement("div");
      row.className = "msg__buttons";
      for (const button of buttons) {
        const el = document.createElement("button");
        el.type = "button";
        el.textContent = button.title;
        el.addEventListener("click", () => send(button.payload, button.title));
        row.appendChild(el);
      }
      item.appendChild(row);
    }
    messages.appendChild(item);
    item.scrollIntoView({ block: "end" });
  }

  function setStatus(text) {
    status.hidden = !text;
    status.textContent = text || "";
  }

  function setConnection(state) {
    chat.dataset.connection = state; // "connecting", "online" or "offline"
    if (state === "online") setStatus("");
  }

  // The websocket transport only: the web app proxies just that, and it needs no sticky sessions.
  const socket = io({ path: "/socket.io/", transports: ["websocket"] });
  let confirmed = false;

  // On every (re)connect: join this conversation's room, where Rasa sends its messages.
  socket.on("connect", () => {
    socket.emit("session_request", { session_id: conversationId() });
  });
  socket.on("session_confirm", () => {
    confirmed = true;
    setConnection("online");
  });
  socket.on("disconnect", () => {
    confirmed = false;
    setConnection("offline");
  });
  socket.on("connect_error", () => setConnection("offline"));

  // Replies and pushed messages alike. Rasa's socketio channel sends buttons as quick_replies.
  socket.on("bot_uttered", (message) => {
    if (!message) return;
    const buttons = message.quick_replies || message.buttons;
    if (!message.text && !(buttons && buttons.length)) return;
    show(message.text, "bot", { buttons: buttons, author: authorOf(message) });
  });

  // The shop's website may embed the chat for a signed-in customer: it sets
  // window.doradcaCustomer = {email, name, expires, signature}, signed on its server with the
  // secret it shares with the bot (bot/shop/identity.py). The bot checks the signature; the page
  // only passes it on.
  function signedInCustomer() {
    const customer = window.doradcaCustomer;
    return customer && typeof customer === "object" && customer.signature ? customer : null;
  }

  function send(text, shownAs) {
    // socket.io would buffer an emit while disconnected and send it much later, out of context;
    // keep the customer's words in the box instead, so nothing they typed is lost.
    if (!socket.connected || !confirmed) {
      if (!shownAs) input.value = text; // a button's payload is not the customer's words
      setStatus(UNAVAILABLE);
      return;
    }
    show(shownAs || text, "user");
    setStatus("");
    socket.emit("user_uttered", {
      message: text,
      session_id: conversationId(),
      // Rasa's socketio channel makes this the message's metadata (its `metadata_key`).
      metadata: signedInCustomer()
        ? { language: languageHint(), customer: signedInCustomer() }
        : { language: languageHint() },
    });
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(text);
  });
})();
