import { catalog, isCode } from "../catalog.js";
import type { Diagnostic, SourceRange } from "../diagnostic.js";

const SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

function location(r: SourceRange) {
  return {
    physicalLocation: {
      artifactLocation: { uri: encodeURI(r.file) },
      region: { startLine: r.start.line, startColumn: r.start.column, endLine: r.end.line, endColumn: r.end.column },
    },
  };
}

/** SARIF 2.1.0, for code-scanning dashboards. Rules carry the `fluvius explain` text. */
export function formatSarif(diagnostics: readonly Diagnostic[], toolVersion: string): string {
  const ruleIds = [...new Set(diagnostics.map((d) => d.code))].sort();
  const rules = ruleIds.map((id) => {
    const entry = isCode(id) ? catalog[id] : undefined;
    return {
      id,
      name: id,
      shortDescription: { text: id },
      ...(entry ? { fullDescription: { text: entry.explain.replace(/\n/g, " ") }, help: { text: `Run \`fluvius explain ${id}\`.` } } : {}),
      defaultConfiguration: { level: entry?.severity ?? "error" },
    };
  });
  const results = diagnostics.map((d) => ({
    ruleId: d.code,
    ruleIndex: ruleIds.indexOf(d.code),
    level: d.severity,
    message: { text: d.hint ? `${d.message} ${d.hint}` : d.message },
    locations: [location(d.range)],
    ...(d.related.length > 0 ? { relatedLocations: d.related.map((r, i) => ({ id: i, message: { text: r.message }, ...location(r) })) } : {}),
  }));
  const log = {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [{ tool: { driver: { name: "fluvius", version: toolVersion, rules } }, columnKind: "utf16CodeUnits", results }],
  };
  return JSON.stringify(log, null, 2);
}
