// One button that opens a small menu of actions (role="menu"), keyboard operable:
// Enter or Space open it on the first item (Up and Down are the list's, moving
// between people); inside, arrows, Home and End move;
// Escape closes it and returns to the button; Tab or a click elsewhere closes it.
// The owner keeps which menu is open across re-renders (`isOpen`, `setOpen`).

import { h } from "./dom.js";

let closer = null; // the one document listener closing an open menu on an outside click

/**
 * menu({key, label, glyph, items: [{key, text, label?, danger?, run}], isOpen, setOpen})
 * returns the element (a wrapper with the button, and the menu when open).
 */
export function menu({ key, label, glyph = "⋯", items, isOpen, setOpen }) {
  const id = `menu-${key}`;
  const button = h(
    "button",
    {
      type: "button",
      class: "menu-button small secondary",
      "aria-haspopup": "menu",
      "aria-expanded": isOpen ? "true" : "false",
      "aria-controls": isOpen ? id : null,
      "aria-label": label,
      "data-focus-key": `${key}:menu`,
      onclick: () => setOpen(!isOpen, isOpen ? "button" : "first"),
    },
    h("span", { "aria-hidden": "true", text: glyph }),
  );
  const wrap = h("div", { class: "menu-wrap" }, button);
  if (!isOpen) return wrap;
  const list = h(
    "ul",
    { class: "person-menu", role: "menu", id, "aria-label": label },
    ...items.map((item) =>
      h(
        "li",
        { role: "none" },
        h("button", {
          type: "button",
          role: "menuitem",
          tabindex: "-1",
          class: item.danger ? "person-menu-item danger" : "person-menu-item",
          text: item.text,
          "aria-label": item.label || null,
          "data-focus-key": `${key}:item:${item.key}`,
          onclick: () => {
            setOpen(false, "button");
            item.run();
          },
        }),
      ),
    ),
  );
  list.addEventListener("keydown", (event) => {
    const entries = [...list.querySelectorAll("[role=menuitem]")];
    const at = entries.indexOf(document.activeElement);
    const go = (i) => entries[(i + entries.length) % entries.length]?.focus();
    if (event.key === "ArrowDown") go(at + 1);
    else if (event.key === "ArrowUp") go(at - 1);
    else if (event.key === "Home") go(0);
    else if (event.key === "End") go(entries.length - 1);
    else if (event.key === "Escape") setOpen(false, "button");
    else if (event.key === "Tab") {
      setOpen(false, "button"); // Tab then goes on from the menu's button
      return;
    } else return;
    event.preventDefault();
    event.stopPropagation();
  });
  wrap.append(list);
  if (closer) document.removeEventListener("pointerdown", closer, true);
  closer = (event) => {
    if (!wrap.isConnected) {
      document.removeEventListener("pointerdown", closer, true);
      closer = null;
      return;
    }
    if (!wrap.contains(event.target)) {
      document.removeEventListener("pointerdown", closer, true);
      closer = null;
      setOpen(false, null);
    }
  };
  document.addEventListener("pointerdown", closer, true);
  return wrap;
}

/** After a render: focus the menu's first or last item, or its button. */
export function focusMenu(container, key, where) {
  if (!where) return;
  if (where === "button") {
    container.querySelector(`[data-focus-key="${CSS.escape(`${key}:menu`)}"]`)?.focus();
    return;
  }
  const items = container.querySelectorAll(`#${CSS.escape(`menu-${key}`)} [role=menuitem]`);
  const target = where === "last" ? items[items.length - 1] : items[0];
  target?.focus();
}
