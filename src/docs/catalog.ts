import type { EventLock } from "../breaking/lock.js";
import type { FieldShape, Fields, Shape } from "../breaking/shape.js";
import type { AggregateModel, DomainModel, EventModel } from "../model/model.js";
import { fieldTable, heading, joined, paragraph } from "./blocks.js";
import { type Block, code, codeList, type Inline } from "./document.js";
import { eventKey, qualified, type RelationIndex } from "./relations.js";
import { applyText } from "./text.js";

/**
 * One event of the catalog: its version, how it is stored, who emits it, what it changes, who
 * hears it (reactions of any domain, timers it cancels, views it feeds), its payload, and the
 * data of its earlier versions as the event lock recorded them.
 */
export function eventBlocks(domain: DomainModel, aggregate: AggregateModel, event: EventModel, relations: RelationIndex, lock: EventLock | undefined): Block[] {
  const ref = { domain: domain.name, aggregate: aggregate.name, event: event.name };
  const related = relations(ref);
  const blocks: Block[] = [heading(4, [code(`${aggregate.name}.${event.name}`), ` (v${event.version})`], domain.name, "event", aggregate.name, event.name)];
  if (event.description !== undefined) blocks.push(paragraph([event.description]));
  const items: Inline[][] = [
    ["Stored as ", code(eventKey(ref)), event.public ? "; public: published to the brokers." : "; internal (not published)."],
    ["Emitted by: ", ...codeList(related.emittedBy, "no action (hand-written handlers only)"), "."],
    [
      "Changes the state: ",
      ...(event.apply === undefined ? ["in a hand-written evolve step"] : event.apply.length === 0 ? ["nothing"] : joined(event.apply.map(applyText), "; ")),
      ".",
    ],
  ];
  if (related.reactions.length > 0)
    items.push(["Heard by reactions: ", ...codeList(related.reactions.map((r) => qualified(r.reaction.name, r.domain, domain))), "."]);
  if (related.cancels.length > 0)
    items.push(["Cancels the timers of: ", ...codeList(related.cancels.map((r) => qualified(r.reaction.name, r.domain, domain))), "."]);
  if (related.views.length > 0)
    items.push(["Feeds views: ", ...codeList([...new Set(related.views.map((v) => qualified(v.view.name, v.domain, domain)))]), "."]);
  const locked = lock?.events[eventKey(ref)] ?? {};
  const earlier = Object.keys(locked)
    .map(Number)
    .filter((v) => Number.isInteger(v) && v < event.version)
    .sort((a, b) => a - b);
  if (event.version > 1) {
    items.push([`Versions: ${Array.from({ length: event.version }, (_, i) => i + 1).join(", ")}; stored events of earlier versions are upcast when read.`]);
  }
  blocks.push({ kind: "list", items });
  blocks.push(event.payload.length === 0 ? paragraph(["No payload."]) : fieldTable(event.payload));
  for (const version of earlier) {
    const fields = locked[String(version)];
    if (fields !== undefined) blocks.push(paragraph([`Version ${version} (fluvius.lock.json): `, ...shapeList(fields), "."]));
  }
  return blocks;
}

function shapeList(fields: Fields): Inline[] {
  return joined(
    Object.entries(fields).map(([name, shape]) => `${name}${shape.optional === true ? "?" : ""}: ${shapeText(shape)}`),
    ", ",
  );
}

function shapeText(shape: Shape | FieldShape): string {
  switch (shape.type) {
    case "enum":
      return `enum (${shape.values.join(", ")})`;
    case "ref":
      return `ref to ${shape.aggregate}`;
    case "array":
      return `${shapeText(shape.of)}[]`;
    case "object":
      return `{ ${Object.entries(shape.fields)
        .map(([n, s]) => `${n}${s.optional === true ? "?" : ""}: ${shapeText(s)}`)
        .join(", ")} }`;
    default:
      return shape.type;
  }
}
