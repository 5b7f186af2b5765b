import { isUuid } from "../actor.js";
import type { Actor } from "../actor.js";
import { ForbiddenError } from "../errors.js";
import { LiveRequestError } from "./errors.js";

/**
 * What a live client can subscribe to, named as the read routes name it: an aggregate's list
 * (`<domain>.<aggregate>`), one of its items (`<domain>.<aggregate>/<id>`), a view's rows
 * (`<domain>.<view>`).
 */
export type LiveSource = AggregateSource | ViewSource;

export interface AggregateSource {
  readonly kind: "aggregate";
  /** `<domain>.<aggregate>`: the channel of its list, and its stream type. */
  readonly name: string;
  /** Whether some rule could let the actor read it (`<aggregate>:read`): else subscribing is forbidden. */
  mayRead(actor: Actor): boolean;
  /**
   * The item after the change at `version` as its GET shows it, or undefined when the actor
   * may not read it (tenant, `<aggregate>:read`, the policy's `where`).
   */
  read(actor: Actor, id: string, version: number): Promise<Record<string, unknown> | undefined>;
}

export interface ViewSource {
  readonly kind: "view";
  /** `<domain>.<view>` */
  readonly name: string;
  /** The events that change its rows, as `<stream type>/<event type>`. */
  readonly fedBy: ReadonlySet<string>;
  /** Whether the actor may read the view at all (`<view>:read`); rows are then read with GET. */
  mayRead(actor: Actor): boolean;
  /** An asynchronous view's projector checkpoint (`view:<domain>.<name>`): a notice waits until the rows are written. */
  readonly projector?: string;
}

export interface Channel {
  readonly name: string;
  readonly source: LiveSource;
  /** An item channel's stream id. */
  readonly id?: string;
}

/** Stream types whose events a source hears. */
export function streamTypesOf(source: LiveSource): string[] {
  return source.kind === "aggregate" ? [source.name] : [...new Set([...source.fedBy].map((t) => t.slice(0, t.lastIndexOf("/"))))];
}

/** The channel a name means, when the actor may read it: an unknown one is a 400, one the policy never grants a 403. */
export function parseChannel(name: string, sources: ReadonlyMap<string, LiveSource>, actor: Actor): Channel {
  const slash = name.indexOf("/");
  const base = slash < 0 ? name : name.slice(0, slash);
  const source = sources.get(base);
  if (source === undefined) {
    throw new LiveRequestError(
      "unknown-channel",
      `No channel '${name.slice(0, 200)}': name an aggregate or view as \`<domain>.<resource>\`, or an item as \`<domain>.<aggregate>/<id>\`.`,
      { channel: name.slice(0, 200) },
    );
  }
  const resource = source.name.slice(source.name.indexOf(".") + 1);
  if (!source.mayRead(actor)) throw new ForbiddenError(`${resource}:read`);
  if (slash < 0) return { name, source };
  const id = name.slice(slash + 1);
  if (source.kind !== "aggregate" || !isUuid(id)) {
    throw new LiveRequestError("unknown-channel", `No channel '${name.slice(0, 200)}': an item channel is \`<domain>.<aggregate>/<uuid>\`.`, {
      channel: name.slice(0, 200),
    });
  }
  return { name, source, id: id.toLowerCase() };
}
