import { describeType, type ValueType } from "../../model/types.js";
import type { Rule } from "../context.js";

/** Types with one spelling per value, so a value always derives the same stream id. */
const KEY_PRIMITIVES: ReadonlySet<string> = new Set(["string", "text", "email", "url", "uuid", "integer", "date"]);

/** `id: { from: <field> }` names a required, scalar payload field of every creating action. */
export const naturalKeyRule: Rule = {
  name: "natural-key",
  reads: "domain",
  codes: ["invalid-natural-key"],
  check(domain, context) {
    for (const aggregate of domain.aggregates.values()) {
      const from = aggregate.spec.id?.from;
      if (from === undefined) continue;
      const at = { file: aggregate.file, path: [...aggregate.path, "id", "from"] };
      const report = (detail: string) => context.report("invalid-natural-key", { aggregate: aggregate.name, field: from, detail }, at);
      const creating = Object.entries(aggregate.spec.actions ?? {}).filter(([, a]) => a.creates === true);
      if (creating.length === 0) report("the aggregate has no creating action (`creates: true`) whose payload could hold it");
      let first: { action: string; type: string } | undefined;
      for (const [name, action] of creating) {
        const spec = action.payload?.[from];
        if (spec === undefined) {
          report(`the creating action '${name}' has no payload field '${from}'`);
          continue;
        }
        const field = domain.resolver.field(from, spec);
        if (field.optional) report(`'${from}' is optional in the payload of '${name}'`);
        else if (!isKeyType(field.type))
          report(`'${from}' of '${name}' is ${describeType(field.type)}; a natural key is a string, text, email, url, uuid, integer, enum or date`);
        else if (first !== undefined && first.type !== describeType(field.type)) {
          // One value must give one id whichever action creates the stream.
          report(`'${from}' is ${first.type} in '${first.action}' but ${describeType(field.type)} in '${name}'`);
        } else first ??= { action: name, type: describeType(field.type) };
      }
    }
  },
};

function isKeyType(type: ValueType): boolean {
  if (type.kind === "unknown" || type.kind === "enum" || type.kind === "ref") return true;
  return type.kind === "primitive" && KEY_PRIMITIVES.has(type.primitive);
}
