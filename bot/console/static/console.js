// The consultant console: plain DOM code, no framework. State lives on the server; this page
// shows it and re-fetches after every reconnect, so a missed push is never a lost message.
"use strict";

const csrfToken = document.querySelector('meta[name="csrf-token"]').content;
const myId = Number(document.querySelector('meta[name="consultant-id"]').content);
const $ = (id) => document.getElementById(id);

let openId = null;        // the conversation shown in the middle
let openView = null;      // its last fetched state
let queueItems = [];

// -- helpers ----------------------------------------------------------------------------------

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "className") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function showStatus(text, kind = "error") {
  const status = $("status");
  status.textContent = text;
  status.className = `status status--${kind}`;
  status.hidden = !text;
}

// Every call sends the CSRF token; a JSON {"error"} answer becomes an Error with that text.
async function api(method, path, body) {
  const options = { method, headers: { "X-CSRF-Token": csrfToken }, credentials: "same-origin" };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, options);
  } catch (error) {
    throw new Error("The console server does not answer; check your connection and try again.");
  }
  if (response.status === 401) {
    window.location.assign("/login");
    throw new Error("Signed out.");
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || `Request failed (${response.status}).`);
  return data;
}

// -- queue ------------------------------------------------------------------------------------

function renderQueue(items) {
  queueItems = items;
  const list = $("queue");
  list.replaceChildren(
    ...items.map((item) => {
      const who = item.status === "claimed" ? `with ${item.consultant}` : `waiting, #${item.position}`;
      const li = el(
        "li",
        { dataset: { handoffId: item.id, status: item.status } },
        el("span", { className: "badge" }, item.status),
        ` ${item.language.toUpperCase()} · ${item.channel}`,
        el("span", { className: "meta" }, `${item.reason} · ${who}`),
        el("span", { className: "meta" }, item.last_message || ""),
      );
      if (item.id === openId) li.classList.add("is-open");
      li.addEventListener("click", () => openHandoff(item.id));
      return li;
    }),
  );
  $("queue-empty").hidden = items.length > 0;
  // The open conversation changed hands or ended elsewhere: refresh its buttons.
  if (openId !== null) {
    const current = items.find((item) => item.id === openId);
    if (openView && (!current || current.status !== openView.status || current.consultant_id !== openView.consultant_id)) {
      openHandoff(openId, { quiet: true });
    }
  }
}

async function refreshQueue() {
  renderQueue((await api("GET", "/api/queue")).items);
}

async function refreshTickets() {
  const { items } = await api("GET", "/api/tickets");
  $("tickets").replaceChildren(
    ...items.map((ticket) =>
      el("li", { dataset: { ticketId: ticket.id } },
        `${ticket.contact_kind}: ${ticket.contact}`,
        el("span", { className: "meta" }, `reply by ${new Date(ticket.reply_by).toLocaleString()} · ${ticket.summary}`)),
    ),
  );
}

// -- the open conversation --------------------------------------------------------------------

function lineNode(line) {
  const who = line.author === "consultant" ? line.consultant || "consultant" : line.author;
  return el("li", { className: `line line--${line.author}`, dataset: { key: lineKey(line) } },
    el("span", { className: "line__who" }, `${who} · ${new Date(line.sent_at).toLocaleTimeString()}`),
    line.text);
}

function renderContext(view) {
  const context = view.context || {};
  const rows = [
    ["Language", view.language],
    ["Channel", view.channel],
    ["Reason", view.reason],
    ["Last intents", (context.last_intents || []).join(", ") || "—"],
    ["Slots", Object.entries(context.slots || {}).map(([k, v]) => `${k}: ${v}`).join(", ") || "—"],
    ["Verified", context.verified ? (typeof context.verified === "string" ? "yes, order " + context.verified : "yes") : "no"],
  ];
  $("context").replaceChildren(...rows.flatMap(([name, value]) => [el("dt", {}, name), el("dd", {}, String(value))]));
}

