import { parseDuration } from "../duration.js";
import { IntegrationConfigError, type IntegrationProblem } from "../errors.js";
import type { Deliver } from "../reactions/definition.js";
import { connectNatsPublisher, type NatsPublisher } from "./nats.js";
import type { IntegrationSpec } from "./spec.js";
import { createWebhookDelivery } from "./webhook.js";

/**
 * fluvius.yaml's `integrations:` put to work when the workers start: `$env.NAME` and
 * `secretEnv` read from the environment, timeouts parsed, NATS connected. Every `nats`
 * integration is also a publisher: the forwarder sends it every public event (a broker is where
 * public events go; a reaction's `notify:` of a broker additionally sends the events it names).
 */

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;

export interface IntegrationPublisher {
  /** The integration's name; the forwarder's checkpoint is `forwarder:<name>`. */
  readonly name: string;
  readonly publisher: NatsPublisher;
}

export interface ResolvedIntegrations {
  /** By integration name, what a `notify: <name>` reaction calls: webhooks and brokers alike. */
  readonly delivers: Readonly<Record<string, Deliver>>;
  /** Each `nats` integration, for a forwarder of public events. */
  readonly publishers: readonly IntegrationPublisher[];
  /** Closes every broker connection. */
  close(): Promise<void>;
}

export interface ResolveOptions {
  /** The project's name (package.json `name`): the default subject prefix, sanitised. */
  readonly projectName: string;
  /** For webhook tests; the global fetch by default. */
  readonly fetch?: typeof fetch;
  /** NATS publish acknowledgement and connect timeout (default 5000 ms). */
  readonly natsTimeoutMs?: number;
}

type Env = Readonly<Record<string, string | undefined>>;

