// Drives a running Microsoft 365 Agents Playground the way its web UI does, for scripts/demo.sh --check:
// in the personal chat, as the playground's user, types "ami <instance> --no-reboot" and waits for the
// card to be updated to "AMI … is available"; then "restore <snapshot> --instance <instance>", clicks
// Approve (Action.Execute) and waits for "Volume … is attached". Exit 0 when all of that shows up.
//
// Usage: node [--experimental-websocket] playground-check.mjs <playground-url> <instance> <snapshot>
// The playground API: GET /_internal/v1/config, POST /_conversation/v1/conversations/:id/messages,
// POST /_conversation/v1/invoke, websocket /_ws_conversation/v1/conversations/stream.

const [base, instance, snapshot] = process.argv.slice(2);
if (!base || !instance || !snapshot) {
  console.error("usage: playground-check.mjs <playground-url> <instance> <snapshot>");
  process.exit(2);
}

const timeoutMs = 20000;
const messages = new Map(); // messageId -> latest version, as the UI shows it
const created = []; // every createMessage, in order
let changed = () => {};

const visible = (message) => {
  const lines = [];
  const walk = (node) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== "object") return;
    if (node.type === "TextBlock") lines.push(node.text);
    else if (node.type === "FactSet") (node.facts || []).forEach((f) => lines.push(`${f.title}: ${f.value}`));
    else Object.entries(node).forEach(([k, v]) => k !== "fallback" && walk(v));
  };
  if (message.text) lines.push(message.text);
  (message.attachments || []).forEach((a) => walk(a.content));
  return lines.join("\n");
};

const findExecute = (node, verb) => {
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = findExecute(item, verb);
      if (found) return found;
    }
  } else if (node && typeof node === "object") {
    if (node.type === "Action.Execute" && node.verb === verb) return node;
    for (const [k, v] of Object.entries(node)) {
      if (k === "fallback") continue;
      const found = findExecute(v, verb);
      if (found) return found;
    }
  }
  return null;
};

const waitFor = (what, find) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      const shown = [...messages.values()].map((m) => `[${m.messageId}]\n${visible(m)}`).join("\n---\n");
      reject(new Error(`the playground never showed ${what} within ${timeoutMs / 1000} s; it shows:\n${shown}`));
    }, timeoutMs);
    const check = () => {
      const found = find();
      if (found) {
        clearTimeout(timer);
        changed = () => {};
        resolve(found);
      }
    };
    changed = check;
    check();
  });

const post = async (path, body) => {
  const response = await fetch(new URL(path, base), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${path} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : null;
};

const config = (await (await fetch(new URL("/_internal/v1/config", base))).json()).config;
const me = config.currentUser;
const chat = config.personalChat.id;
const fromBot = (m) => m.from?.id === config.bot.id;

const socket = new WebSocket(new URL("/_ws_conversation/v1/conversations/stream", base.replace(/^http/, "ws")));
socket.onmessage = (event) => {
  const push = JSON.parse(event.data);
  if (!push.message || !["createMessage", "updateMessage"].includes(push.action)) return;
  messages.set(push.message.messageId, push.message);
  if (push.action === "createMessage") created.push(push.message);
  changed();
};
await new Promise((resolve, reject) => {
  socket.onopen = resolve;
  socket.onerror = () => reject(new Error(`could not open the playground's conversation stream at ${base}`));
});

const say = (text) => {
  console.log(`${me.name}> ${text}`);
  return post(`/_conversation/v1/conversations/${encodeURIComponent(chat)}/messages`, {
    type: "text", text, textFormat: "plain", from: { id: me.id },
  });
};

try {
  await say(`ami ${instance} --no-reboot`);
  const card = await waitFor("the AMI card", () => created.find((m) => fromBot(m) && visible(m).startsWith("AMI of ")));
  const done = await waitFor("the AMI card updated to 'is available'", () => {
    const latest = messages.get(card.messageId);
    return latest && /AMI ami-\S+ is available/.test(visible(latest)) ? latest : null;
  });
  console.log(`bot> ${visible(done).split("\n")[0]}`);

  await say(`restore ${snapshot} --instance ${instance}`);
  const approval = await waitFor("the approval card", () => created.find((m) => fromBot(m) && visible(m).startsWith("Approval needed")));
  console.log(`bot> ${visible(approval).split("\n")[0]}`);
  const action = findExecute(approval.attachments, "chatbackup.approve");
  if (!action) throw new Error("the approval card has no Approve (Action.Execute) button");
  console.log(`${me.name} clicks Approve`);
  const answer = await post("/_conversation/v1/invoke", {
    name: "adaptiveCard/action",
    value: { action: { type: action.type, title: action.title, verb: action.verb, data: action.data } },
    from: { id: me.id },
    conversation: { id: chat },
    replyToId: approval.messageId,
  });
  if (answer?.type !== "application/vnd.microsoft.card.adaptive") throw new Error(`Approve was not accepted: ${JSON.stringify(answer)}`);
  const attached = await waitFor("the restore card updated to 'Volume … is attached'", () => {
    const latest = messages.get(approval.messageId);
    return latest && /Volume vol-\S+ is attached/.test(visible(latest)) ? latest : null;
  });
  console.log(`bot> ${visible(attached).split("\n")[0]}`);
  console.log("check passed");
  socket.close();
  process.exit(0);
} catch (error) {
  console.error(`check failed: ${error.message}`);
  socket.close();
  process.exit(1);
}
