// What each room event does to the room's state and its conversation. After a
// resume the snapshot already holds the state the missed events produced
// (`replay`): they only add their lines to the conversation.

import { t } from "./i18n.js";

/** Applies one event to `view` (a RoomView). */
export function applyEvent(view, event, replay) {
  const name = (id) => view.nameOf(id);
  switch (event.type) {
    case "message":
      view.addMessage(event);
      break;
    case "whisper":
      view.conversation.whisper(event);
      break;
    case "message_deleted":
      view.conversation.remove(event.message_id, Boolean(event.retracted));
      break;
    case "reaction":
      view.conversation.setReaction(event.message_id, event.emoji, event.count);
      break;
    case "joined":
      view.roles.set(event.participant.id, event.participant.role);
      if (!replay) view.participants.set(event.participant.id, { ...event.participant });
      view.conversation.system(t("room.joined", { name: event.participant.pseudonym }), event);
      break;
    case "left": {
      const who = name(event.participant_id);
      if (!replay) {
        view.participants.delete(event.participant_id);
        view.queue = view.queue.filter((id) => id !== event.participant_id);
      }
      view.conversation.system(t(`room.left_${event.reason || "left"}`, { name: who }), event);
      break;
    }
    case "hand_raised":
    case "hand_lowered":
      if (!replay) view.queue = event.queue || [];
      break;
    case "floor_granted":
      if (!replay) {
        view.floor = {
          participant_id: event.participant_id,
          turn_id: event.turn_id,
          ends_at: event.ends_at,
          started_at: event.at,
        };
        view.queue = view.queue.filter((id) => id !== event.participant_id);
      }
      view.conversation.system(t("room.floor_granted", { name: name(event.participant_id) }), event);
      break;
    case "floor_extended":
      if (!replay && view.floor && view.floor.turn_id === event.turn_id) {
        view.floor = { ...view.floor, ends_at: event.ends_at };
      }
      view.conversation.system(
        event.participant_id === view.you?.id
          ? t("room.you_extended")
          : t("room.floor_extended", { name: name(event.participant_id) }),
        event,
      );
      break;
    case "floor_released":
      if (!replay && view.floor && view.floor.turn_id === event.turn_id) view.floor = null;
      view.conversation.system(
        t(`room.floor_${event.reason || "yielded"}`, { name: name(event.participant_id) }),
        event,
      );
      break;
    case "muted":
    case "unmuted": {
      const p = view.participants.get(event.participant_id);
      if (!replay && p) {
        p.muted = event.type === "muted";
        if (p.muted) view.queue = view.queue.filter((id) => id !== p.id);
      }
      const key = event.participant_id === view.you?.id ? `room.you_${event.type}` : `room.${event.type}`;
      view.conversation.system(t(key, { name: name(event.participant_id) }), event);
      break;
    }
    case "settings_changed":
      if (!replay) view.settings = event.settings || view.settings;
      break;
    case "round_started":
      if (!replay) view.round = { order: event.order || [] };
      view.conversation.system(t("room.round_started"), event);
      break;
    case "round_ended":
      if (!replay) view.round = null;
      view.conversation.system(t("room.round_ended"), event);
      break;
    case "role_changed": {
      const p = view.participants.get(event.participant_id);
      const cohost = event.role === "facilitator";
      view.roles.set(event.participant_id, event.role);
      if (!replay && p) Object.assign(p, { role: event.role, cohost });
      const mine = event.participant_id === view.you?.id;
      if (mine && !replay) view.you = { ...view.you, role: event.role };
      const key = `room.${mine ? "you" : "role"}_${cohost ? "cohost" : "attendee"}`;
      view.conversation.system(t(key, { name: event.pseudonym }), event);
      break;
    }
    case "chair_changed":
      if (!replay) {
        const was = view.chair;
        view.chair = event.chair;
        if (view.floor && event.chair === "empty") view.floor = { ...view.floor, paused: true };
        else if (view.floor && event.floor_ends_at) view.floor = { ...view.floor, ends_at: event.floor_ends_at, paused: false };
        if (event.chair === "held" && was !== "held") view.conversation.system(t("room.chair_held"), event);
      }
      break;
    case "resources_changed":
      if (!replay) {
        view.resources = event.resources || [];
        view.renderResources();
      }
      break;
    default:
      break;
  }
}