function renderButtons(view) {
  const mine = view.status === "claimed" && view.consultant_id === myId;
  $("claim").disabled = view.status !== "queued";
  for (const id of ["hand-back", "close", "release", "send"]) $(id).disabled = !mine;
  $("reply").disabled = !mine;
}

async function openHandoff(id, { quiet = false } = {}) {
  try {
    const view = await api("GET", `/api/handoffs/${id}`);
    openId = id;
    openView = view;
    $("conversation").hidden = false;
    $("no-conversation").hidden = true;
    $("conversation-title").textContent = `Conversation ${view.id} (${view.status}${view.consultant ? ", " + view.consultant : ""})`;
    renderContext(view);
    $("transcript").replaceChildren(...view.messages.map(lineNode));
    $("transcript").scrollTop = $("transcript").scrollHeight;
    $("faq-lang").value = ["pl", "en", "ro"].includes(view.language) ? view.language : "en";
    renderButtons(view);
    renderQueue(queueItems);
    if (!quiet) showStatus("");
  } catch (error) {
    showStatus(error.message);
  }
}

async function act(action) {
  if (openId === null) return;
  try {
    await api("POST", `/api/handoffs/${openId}/${action}`);
    showStatus("");
  } catch (error) {
    showStatus(error.message);
  }
  await openHandoff(openId, { quiet: true });
  await refreshQueue();
}

async function sendReply(event) {
  event.preventDefault();
  const text = $("reply").value.trim();
  if (!text || openId === null) return;
  $("send").disabled = true;
  try {
    const line = await api("POST", `/api/handoffs/${openId}/messages`, { text });
    $("reply").value = "";  // cleared only once delivered: a failed send keeps the text
    addLine(line);
    showStatus("");
  } catch (error) {
    showStatus(error.message);
  } finally {
    $("send").disabled = false;
  }
}

// The same line can arrive twice (the POST's answer and the websocket push, or a push racing a re-fetch).
const lineKey = (line) => `${line.author}|${line.sent_at}|${line.text}`;

function addLine(line) {
  if (line.handoff_id !== openId) return;
  const key = lineKey(line);
  if ([...$("transcript").children].some((li) => li.dataset.key === key)) return;
  $("transcript").append(lineNode(line));
  $("transcript").scrollTop = $("transcript").scrollHeight;
}

// -- live updates -----------------------------------------------------------------------------

