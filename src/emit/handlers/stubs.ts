import type { AggregateModel, DomainModel } from "../../model/model.js";
import { renderTemplate } from "../../templates/render.js";
import { aggregateView } from "../typescript/aggregate-view.js";

/** A function the hand-written module must export, with the stub that starts it. */
export interface Stub {
  readonly name: string;
  readonly kind: "handler" | "evolver" | "upcaster";
  readonly text: string;
}

/** Every stub an aggregate's hand-written module needs, in spec order. */
export function stubsFor(domain: DomainModel, aggregate: AggregateModel): Stub[] {
  const view = aggregateView({ domain, aggregate, header: "", handlersImport: "" });
  const stubs: Stub[] = view.actions.map((a) => ({ name: a.handlerFunction, kind: "handler", text: renderTemplate("handlers/action-stub.ts.hbs", a).trimEnd() }));
  for (const event of view.events) {
    if (event.handwritten) stubs.push({ name: event.evolverFunction, kind: "evolver", text: renderTemplate("handlers/evolve-stub.ts.hbs", event).trimEnd() });
    for (const step of event.upcasters) {
      stubs.push({
        name: step.function,
        kind: "upcaster",
        text: renderTemplate("handlers/upcaster-stub.ts.hbs", { ...step, name: event.name, upcasterType: event.upcasterType }).trimEnd(),
      });
    }
  }
  return stubs;
}

/** A new hand-written module with every stub. */
export function freshHandlerModule(domain: DomainModel, aggregate: AggregateModel, typesImport: string, stubs: readonly Stub[]): string {
  return renderTemplate("handlers/aggregate.ts.hbs", {
    domain: domain.name,
    aggregate: aggregate.name,
    typesImport,
    hasEvolvers: stubs.some((s) => s.kind === "evolver"),
    hasUpcasters: stubs.some((s) => s.kind === "upcaster"),
    stubs: stubs.map((s) => s.text),
  });
}
