import { parse, protocol, type PGlite } from "@electric-sql/pglite";

type BackendMessage = Parameters<typeof parse.parseResults>[0][number];

interface Prepared {
  readonly name: string;
  /** Parameter types PostgreSQL inferred at Parse: the values are serialised for them. */
  readonly parameterTypes: readonly number[];
  /** The statement's row description (absent when it returns no rows), to decode data rows. */
  readonly rowDescription: BackendMessage | undefined;
}

const serialize = protocol.serialize;

/** Statement names are unique in the process, so two wrappers of one PGlite instance never clash. */
let named = 0;

/** What `PGlite.query` adds to a database error, so errors read the same on both paths. */
function decorate(error: unknown, text: string, params: readonly unknown[]): unknown {
  if (typeof error === "object" && error !== null && "code" in error) Object.assign(error, { query: text, params });
  return error;
}

function isResultTypeChange(error: unknown): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as { code?: unknown }).code === "0A000" &&
    String((error as { message?: unknown }).message).includes("cached plan must not change result type")
  );
}

/**
 * Named prepared statements on PGlite, as the pg driver does on a server (db/pg.ts):
 * PostgreSQL parses and plans a statement text once per database session instead of on every
 * call. `PGlite.query` always uses the unnamed statement, so every call re-parses and
 * re-plans, and for the event store's statements (CTEs writing four tables) that is most of
 * the cost. This speaks the same extended protocol PGlite's `query` speaks (Bind, Execute,
 * Sync; the values serialised and the rows parsed with the instance's own serializers and
 * parsers), under PGlite's query lock, so other users of the instance never interleave.
 *
 * The cache is bounded (least recently used statements are closed), since callers may send
 * many distinct texts (list queries with literal limits, say). A statement whose result type
 * changed under it (a migration altered a column) is re-prepared once.
 */
export class PreparedStatements {
  private readonly statements = new Map<string, Prepared>();

  constructor(
    private readonly db: PGlite,
    private readonly capacity = 256,
  ) {}

  query<R extends object>(text: string, params: readonly unknown[]): Promise<R[]> {
    return this.db.runExclusive(async () => {
      try {
        return await this.run<R>(text, params);
      } catch (error) {
        if (!isResultTypeChange(error)) throw decorate(error, text, params);
        await this.forget(text);
        if (this.db.isInTransaction()) throw decorate(error, text, params);
        return this.run<R>(text, params).catch((again: unknown) => Promise.reject(decorate(again, text, params)));
      }
    });
  }

  private exec(message: Uint8Array) {
    return this.db.execProtocol(message, { syncToFs: false });
  }

  /** Runs `messages` then Sync (also after an error, which ends the failed extended-protocol exchange). */
  private async exchange(messages: readonly Uint8Array[]): Promise<BackendMessage[]> {
    const results: BackendMessage[] = [];
    try {
      for (const message of messages) results.push(...(await this.exec(message)).messages);
    } finally {
      await this.exec(serialize.sync());
    }
    return results;
  }

  private async prepare(text: string): Promise<Prepared> {
    const name = `fluvius_${++named}`;
    const described = await this.exchange([serialize.parse({ name, text }), serialize.describe({ type: "S", name })]);
    const parameters = described.find((m) => m.name === "parameterDescription") as { dataTypeIDs?: number[] } | undefined;
    const prepared: Prepared = {
      name,
      parameterTypes: parameters?.dataTypeIDs ?? [],
      rowDescription: described.find((m) => m.name === "rowDescription"),
    };
    this.statements.set(text, prepared);
    if (this.statements.size > this.capacity) {
      const [oldest] = this.statements.keys();
      if (oldest !== undefined) await this.forget(oldest);
    }
    return prepared;
  }

  private async forget(text: string): Promise<void> {
    const prepared = this.statements.get(text);
    if (!prepared) return;
    this.statements.delete(text);
    await this.exchange([serialize.close({ type: "S", name: prepared.name })]).catch(() => undefined);
  }

  private async run<R extends object>(text: string, params: readonly unknown[]): Promise<R[]> {
    let prepared = this.statements.get(text);
    if (prepared) {
      // Most recently used last: eviction takes the first.
      this.statements.delete(text);
      this.statements.set(text, prepared);
    } else {
      prepared = await this.prepare(text);
    }
    const { parameterTypes } = prepared;
    const values = params.map((value, i) => {
      if (value === null || value === undefined) return null;
      const type = parameterTypes[i];
      const serializer = type === undefined ? undefined : this.db.serializers[type];
      return serializer ? serializer(value) : String(value);
    });
    const messages = await this.exchange([serialize.bind({ statement: prepared.name, values }), serialize.execute({})]);
    if (!this.db.isInTransaction()) await this.db.syncToFs();
    const described = prepared.rowDescription ? [prepared.rowDescription, ...messages] : messages;
    return (parse.parseResults(described, this.db.parsers)[0]?.rows ?? []) as R[];
  }
}
