import type { Model } from "./model.js";

/** What a model file says it is. */
export const MODEL_FORMAT = "fluvius-model";

/**
 * The model's JSON format version: raised whenever the model's shape changes so that an older
 * or newer file would be misread. A file of another version is refused, never guessed at.
 */
export const MODEL_FORMAT_VERSION = 1;

/** A model file that cannot be read: not JSON, not a model, or another format version. */
export class ModelJsonError extends Error {
  override readonly name = "ModelJsonError";
}

/**
 * The model as JSON, two-space indented with a final newline. Deterministic: lower builds the
 * model in a fixed order, and keys are written in that order (sorting them would reorder the
 * spec's own data, such as a `json` default). Lazy sites are read here, so they are written.
 */
export function writeModelJson(model: Model): string {
  const envelope = { format: MODEL_FORMAT, version: MODEL_FORMAT_VERSION, model };
  return `${JSON.stringify(envelope, plainValue, 2)}\n`;
}

/** Refuses what JSON would silently change: read back, the model would differ. */
function plainValue(key: string, value: unknown): unknown {
  if (typeof value === "number" && !Number.isFinite(value)) throw new ModelJsonError(`${key}: ${value} has no JSON form`);
  if (typeof value === "bigint") throw new ModelJsonError(`${key}: a bigint has no JSON form`);
  return value;
}

/** A model written by writeModelJson of this format version; throws ModelJsonError on anything else. */
export function readModelJson(text: string): Model {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ModelJsonError(`not a model file: it is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!isRecord(parsed) || parsed.format !== MODEL_FORMAT) throw new ModelJsonError(`not a model file: it has no "format": "${MODEL_FORMAT}"`);
  if (parsed.version !== MODEL_FORMAT_VERSION) {
    throw new ModelJsonError(
      `the model file has format version ${JSON.stringify(parsed.version)}; this fluvius reads version ${MODEL_FORMAT_VERSION} only: write it again with this fluvius`,
    );
  }
  checkModel(parsed.model);
  return parsed.model as Model;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The lists of a domain and the kind of their items (views, rules and externals included). */
const DOMAIN_LISTS: Readonly<Record<string, string>> = {
  types: "named-type",
  aggregates: "aggregate",
  roles: "role",
  rules: "rule",
  reactions: "reaction",
  externals: "external-event",
  views: "view",
  reactionRules: "reaction-rule",
};

const AGGREGATE_LISTS: Readonly<Record<string, string>> = { actions: "action", events: "event" };

/** Kinds of node without a name (rules are items of a list). */
const NAMELESS: ReadonlySet<string> = new Set(["model", "rule", "reaction-rule"]);

/**
 * Enough of the shape to refuse a foreign or damaged file with a clear message: the kinds
 * and names of the nodes down to events and actions, and that each has its site. The rest
 * was written by the same format version, so it is trusted.
 */
function checkModel(model: unknown): void {
  const node = (value: unknown, kind: string, at: string): Record<string, unknown> => {
    if (!isRecord(value) || value.kind !== kind) throw new ModelJsonError(`not a valid model file: ${at} is not of kind "${kind}"`);
    if (!NAMELESS.has(kind) && typeof value.name !== "string") throw new ModelJsonError(`not a valid model file: ${at} has no name`);
    if (kind !== "model" && !isRecord(value.site)) throw new ModelJsonError(`not a valid model file: ${at} has no site`);
    return value;
  };
  const list = (owner: Record<string, unknown>, key: string, kind: string, at: string): Record<string, unknown>[] => {
    const items = owner[key];
    if (!Array.isArray(items)) throw new ModelJsonError(`not a valid model file: ${at}.${key} is not a list`);
    return items.map((item: unknown, i) => node(item, kind, `${at}.${key}[${i}]`));
  };
  const root = node(model, "model", "model");
  for (const [d, domain] of list(root, "domains", "domain", "model").entries()) {
    const at = `model.domains[${d}]`;
    for (const [key, kind] of Object.entries(DOMAIN_LISTS)) {
      const items = list(domain, key, kind, at);
      if (key !== "aggregates") continue;
      for (const [a, aggregate] of items.entries()) {
        for (const [inner, innerKind] of Object.entries(AGGREGATE_LISTS)) list(aggregate, inner, innerKind, `${at}.aggregates[${a}]`);
      }
    }
  }
}
