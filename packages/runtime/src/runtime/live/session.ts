import type { Actor } from "../actor.js";
import type { Checkpoint, EventStore, StoredEvent } from "../store/types.js";
import { type Channel, type LiveSource, parseChannel, streamTypesOf } from "./channels.js";
import { type LiveCloseReason, LiveRequestError } from "./errors.js";
import type { FeedAttachment, LiveFeed } from "./feed.js";
import { checkpointOf, formatPosition, isAfter } from "./position.js";

/** An aggregate item after a change, as its GET returns it. */
export interface ItemChanged {
  readonly type: "changed";
  readonly resource: string;
  readonly id: string;
  readonly version: number;
  readonly event: string;
  readonly position: string;
  readonly data: Record<string, unknown>;
}

/** Rows of a view changed: read them again with GET (the rows are not sent; see docs/http.md). */
export interface ViewChanged {
  readonly type: "view-changed";
  readonly resource: string;
  readonly event: string;
  readonly position: string;
}

export type LiveMessage = ItemChanged | ViewChanged;

export interface LiveDelivery {
  readonly channel: string;
  readonly message: LiveMessage;
  readonly position: Checkpoint;
}

export interface LiveSessionOptions {
  readonly store: EventStore;
  readonly feed: LiveFeed;
  readonly sources: ReadonlyMap<string, LiveSource>;
  readonly actor: Actor;
  /** Sends one message; false when the client cannot take more (the session then ends "too-slow"). */
  readonly send: (delivery: LiveDelivery) => boolean;
  /** The server ended the session; the client may resume from `position`. */
  readonly onClose: (reason: LiveCloseReason, error?: unknown) => void;
  /** Changes waiting to be read for this client before it is dropped as too slow (default 10,000). */
  readonly maxPending?: number;
  /** Channels one client may hold (default 100). */
  readonly maxChannels?: number;
  /** How long a notice of an asynchronous view waits for its projector before it is sent anyway (default 5 s). */
  readonly projectorWaitMs?: number;
  /** Events per read while catching up from a resume position (default 500). */
  readonly catchUpBatch?: number;
}

/**
 * One live client: its actor, its channels and its position. It hears the server's feed,
 * keeps the events of its tenant and channels, and for each reads what the client may see
 * (the item as its GET would answer, through the aggregate's service) and sends it, one event
 * at a time in the log's order. Resuming from a position, it first reads the log itself from
 * there up to where it joined the feed, holding the feed's events meanwhile, so nothing is
 * missed or repeated across the seam.
 */
export class LiveSession {
  private readonly channels = new Map<string, Channel>();
  /** Asynchronous views' projector checkpoints as last read. */
  private readonly projectors = new Map<string, Checkpoint>();
  private wanted = new Set<string>();
  private queue: StoredEvent[] = [];
  private head = 0;
  private seen: Checkpoint | undefined;
  /** Events at or before it were sent before (a resume): skipped. */
  private floor: Checkpoint | undefined;
  private catchingUp = true;
  private draining = false;
  private closed = false;
  private detach = () => undefined as void;
  /** Every change up to here that the client may see has been sent: its resume token. */
  position: Checkpoint | undefined;

  constructor(private readonly options: LiveSessionOptions) {}

  /** Adds a channel (idempotent); its changes come from the session's current point on. */
  subscribe(name: string): Channel {
    const known = this.channels.get(name);
    if (known) return known;
    const max = this.options.maxChannels ?? 100;
    if (this.channels.size >= max) throw new LiveRequestError("too-many-channels", `A live client may hold at most ${max} channels.`, { max });
    const channel = parseChannel(name, this.options.sources, this.options.actor);
    this.channels.set(name, channel);
    this.recompute();
    return channel;
  }

  unsubscribe(name: string): boolean {
    const had = this.channels.delete(name);
    if (had) this.recompute();
    return had;
  }

  get channelNames(): string[] {
    return [...this.channels.keys()];
  }

  /** Joins the feed; with `since`, first sends what the client missed after it. */
  async start(since?: Checkpoint): Promise<void> {
    let attachment: FeedAttachment;
    try {
      attachment = await this.options.feed.attach((events, upTo) => this.hear(events, upTo));
    } catch (error) {
      return this.end("unavailable", error);
    }
    this.detach = attachment.detach;
    if (this.closed) return attachment.detach();
    const from = attachment.from;
    this.floor = since !== undefined && isAfter(since, from) ? since : from;
    this.position = this.floor;
    try {
      if (since !== undefined && isAfter(from, since)) {
        this.position = since;
        await this.catchUp(since, from);
        this.advance(from);
      }
    } catch (error) {
      return this.end("unavailable", error);
    }
    this.catchingUp = false;
    void this.drain();
  }

