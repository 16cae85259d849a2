// Time zone <select>s of the group editor and the meeting form.

import { h } from "../../dom.js";
import { viewerZone } from "../../time.js";

export function fillZones() {
  let zones = [];
  try {
    zones = Intl.supportedValuesOf("timeZone");
  } catch {
    zones = [];
  }
  zones = [...new Set(["UTC", viewerZone(), ...zones])].sort();
  for (const select of document.querySelectorAll(".tz-select")) {
    select.replaceChildren(...zones.map((zone) => h("option", { value: zone, text: zone })));
    select.value = viewerZone();
  }
}

export function setZone(select, zone) {
  if (zone && ![...select.options].some((o) => o.value === zone)) {
    select.append(h("option", { value: zone, text: zone }));
  }
  select.value = zone || viewerZone();
}
