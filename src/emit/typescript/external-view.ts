import type { DomainModel } from "../../model/model.js";
import { identifiers } from "../../model/naming.js";
import { namedTypesIn, property, type PropertyView } from "./aggregate-view.js";
import { objectSchema } from "./json-schema.js";

/** What external.ts.hbs prints: each external event's data and event types, and the definitions the runtime reads. */
export interface ExternalView {
  readonly header: string;
  readonly namedTypes: string;
  readonly events: readonly ExternalEventView[];
  /** The `externals` array's elements, as TypeScript object literals. */
  readonly definitions: readonly string[];
}

export interface ExternalEventView {
  readonly name: string;
  readonly doc: string;
  readonly eventType: string;
  readonly dataType: string;
  readonly data: readonly PropertyView[];
}

export function externalView(domain: DomainModel, header: string): ExternalView {
  return {
    header,
    namedTypes: [...namedTypesIn(domain.externals.flatMap((e) => e.payload))].sort().join(", "),
    events: domain.externals.map((e) => {
      const description = e.description?.trim().replace(/\.$/, "");
      const doc = `\`${e.name}\`, read from \`${e.integration}\` on \`${e.subject}\`${description === undefined || description === "" ? "" : `: ${description}`}.`;
      return {
        name: e.name,
        doc: doc.replace(/\*\//g, "*\\/"),
        eventType: identifiers.externalEvent(e.name),
        dataType: identifiers.externalData(e.name),
        data: e.payload.map((f) => property(f, f.optional)),
      };
    }),
    definitions: domain.externals.map(
      (e) =>
        `{ domain: ${JSON.stringify(domain.name)}, name: ${JSON.stringify(e.name)}, integration: ${JSON.stringify(e.integration)}, subject: ${JSON.stringify(e.subject)}, schema: ${JSON.stringify(objectSchema(e.payload))} }`,
    ),
  };
}
