import type { DiagnosticCollector } from "../diagnostics/collector.js";
import { isSafeUrl } from "@fluvius/runtime/internal/http/session/loopback";
import { rangeAt } from "../parse/locate.js";
import type { SourceFile } from "../parse/source-file.js";
import type { ConfigFileContent } from "../validate/spec.js";

/**
 * What the schema cannot say about `auth.oidc`: the provider and the public URL are https
 * (plain http only on localhost), since tokens and the session cookie travel over them.
 * False when something is wrong (reported).
 */
export function checkAuth(content: ConfigFileContent, file: SourceFile, diagnostics: DiagnosticCollector): boolean {
  const oidc = content.auth?.oidc;
  if (oidc === undefined) return true;
  let ok = true;
  for (const key of ["issuer", "publicUrl"] as const) {
    const text = oidc[key];
    if (text === undefined) continue;
    const url = URL.canParse(text) ? new URL(text) : undefined;
    if (url !== undefined && isSafeUrl(url)) continue;
    diagnostics.report("insecure-auth-url", { key: `auth.oidc.${key}`, url: text }, rangeAt(file, ["auth", "oidc", key], "value"));
    ok = false;
  }
  return ok;
}
