// Minimal chat client over the web app's /api/chat relay to Rasa's REST channel.
// The conversation id is a random UUID kept in localStorage, so a reload continues
// the same conversation and no one can guess another customer's id.
(function () {
  "use strict";
  const messages = document.getElementById("messages");
  const form = document.getElementById("composer");
  const input = document.getElementById("text");
  const status = document.getElementById("status");

  function conversationId() {
    let id = localStorage.getItem("doradca.sender");
    if (!id) {
      id = crypto.randomUUID();
      localStorage.setItem("doradca.sender", id);
    }
    return id;
  }

  function show(text, who, buttons) {
    const item = document.createElement("li");
    item.className = "msg msg--" + who;
    item.textContent = text || "";
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

  async function send(text, shownAs) {
    show(shownAs || text, "user");
    setStatus("");
    let response;
    try {
      response = await fetch("/api/chat", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ sender: conversationId(), text: text }),
      });
    } catch (error) {
      response = null;
    }
    if (!response || !response.ok) {
      // Keep the customer's words so nothing they typed is lost.
      input.value = text;
      setStatus("The assistant is unavailable right now. Please try again. / Asystent jest chwilowo niedostępny. Spróbuj ponownie.");
      return;
    }
    const body = await response.json();
    for (const message of body.messages) {
      show(message.text, "bot", message.buttons);
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(text);
  });
})();