let retryDelay = 500;
function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/ws`);
  socket.addEventListener("open", async () => {
    retryDelay = 500;
    document.body.dataset.connection = "online";
    $("connection").textContent = "online";
    // Whatever happened while we were away: fetch it again.
    if (openId !== null) await openHandoff(openId, { quiet: true });
    refreshTickets().catch(() => {});
  });
  socket.addEventListener("message", (event) => {
    const update = JSON.parse(event.data);
    if (update.type === "queue") renderQueue(update.items);
    else if (update.type === "message") addLine(update);
  });
  socket.addEventListener("close", () => {
    document.body.dataset.connection = "offline";
    $("connection").textContent = "offline";
    setTimeout(connect, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 10000);
  });
}

// -- FAQ, orders, products --------------------------------------------------------------------

async function searchFaq(event) {
  event.preventDefault();
  const q = $("faq-q").value.trim();
  if (!q) return;
  try {
    const { items } = await api("GET", `/api/faq?q=${encodeURIComponent(q)}&lang=${$("faq-lang").value}`);
    $("faq-results").replaceChildren(
      ...(items.length ? items.map((item) => {
        const paste = el("button", { type: "button", className: "paste" }, "Paste");
        paste.addEventListener("click", () => { $("reply").value = item.answer; $("reply").focus(); });
        return el("li", { dataset: { faqId: item.id } }, el("strong", {}, item.question), " ", paste,
          el("div", { className: "answer" }, item.answer));
      }) : [el("li", { className: "muted" }, "No FAQ entry matches.")]),
    );
  } catch (error) {
    showStatus(error.message);
  }
}

async function lookUpOrders(event) {
  event.preventDefault();
  const q = $("orders-q").value.trim();
  if (!q) return;
  const param = q.includes("@") ? "email" : "number";
  try {
    const { items } = await api("GET", `/api/orders?${param}=${encodeURIComponent(q)}`);
    if (param === "email") $("order-email").value = q;
    $("orders-results").replaceChildren(
      ...(items.length ? items.map((order) =>
        el("li", { dataset: { orderNumber: order.number } },
          el("strong", {}, `${order.number} · ${order.status}`),
          el("div", {}, order.lines.map((line) => `${line.quantity}× ${line.product_names.en || line.product_sku} (${line.size})`).join(", ")),
          el("div", { className: "muted" }, `${order.delivery_method}${order.expected_date ? " · expected " + order.expected_date : ""}`)),
      ) : [el("li", { className: "muted" }, "No orders found.")]),
    );
  } catch (error) {
    showStatus(error.message);
  }
}

const cart = new Map();  // variant SKU -> { label, quantity }
function renderCart() {
  $("cart").replaceChildren(...[...cart.entries()].map(([sku, item]) => {
    const remove = el("button", { type: "button" }, "Remove");
    remove.addEventListener("click", () => { cart.delete(sku); renderCart(); });
    return el("li", { dataset: { sku } }, `${item.quantity}× ${item.label} `, remove);
  }));
}

async function findProducts(event) {
  event.preventDefault();
  const q = $("products-q").value.trim();
  if (!q) return;
  try {
    const { items } = await api("GET", `/api/products?q=${encodeURIComponent(q)}&lang=${$("faq-lang").value}`);
    $("products-results").replaceChildren(...items.map((product) => {
      const name = product.names[$("faq-lang").value] || product.names.en || product.sku;
      const sizes = product.variants.map((variant) => {
        const add = el("button", { type: "button", dataset: { sku: variant.sku } }, variant.size);
        add.addEventListener("click", () => {
          const item = cart.get(variant.sku) || { label: `${name} (${variant.size})`, quantity: 0 };
          item.quantity += 1;
          cart.set(variant.sku, item);
          renderCart();
        });
        return add;
      });
      const price = `${(product.price.amount_minor / 100).toFixed(2)} ${product.price.currency}`;
      return el("li", {}, el("strong", {}, name), ` ${price} `, ...sizes);
    }));
  } catch (error) {
    showStatus(error.message);
  }
}

async function placeOrder(event) {
  event.preventDefault();
  const method = $("order-method").value;
  const where = $("order-where").value.trim();
  const delivery = method === "courier"
    ? { method, address: where || null, postcode: $("order-postcode").value.trim() || null }
    : { method, store_code: where };
  const body = {
    email: $("order-email").value.trim(),
    lines: [...cart.entries()].map(([sku, item]) => ({ sku, quantity: item.quantity })),
    delivery,
  };
  if ($("order-name").value.trim()) body.customer_name = $("order-name").value.trim();
  try {
    const order = await api("POST", "/api/orders", body);
    $("order-result").textContent = `Order ${order.number} placed (${(order.total.amount_minor / 100).toFixed(2)} ${order.total.currency}).`;
    cart.clear();
    renderCart();
    showStatus("");
  } catch (error) {
    showStatus(error.message);
  }
}

// -- wiring -----------------------------------------------------------------------------------

$("claim").addEventListener("click", () => act("claim"));
$("hand-back").addEventListener("click", () => act("hand-back"));
$("close").addEventListener("click", () => act("close"));
$("release").addEventListener("click", () => act("release"));
$("composer").addEventListener("submit", sendReply);
$("reply").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) sendReply(event);
});
$("faq-form").addEventListener("submit", searchFaq);
$("orders-form").addEventListener("submit", lookUpOrders);
$("products-form").addEventListener("submit", findProducts);
$("order-form").addEventListener("submit", placeOrder);

refreshQueue().catch((error) => showStatus(error.message));
connect();
