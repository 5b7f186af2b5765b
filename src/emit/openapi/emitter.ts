import { hash } from "../../model/lower.js";
import { templatesFingerprint } from "../../templates/render.js";
import type { Emitter } from "../emitter.js";
import { openApiDocument } from "./document.js";

/** openapi.json in the generated folder; `fluvius serve` serves it at /openapi.json and /docs. */
export const openApiEmitter: Emitter = {
  name: "openapi",
  emit(context) {
    const basePath = context.config.api.basePath;
    const input = hash([templatesFingerprint(), "openapi-1", basePath, context.model.domains.map((d) => d.specHash)]);
    return [{ path: "openapi.json", language: "json", input, render: () => `${JSON.stringify(openApiDocument(context.model, basePath), null, 2)}\n` }];
  },
};
