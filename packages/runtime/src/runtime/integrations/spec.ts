/**
 * One entry of fluvius.yaml's `integrations:` as plain data: the shape the config loader
 * validates (schemas/config.schema.json) and resolveIntegrations puts to work. It lives in the
 * runtime, which knows nothing of YAML, and src/validate/spec.ts re-exports it: one definition.
 */
export interface IntegrationSpec {
  /** POST each delivery as JSON. */
  readonly webhook?: {
    /** A literal URL, or `$env.NAME`. */
    readonly url: string;
    /** The environment variable holding the HMAC-SHA256 signing secret; unsigned without it. */
    readonly secretEnv?: string;
    /** A duration (`10s`, `1m30s`); default 10s. */
    readonly timeout?: string;
  };
  /** Publish to NATS JetStream. */
  readonly nats?: {
    /** A literal URL (`nats://host:4222`, several separated by commas), or `$env.NAME`. */
    readonly url: string;
    /** First token(s) of every subject; default: the project's name, sanitised. */
    readonly subjectPrefix?: string;
  };
}
