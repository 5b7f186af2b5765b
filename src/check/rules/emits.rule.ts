import { didYouMean } from "../../diagnostics/suggest.js";
import type { Rule } from "../context.js";
import { emitted } from "../walk.js";

/** Actions emit declared events; every event is emitted; every aggregate can be created. */
export const emitsRule: Rule = {
  name: "emits",
  reads: "domain",
  codes: ["unknown-event", "unused-event", "uncreatable-aggregate"],
  check(domain, context) {
    for (const a of domain.aggregates.values()) {
      const events = a.spec.events ?? {};
      const used = new Set<string>();
      let creatable = false;
      for (const [name, action] of Object.entries(a.spec.actions ?? {})) {
        if (action.creates === true) creatable = true;
        for (const { event, path } of emitted(action.emits, [...a.path, "actions", name])) {
          used.add(event);
          if (!Object.hasOwn(events, event)) {
            context.report(
              "unknown-event",
              { action: name, event, aggregate: a.name, suggestion: didYouMean(event, Object.keys(events)) },
              { file: a.file, path },
            );
          }
        }
      }
      for (const event of Object.keys(events)) {
        if (!used.has(event)) context.report("unused-event", { event, aggregate: a.name }, { file: a.file, path: [...a.path, "events", event], part: "key" });
      }
      if (!creatable) context.report("uncreatable-aggregate", { aggregate: a.name }, { file: a.file, path: a.path, part: "key" });
    }
  },
};
