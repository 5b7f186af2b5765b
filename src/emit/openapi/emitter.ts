import { hash } from "../../model/lower.js";
import { templatesFingerprint } from "../../templates/render.js";
import type { Emitter } from "../emitter.js";
import { openApiDocument } from "./document.js";

/**
 * openapi.json in the generated folder; `fluvius serve` serves it at /openapi.json and /docs.
 * Written as JSON.stringify's two-space JSON, not through prettier: for a large API the
 * document is megabytes, which prettier formats slowly and JSON needs no styling.
 */
export const openApiEmitter: Emitter = {
  name: "openapi",
  emit(context) {
    const basePath = context.config.api.basePath;
    const { idClaim, tenantClaim, rolesClaim, secretEnv, jwksUrl, cookieName, oidc } = context.config.auth;
    const auth = {
      idClaim,
      tenantClaim,
      rolesClaim,
      secretEnv,
      ...(jwksUrl === undefined ? {} : { jwksUrl }),
      // Only with a session, so the document (and its hash) of a project without one stays as it was.
      ...(cookieName === undefined ? {} : { session: { cookieName, login: oidc !== undefined } }),
    };
    const input = hash([templatesFingerprint(), "openapi-3", basePath, auth, context.model.domains.map((d) => d.specHash)]);
    return [{ path: "openapi.json", language: "none", input, render: () => `${JSON.stringify(openApiDocument(context.model, basePath, auth), null, 2)}\n` }];
  },
};