/** `@acme/shop-service` → `acme-shop-service`: one subject token; `fluvius` when nothing is left. */
export function subjectPrefixOf(projectName: string): string {
  const token = projectName
    .replace(/[^A-Za-z0-9_-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[-_]+|[-_]+$/g, "");
  return token === "" ? "fluvius" : token;
}

const ENV_REF = /^\$env\.(.*)$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PREFIX = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

interface WebhookPlan {
  readonly kind: "webhook";
  readonly name: string;
  readonly url: string;
  readonly secret?: string;
  readonly timeoutMs: number;
}
interface NatsPlan {
  readonly kind: "nats";
  readonly name: string;
  readonly url: string;
  readonly subjectPrefix: string;
}

/**
 * Resolves every integration, or throws one IntegrationConfigError listing every problem
 * (before any connection is made). A broker that cannot be reached throws
 * IntegrationUnavailableError, after closing the ones already connected.
 */
export async function resolveIntegrations(specs: Readonly<Record<string, IntegrationSpec>>, env: Env, options: ResolveOptions): Promise<ResolvedIntegrations> {
  const problems: IntegrationProblem[] = [];
  const plans: (WebhookPlan | NatsPlan)[] = [];
  for (const name of Object.keys(specs).sort()) {
    const spec = specs[name];
    if (spec === undefined) continue;
    const plan = planOf(name, spec, env, options.projectName, problems);
    if (plan) plans.push(plan);
  }
  if (problems.length > 0) throw new IntegrationConfigError(problems);

  const delivers: Record<string, Deliver> = {};
  const publishers: IntegrationPublisher[] = [];
  const closeAll = async () => {
    await Promise.all(publishers.map((p) => p.publisher.close()));
  };
  try {
    for (const plan of plans) {
      if (plan.kind === "webhook") {
        delivers[plan.name] = createWebhookDelivery({
          url: plan.url,
          timeoutMs: plan.timeoutMs,
          ...(plan.secret !== undefined && { secret: plan.secret }),
          ...(options.fetch !== undefined && { fetch: options.fetch }),
        });
      } else {
        const publisher = await connectNatsPublisher({
          url: plan.url,
          subjectPrefix: plan.subjectPrefix,
          ...(options.natsTimeoutMs !== undefined && { timeoutMs: options.natsTimeoutMs }),
        });
        publishers.push({ name: plan.name, publisher });
        delivers[plan.name] = publisher.deliver;
      }
    }
  } catch (error) {
    await closeAll();
    throw error;
  }
  return { delivers, publishers, close: closeAll };
}

function planOf(name: string, spec: IntegrationSpec, env: Env, projectName: string, problems: IntegrationProblem[]): WebhookPlan | NatsPlan | undefined {
  const before = problems.length;
  const problem = (message: string, variable?: string) =>
    problems.push({ integration: name, message: `Integration '${name}': ${message}`, ...(variable !== undefined && { variable }) });

  if (spec.webhook !== undefined && spec.nats !== undefined) problem("give either webhook or nats, not both.");
  if (spec.webhook) {
    const url = valueOf(spec.webhook.url, "url", env, problem);
    if (url !== undefined && !isHttpUrl(url)) problem(`the webhook url${fromEnv(spec.webhook.url)} is not an http: or https: URL.`);
    let secret: string | undefined;
    if (spec.webhook.secretEnv !== undefined) {
      secret = env[spec.webhook.secretEnv];
      if (secret === undefined || secret === "") {
        problem(
          `the signing secret's environment variable ${spec.webhook.secretEnv} (secretEnv) is not set; a signed webhook is never sent unsigned.`,
          spec.webhook.secretEnv,
        );
      }
    }
    const timeout = spec.webhook.timeout;
    const timeoutMs = timeout === undefined ? DEFAULT_WEBHOOK_TIMEOUT_MS : parseDuration(timeout);
    if (timeoutMs === undefined) problem(`timeout '${timeout ?? ""}' is not a duration (like 10s or 1m30s).`);
    if (problems.length > before || url === undefined || timeoutMs === undefined) return undefined;
    return { kind: "webhook", name, url, timeoutMs, ...(secret !== undefined && { secret }) };
  }
  if (spec.nats) {
    const url = valueOf(spec.nats.url, "url", env, problem);
    if (url !== undefined && !isNatsUrl(url)) problem(`the nats url${fromEnv(spec.nats.url)} is not a nats: or tls: URL (like nats://127.0.0.1:4222).`);
    const subjectPrefix = spec.nats.subjectPrefix ?? subjectPrefixOf(projectName);
    if (!PREFIX.test(subjectPrefix))
      problem(`subjectPrefix '${subjectPrefix}' is not a NATS subject prefix (tokens of letters, digits, _ and -, separated by dots).`);
    if (problems.length > before || url === undefined) return undefined;
    return { kind: "nats", name, url, subjectPrefix };
  }
  if (problems.length === before) problem("give webhook or nats.");
  return undefined;
}

/** A literal, or `$env.NAME` read from the environment (missing or empty: a problem). */
function valueOf(text: string, key: string, env: Env, problem: (message: string, variable?: string) => void): string | undefined {
  const ref = ENV_REF.exec(text);
  if (!ref) return text;
  const variable = ref[1] ?? "";
  if (!ENV_NAME.test(variable)) {
    problem(`${key} '${text}' names no environment variable (write $env.NAME).`);
    return undefined;
  }
  const value = env[variable];
  if (value === undefined || value === "") {
    problem(`environment variable ${variable} (${key}: ${text}) is not set.`, variable);
    return undefined;
  }
  return value;
}

/** The URL's value is not shown (it may hold a token); where it came from is. */
function fromEnv(text: string): string {
  return ENV_REF.test(text) ? ` (from ${text})` : "";
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

function isNatsUrl(text: string): boolean {
  const parts = text.split(",").map((s) => s.trim());
  return parts.every((part) => {
    try {
      const url = new URL(part.includes("://") ? part : `nats://${part}`);
      return (url.protocol === "nats:" || url.protocol === "tls:") && url.hostname !== "";
    } catch {
      return false;
    }
  });
}
