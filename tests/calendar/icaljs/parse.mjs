// Reads an iCalendar file on stdin with Mozilla's ical.js and prints, as JSON, what a
// calendar would make of it: the calendar's name and refresh interval, and each event's
// uid, status, sequence, start and end (local time, zone, UTC offset, instant), summary,
// url, location, dates of change and alarms. tests/calendar compares it with icalendar.
import ICAL from "ical.js";

const text = await new Promise((resolve) => {
  let data = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk) => (data += chunk));
  process.stdin.on("end", () => resolve(data));
});

const root = new ICAL.Component(ICAL.parse(text));
for (const zone of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(zone);
}

function when(time) {
  if (!time) return null;
  return {
    local: time.toString().slice(0, 16),
    tzid: time.timezone || (time.zone && time.zone.tzid) || null,
    utc_offset_seconds: time.utcOffset(),
    unix: time.toUnixTime(),
  };
}

const value = (component, name) => {
  const v = component.getFirstPropertyValue(name);
  return v === null || v === undefined ? null : v.toString();
};

const events = root.getAllSubcomponents("vevent").map((vevent) => {
  const event = new ICAL.Event(vevent);
  return {
    uid: event.uid,
    status: value(vevent, "status"),
    sequence: event.sequence,
    summary: event.summary,
    description: event.description,
    url: value(vevent, "url"),
    location: event.location,
    start: when(event.startDate),
    end: when(event.endDate),
    last_modified: when(vevent.getFirstPropertyValue("last-modified")),
    dtstamp: when(vevent.getFirstPropertyValue("dtstamp")),
    alarms: vevent.getAllSubcomponents("valarm").map((alarm) => ({
      action: value(alarm, "action"),
      trigger: value(alarm, "trigger"),
      description: value(alarm, "description"),
    })),
  };
});

process.stdout.write(
  JSON.stringify({
    name: value(root, "name"),
    x_wr_calname: value(root, "x-wr-calname"),
    refresh_interval: value(root, "refresh-interval"),
    url: value(root, "url"),
    method: value(root, "method"),
    timezones: root.getAllSubcomponents("vtimezone").map((z) => value(z, "tzid")),
    events,
  }),
);
