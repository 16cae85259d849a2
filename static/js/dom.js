// Building DOM nodes without ever parsing HTML: user text only goes in through
// textContent or text nodes, so a pseudonym or a message can never become markup.

/**
 * h("p", {class: "x", text: "hello", dir: "auto", onclick: fn}, child, "text", ...)
 * `text` sets textContent; `on*` functions become listeners; true sets an empty
 * attribute; false, null and undefined are skipped.
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") el.textContent = String(value);
    else if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

export function append(parent, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

export function $(selector, root = document) {
  return root.querySelector(selector);
}

export function show(el, visible = true) {
  el.hidden = !visible;
}

/** Announces a short status politely to screen readers and shows it. */
export function announce(region, text) {
  region.textContent = "";
  // A fresh text node, so assistive technology notices the change.
  window.setTimeout(() => {
    region.textContent = text;
  }, 30);
}

/** Asks with the page's <dialog id="confirm-dialog">: resolves true when confirmed. */
export function confirmDialog(message, action) {
  const dialog = document.getElementById("confirm-dialog");
  $("#confirm-text", dialog).textContent = message;
  $("#confirm-yes", dialog).textContent = action;
  return new Promise((resolve) => {
    const done = () => {
      dialog.removeEventListener("close", done);
      resolve(dialog.returnValue === "yes");
    };
    dialog.returnValue = "";
    dialog.addEventListener("close", done);
    dialog.showModal();
    $("#confirm-no", dialog).focus();
  });
}

/** Only http(s) links leave the page (the API checks too). */
export function safeUrl(url) {
  try {
    const parsed = new URL(url, window.location.href);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : "#";
  } catch {
    return "#";
  }
}

/**
 * Re-renders `container` and puts keyboard focus back on the control with the
 * same data-focus-key (a list rebuilt by an event must not drop the user's place).
 */
export function keepFocus(container, render) {
  const active = document.activeElement;
  const key = active && container.contains(active) ? active.dataset.focusKey : undefined;
  render();
  if (!key) return;
  const again = container.querySelector(`[data-focus-key="${CSS.escape(key)}"]`);
  if (again) again.focus();
}
