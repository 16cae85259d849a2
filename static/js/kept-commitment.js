// On the group's page: the commitment this browser keeps for the group, with Clear, so
// it can go at any time and not only during a meeting. Like commitments.js, nothing
// here talks to the server; the words are read from localStorage and shown only here.

import { $, announce, h, show } from "./dom.js";
import { t } from "./i18n.js";
import { forgetCommitment, readCommitment } from "./commitments.js";

export function renderKeptCommitment(groupId) {
  const box = $("#group-commitment");
  const kept = readCommitment(groupId);
  show(box, Boolean(kept));
  if (!kept) return;
  const [before, after = ""] = t("commitment.last_time", { text: "\u0000" }).split("\u0000");
  $("#group-commitment-text").replaceChildren(
    before,
    h("bdi", { class: "commitment-words", text: kept.text }),
    after,
  );
  $("#group-commitment-clear").onclick = () => {
    forgetCommitment(groupId);
    show(box, false);
    announce($("#group-commitment-status"), t("commitment.cleared"));
  };
}
