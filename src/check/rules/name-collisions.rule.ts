import { identifiers } from "../../model/naming.js";
import type { FieldsSpec } from "../../validate/spec.js";
import type { DataPath } from "../../parse/source-file.js";
import type { Reporter, Rule, Site } from "../context.js";
import type { BoundDomain } from "../bind.js";

interface Named {
  readonly label: string;
  readonly generated: string;
  readonly at: Site;
}

/** Names that differ only in case or separators become the same TypeScript or SQL identifier. */
export const nameCollisionsRule: Rule = {
  name: "name-collisions",
  reads: "domain",
  codes: ["name-collision"],
  check(domain, context) {
    findCollisions(
      [...domain.aggregates.values()].map((a) => ({
        label: `aggregate '${a.name}'`,
        generated: identifiers.aggregate(a.name),
        at: { file: a.file, path: a.path, part: "key" },
      })),
      context,
    );
    for (const a of domain.aggregates.values()) {
      findCollisions(moduleIdentifiers(domain, a.name), context);
      fieldCollisions(a.spec.state, { file: a.file, path: [...a.path, "state"] }, context);
      for (const [name, action] of Object.entries(a.spec.actions ?? {}))
        fieldCollisions(action.payload, { file: a.file, path: [...a.path, "actions", name, "payload"] }, context);
      for (const [name, event] of Object.entries(a.spec.events ?? {}))
        fieldCollisions(event?.payload, { file: a.file, path: [...a.path, "events", name, "payload"] }, context);
    }
    for (const e of domain.externals.values()) fieldCollisions(e.spec.payload, { file: e.file, path: [...e.path, "payload"] }, context);
    findCollisions(domainIdentifiers(domain), context);
    findCollisions(reactorIdentifiers(domain), context);
    for (const t of domain.types.values()) {
      if (typeof t.spec !== "string") fieldCollisions(t.spec.fields, { file: t.file, path: [...t.path, "fields"] }, context);
    }
  },
};

/** Every identifier one aggregate's generated module declares or imports. */
function moduleIdentifiers(domain: BoundDomain, aggregate: string): Named[] {
  const a = domain.aggregates.get(aggregate);
  if (!a) return [];
  const aggregateSite: Site = { file: a.file, path: a.path, part: "key" };
  const named: Named[] = [...domain.types.values()].map((t) => ({
    label: `type '${t.name}'`,
    generated: t.name,
    at: { file: t.file, path: t.path, part: "key" },
  }));
  named.push({ label: `the state type of '${a.name}'`, generated: identifiers.state(a.name), at: aggregateSite });
  named.push({ label: `the event union of '${a.name}'`, generated: identifiers.eventUnion(a.name), at: aggregateSite });
  named.push({ label: `the payload map of '${a.name}'`, generated: identifiers.payloadMap(a.name), at: aggregateSite });
  for (const action of Object.keys(a.spec.actions ?? {})) {
    const at: Site = { file: a.file, path: [...a.path, "actions", action], part: "key" };
    for (const generated of [identifiers.payload(action), identifiers.handlerType(action), identifiers.handler(action)]) {
      named.push({ label: `action '${action}'`, generated, at });
    }
  }
  for (const event of Object.keys(a.spec.events ?? {})) {
    const at: Site = { file: a.file, path: [...a.path, "events", event], part: "key" };
    for (const generated of [
      identifiers.event(event),
      identifiers.eventData(event),
      identifiers.evolverType(event),
      identifiers.upcasterType(event),
      identifiers.evolver(event),
    ]) {
      named.push({ label: `event '${event}'`, generated, at });
    }
  }
  return named;
}

/**
 * The domain index re-exports the named types, the domain's event and command unions and its
 * external events' types side by side, so none may take another's name.
 */
function domainIdentifiers(domain: BoundDomain): Named[] {
  const first = domain.files[0];
  if (!first) return [];
  const at: Site = { file: first.file, path: ["domain"] };
  const named: Named[] = [
    { label: `the event union of domain '${domain.name}'`, generated: identifiers.domainEventUnion(domain.name), at },
    { label: `the command union of domain '${domain.name}'`, generated: identifiers.domainCommandUnion(domain.name), at },
  ];
  for (const t of domain.types.values()) named.push({ label: `type '${t.name}'`, generated: t.name, at: { file: t.file, path: t.path, part: "key" } });
  for (const e of domain.externals.values()) {
    const at: Site = { file: e.file, path: e.path, part: "key" };
    for (const generated of [identifiers.externalEvent(e.name), identifiers.externalData(e.name)])
      named.push({ label: `external event '${e.name}'`, generated, at });
  }
  return named;
}

/** Hand-written reactors share one module per domain: their functions and signatures must differ. */
function reactorIdentifiers(domain: BoundDomain): Named[] {
  return [...domain.reactions.values()]
    .filter((r) => r.spec.handler === true)
    .flatMap((r) => {
      const at: Site = { file: r.file, path: r.path, part: "key" };
      return [identifiers.reactor(r.name), identifiers.reactorType(r.name)].map((generated) => ({ label: `reaction '${r.name}'`, generated, at }));
    });
}

/** Fields of one mapping become camelCase properties and snake_case columns. */
function fieldCollisions(fields: FieldsSpec | undefined, at: { file: Site["file"]; path: DataPath }, context: Reporter): void {
  findCollisions(
    Object.keys(fields ?? {}).map((name) => ({
      label: `field '${name}'`,
      generated: identifiers.column(name),
      at: { file: at.file, path: [...at.path, name], part: "key" },
    })),
    context,
  );
}

function findCollisions(named: readonly Named[], context: Reporter): void {
  const seen = new Map<string, Named>();
  const reported = new Set<string>();
  for (const n of named) {
    const first = seen.get(n.generated);
    if (!first) {
      seen.set(n.generated, n);
      continue;
    }
    // A name yields several identifiers; two colliding names are one mistake, reported once.
    const pair = `${n.label}\0${first.label}`;
    if (reported.has(pair)) continue;
    reported.add(pair);
    context.report("name-collision", { name: n.label, other: first.label, generated: n.generated }, n.at, {
      related: [{ ...first.at, message: `${first.label} is declared here` }],
    });
  }
}
