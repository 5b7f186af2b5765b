import type { DomainModel } from "../../model/model.js";
import { identifiers } from "../../model/naming.js";
import { namedTypesIn, property, type PropertyView } from "./aggregate-view.js";
import { objectSchema } from "./json-schema.js";
import { importDoc, type JsValue, print, valueDoc } from "../print.js";

/** What external.ts.hbs prints: each external event's data and event types, and the definitions the runtime reads. */
export interface ExternalView {
  readonly header: string;
  readonly namedTypesImport?: string;
  readonly events: readonly ExternalEventView[];
  /** The `externals` array, printed. */
  readonly definitions: string;
}

export interface ExternalEventView {
  readonly name: string;
  readonly doc: string;
  readonly eventType: string;
  readonly dataType: string;
  readonly data: readonly PropertyView[];
}

export function externalView(domain: DomainModel, header: string): ExternalView {
  const namedTypes = [...namedTypesIn(domain.externals.flatMap((e) => e.payload))].sort();
  return {
    header,
    ...(namedTypes.length === 0 ? {} : { namedTypesImport: importDoc(namedTypes, "./_types.js", true) }),
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
    definitions: print([
      "export const externals: readonly ExternalEventDefinition[] = ",
      valueDoc(
        domain.externals.map((e) => ({
          domain: domain.name,
          name: e.name,
          integration: e.integration,
          subject: e.subject,
          schema: objectSchema(e.payload) as JsValue,
        })),
      ),
      ";",
    ]),
  };
}
