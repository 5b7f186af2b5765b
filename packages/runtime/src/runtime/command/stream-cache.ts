/**
 * The last known state of recently written streams, so a command can decide without
 * reading first: its write still carries the expected version, so a stale entry costs
 * one failed write and a reload, never a wrong result. Least recently used entries go first.
 */
export interface CachedStream {
  readonly version: number;
  /** Serialised: every use parses a fresh copy, so evolve code that mutates cannot corrupt it. */
  readonly stateJson: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly creator: string | null;
  readonly updater: string | null;
  /** Version of the latest snapshot under the current spec hash (0: none). */
  readonly snapshotVersion: number;
}

export class StreamCache {
  private readonly entries = new Map<string, CachedStream>();

  constructor(private readonly capacity: number) {}

  get(key: string): CachedStream | undefined {
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, entry: CachedStream): void {
    if (this.capacity <= 0) return;
    // A slow load finishing after a newer write must not bring back an older state.
    const known = this.entries.get(key);
    if (known !== undefined && known.version > entry.version) return;
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
