// The room's short system lines ("Sam joined") as an i18n key and its params, so a
// language change can write them again. room-view.js may pass the key itself
// (conversation.system({key, params}, event)); for a finished string, lineOf finds
// the key when the string is exactly what that key says now, else keeps the text.

import { getLang, t } from "./i18n.js";
import { STRINGS } from "./strings.js";

/** {key, params} for `text` written about `event`, or {text}; `name(id)` gives a pseudonym. */
export function lineOf(text, event, name) {
  for (const line of candidates(event, name)) {
    if (t(line.key, line.params) === text) return line;
  }
  if (!event) {
    const table = STRINGS[getLang()] || {};
    const key = Object.keys(table).find((k) => table[k] === text);
    if (key) return { key, params: {} };
  }
  return { text };
}

/** The keys the room writes for an event, with their params. */
function candidates(event, name) {
  if (!event) return [];
  const about = { name: name(event.participant_id) };
  switch (event.type) {
    case "joined":
      return [{ key: "room.joined", params: { name: event.participant?.pseudonym } }];
    case "left":
      return [{ key: `room.left_${event.reason || "left"}`, params: about }];
    case "floor_released":
      return [{ key: `room.floor_${event.reason || "yielded"}`, params: about }];
    case "floor_extended":
      return [
        { key: "room.you_extended", params: about },
        { key: "room.floor_extended", params: about },
      ];
    case "muted":
    case "unmuted":
      return [
        { key: `room.you_${event.type}`, params: about },
        { key: `room.${event.type}`, params: about },
      ];
    case "role_changed": {
      const which = event.role === "facilitator" ? "cohost" : "attendee";
      const named = { name: event.pseudonym };
      return [
        { key: `room.you_${which}`, params: named },
        { key: `room.role_${which}`, params: named },
      ];
    }
    case "chair_changed":
      return [{ key: "room.chair_held", params: {} }];
    default:
      return [{ key: `room.${event.type}`, params: about }];
  }
}
