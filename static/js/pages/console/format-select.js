// The choice of one of the selected group's formats, wherever the console offers it.

import { h } from "../../dom.js";
import { t } from "../../i18n.js";
import { state } from "./state.js";

/** Fills `select` with the group's formats, `noneKey`'s text first for none (""). */
export function fillSelect(select, noneKey, value) {
  const formats = state.formats || [];
  select.replaceChildren(
    h("option", { value: "", text: t(noneKey), "data-i18n": noneKey }),
    ...formats.map((f) => h("option", { value: f.id, text: f.name, dir: "auto" })),
  );
  select.value = formats.some((f) => f.id === value) ? value : "";
}