  /** Ends the session from the client's side. */
  close(): void {
    this.closed = true;
    this.detach();
    this.queue = [];
  }

  private end(reason: LiveCloseReason, error?: unknown): void {
    if (this.closed) return;
    this.close();
    this.options.onClose(reason, error);
  }

  private recompute(): void {
    this.wanted = new Set([...this.channels.values()].flatMap((c) => streamTypesOf(c.source)));
  }

  private wants(event: StoredEvent): boolean {
    return event.tenant === this.options.actor.tenant && this.wanted.has(event.streamType);
  }

  private hear(events: readonly StoredEvent[], upTo: Checkpoint): void {
    if (this.closed) return;
    for (const event of events) if (this.wants(event)) this.queue.push(event);
    this.seen = upTo;
    if (this.queue.length - this.head > (this.options.maxPending ?? 10_000)) return this.end("too-slow");
    if (!this.catchingUp) void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (!this.closed && this.head < this.queue.length) {
        const event = this.queue[this.head++] as StoredEvent;
        if (this.head > 1024 && this.head * 2 > this.queue.length) {
          this.queue = this.queue.slice(this.head);
          this.head = 0;
        }
        if (this.floor === undefined || isAfter(event, this.floor)) await this.deliver(event);
        this.advance(event);
      }
      if (this.seen !== undefined) this.advance(this.seen);
    } catch (error) {
      this.end("unavailable", error);
    } finally {
      this.draining = false;
    }
    // Events heard while the last one was being read.
    if (!this.closed && this.head < this.queue.length) void this.drain();
  }

  private advance(to: Checkpoint): void {
    if (this.position === undefined || isAfter(to, this.position)) this.position = checkpointOf(to);
  }

  /** The log from `since` up to `until` (where the feed took over), of this tenant and these channels. */
  private async catchUp(since: Checkpoint, until: Checkpoint): Promise<void> {
    const limit = this.options.catchUpBatch ?? 500;
    let after = since;
    while (!this.closed && this.wanted.size > 0) {
      const batch = await this.options.store.readCommitted({ after, limit, tenant: this.options.actor.tenant, streamTypes: [...this.wanted] });
      for (const event of batch) {
        if (isAfter(event, until)) return;
        if (this.wants(event)) await this.deliver(event);
        this.advance(event);
        after = event;
      }
      if (batch.length < limit) return;
    }
  }

  /**
   * Waits until an asynchronous view's projector has passed the position, so a client that
   * reads the rows on the notice finds the change; bounded, so a stopped projector delays
   * the client's other channels by at most projectorWaitMs.
   */
  private async projected(projector: string, position: Checkpoint): Promise<void> {
    const deadline = Date.now() + (this.options.projectorWaitMs ?? 5000);
    for (;;) {
      const known = this.projectors.get(projector);
      if (known !== undefined && !isAfter(position, known)) return;
      if (this.closed || Date.now() >= deadline) return;
      if (known !== undefined) await new Promise((resolve) => setTimeout(resolve, 50));
      this.projectors.set(projector, await this.options.store.loadCheckpoint(projector));
    }
  }

  /** Sends the event to each channel of the client that hears it and may see it. */
  private async deliver(event: StoredEvent): Promise<void> {
    const position = checkpointOf(event);
    const token = formatPosition(position);
    let row: Record<string, unknown> | undefined | null = null;
    for (const channel of [...this.channels.values()]) {
      if (this.closed) return;
      const source = channel.source;
      let message: LiveMessage;
      if (source.kind === "aggregate") {
        if (source.name !== event.streamType || (channel.id !== undefined && channel.id !== event.streamId)) continue;
        // Read once for all of the client's channels that hear this item.
        if (row === null) row = await source.read(this.options.actor, event.streamId, event.version);
        if (row === undefined) continue;
        message = { type: "changed", resource: source.name, id: event.streamId, version: event.version, event: event.type, position: token, data: row };
      } else {
        if (!source.fedBy.has(`${event.streamType}/${event.type}`)) continue;
        if (source.projector !== undefined) await this.projected(source.projector, position);
        message = { type: "view-changed", resource: source.name, event: event.type, position: token };
      }
      if (this.closed) return;
      if (!this.options.send({ channel: channel.name, message, position })) return this.end("too-slow");
    }
  }
}
