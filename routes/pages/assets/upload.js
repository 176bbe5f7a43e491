// The home page's upload form. It posts to the public API itself, so a person's upload takes
// exactly the path (limits, errors, idempotency) an API client's does, and it shows what the
// answer's `action` asks for: a link to follow, a wait, or what to fix.
const form = document.getElementById("upload");
const input = document.getElementById("file");
const drop = document.getElementById("drop");
const chosen = document.getElementById("chosen");
const button = document.getElementById("send");
const progress = document.getElementById("progress");
const status = document.getElementById("status");
const result = document.getElementById("result");
const maxBytes = Number(input.dataset.maxBytes);
const anonymous = input.dataset.anonymous === "1";

const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};
const link = (href, text) => el("a", { href }, text);

const mb = (bytes) => `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
function duration(seconds) {
  if (seconds < 90) return `${seconds} seconds`;
  if (seconds < 5400) return `${Math.ceil(seconds / 60)} minutes`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)} hours`;
  return `${Math.round(seconds / 86400)} days`;
}
// crypto.randomUUID exists only in secure contexts; plain http on a LAN address is not one.
function idempotencyKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return [...crypto.getRandomValues(new Uint8Array(16))]
    .map((b) => b.toString(16).padStart(2, "0")).join("");
}

function say(kind, ...parts) {
  status.className = kind;
  status.replaceChildren(...parts);
}

/** What a person reads for an error envelope: the message, then what its action offers. */
function explain(body) {
  const parts = [body.message || "The upload failed."];
  const action = body.action || {};
  if (action.type === "register" || action.type === "upgrade") {
    parts.push(" ", link(action.url, action.label || "Continue"), ".");
  } else if (action.type === "contact") {
    parts.push(" ", link(action.url, "Contact us"), ".");
  } else if (action.type === "wait") {
    parts.push(` You can upload again in ${duration(action.seconds)}.`);
  } else if (action.type === "retry") {
    parts.push(` Try again in ${duration(action.seconds)}.`);
  } else if (action.type === "fix" && action.hint) {
    parts.push(" " + action.hint);
  }
  return parts;
}

function choose(file) {
  if (!file) return;
  const dt = new DataTransfer();
  dt.items.add(file);
  input.files = dt.files;
  chosen.textContent = `Ready: ${file.name || "pasted image"} (${mb(file.size)})`;
  say("", "");
}

function busy(on) {
  button.disabled = on;
  button.textContent = on ? "Uploading…" : "Upload";
  progress.hidden = !on;
  if (on) progress.removeAttribute("value"); // indeterminate until the first bytes are counted
}

function showResult(image) {
  const expiry = image.expires_at
    ? `Kept until ${new Date(image.expires_at * 1000).toUTCString()} (${
      duration(image.expires_at - image.created_at)
    } after upload), then deleted.`
    : "Kept permanently, until you delete it.";
  const rows = [
    el("h2", {}, "Uploaded"),
    link(
      image.link,
      el("img", {
        src: `${image.link}.${image.extension}`,
        alt: image.caption || "Your uploaded image",
        width: image.width,
        height: image.height,
      }),
    ),
    el(
      "p",
      { className: "actions" },
      link(image.link, image.link),
      el("button", { type: "button", className: "secondary", id: "copy-link" }, "Copy link"),
    ),
    el("p", { id: "expiry" }, expiry),
  ];
  if (image.delete_url) {
    rows.push(el(
      "p",
      {},
      link(image.delete_url, "Delete this image"),
      " — keep this link: without an account it is the only way to delete the image.",
    ));
  }
  if (image.upgrade) {
    rows.push(
      el("p", {}, image.upgrade.message, " ", link(image.upgrade.url, image.upgrade.label)),
    );
  }
  result.replaceChildren(...rows);
  result.hidden = false;
  document.getElementById("copy-link").addEventListener("click", async (e) => {
    try {
      await navigator.clipboard.writeText(image.link);
      e.target.textContent = "Copied";
    } catch {
      e.target.textContent = "Select the link and copy it";
    }
  });
}

function send() {
  const file = input.files[0];
  if (!file) return say("error", "Choose an image first.");
  // Checked here so nobody waits for megabytes to go up only to be refused.
  if (file.size > maxBytes) {
    const parts = [`This file is ${mb(file.size)}; the limit is ${mb(maxBytes)}.`];
    if (anonymous) {
      parts.push(
        " ",
        link("/auth/register?from_cta=upload", "Create a free account"),
        " to upload files up to 70 MB.",
      );
    }
    return say("error", ...parts);
  }
  busy(true);
  say("", `Uploading ${mb(file.size)}…`);
  // XMLHttpRequest rather than fetch: only it reports how many bytes have gone up. The button
  // stays disabled so a second click cannot send a second copy.
  const xhr = new XMLHttpRequest();
  xhr.open("POST", "/v1/upload");
  xhr.setRequestHeader("Idempotency-Key", idempotencyKey());
  xhr.setRequestHeader("Accept", "application/json");
  xhr.upload.addEventListener("progress", (e) => {
    if (!e.lengthComputable) return;
    progress.max = e.total;
    progress.value = e.loaded;
    say("", `Uploading ${mb(e.loaded)} of ${mb(e.total)}…`);
  });
  xhr.addEventListener("load", () => {
    let body = null;
    try {
      body = JSON.parse(xhr.responseText);
    } catch {
      // answered below as an unexpected answer
    }
    busy(false);
    if (!body) return say("error", `Unexpected answer from the server (HTTP ${xhr.status}).`);
    if (xhr.status >= 200 && xhr.status < 300) {
      say("ok", "Done.");
      form.reset();
      chosen.textContent = "";
      return showResult(body);
    }
    say("error", ...explain(body));
  });
  xhr.addEventListener("error", () => {
    busy(false);
    say("error", "The upload did not reach the server. Check the connection and try again.");
  });
  xhr.send(new FormData(form));
}

form.addEventListener("submit", (e) => {
  e.preventDefault();
  send();
});
input.addEventListener("change", () => choose(input.files[0]));
for (const type of ["dragenter", "dragover"]) {
  drop.addEventListener(type, (e) => {
    e.preventDefault();
    drop.classList.add("over");
  });
}
for (const type of ["dragleave", "drop"]) {
  drop.addEventListener(type, () => drop.classList.remove("over"));
}
drop.addEventListener("drop", (e) => {
  e.preventDefault();
  choose(e.dataTransfer.files[0]);
});
// A pasted image (a screenshot, a copied picture) is chosen like a dropped one.
document.addEventListener("paste", (e) => {
  const item = [...e.clipboardData.items].find((i) => i.kind === "file");
  if (!item) return;
  e.preventDefault();
  choose(item.getAsFile());
});
