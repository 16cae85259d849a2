// The keep-outs card: how many removed browsers the selected group keeps out, and a
// button that lifts them all (organisers only). Nobody sees who: the server keeps a
// keyed hash and an expiry, nothing to show (docs/api.md, "Keep-outs").

import { api } from "../../api.js";
import { $, confirmDialog, show } from "../../dom.js";
import { formatNumber, t } from "../../i18n.js";
import { canChange, groupPath, say, state } from "./state.js";

let active = null;

export async function load() {
  active = null;
  if (!canChange() || !state.current) return;
  const mine = state.selection;
  try {
    const answer = await api(groupPath("/keep-outs"));
    if (mine !== state.selection) return;
    active = answer.active;
  } catch (error) {
    say(error.message);
  }
  render();
}

export function render() {
  const count = $("#keep-out-count");
  if (active === null) {
    count.textContent = "";
    show($("#lift-keep-outs"), false);
    return;
  }
  const days = state.current?.keep_out_days ?? 7;
  count.textContent =
    active === 0
      ? t("keep_out.none", { days: formatNumber(days) })
      : t(active === 1 ? "keep_out.count_one" : "keep_out.count", { n: formatNumber(active), days: formatNumber(days) });
  show($("#lift-keep-outs"), active > 0);
}

export function wire() {
  $("#lift-keep-outs").addEventListener("click", async () => {
    if (!(await confirmDialog(t("keep_out.confirm"), t("keep_out.lift")))) return;
    try {
      await api(groupPath("/keep-outs"), { method: "DELETE" });
      say(t("keep_out.lifted"));
    } catch (error) {
      say(error.message);
    }
    await load();
  });
}
