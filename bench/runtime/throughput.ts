/** The load generator: `clients` concurrent loops, each awaiting one operation at a time. */
export type Op = () => Promise<void>;

export interface Throughput {
  readonly count: number;
  readonly ms: number;
  readonly perSecond: number;
}

/**
 * Runs every loop until `seconds` have passed (an operation started before the deadline
 * finishes), and counts completed operations over the time until the last loop stopped.
 * Any failing operation fails the run: the bench never counts errors as work.
 */
export async function throughput(ops: readonly Op[], seconds: number): Promise<Throughput> {
  let count = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  await Promise.all(
    ops.map(async (op) => {
      while (performance.now() < deadline) {
        await op();
        count++;
      }
    }),
  );
  const ms = performance.now() - start;
  return { count, ms, perSecond: (count * 1000) / ms };
}

/** Runs `total` tasks with at most `concurrency` at a time; results in task order. */
export async function inParallel<T>(total: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(total);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, total)) }, async () => {
      while (next < total) {
        const i = next++;
        results[i] = await task(i);
      }
    }),
  );
  return results;
}

/** Splits items over `clients` (item i to client i % clients): no two clients share one. */
export function partition<T>(items: readonly T[], clients: number): T[][] {
  const out = Array.from({ length: clients }, () => [] as T[]);
  items.forEach((item, i) => out[i % clients]!.push(item));
  if (out.some((part) => part.length === 0)) throw new RangeError(`${items.length} items cannot be split over ${clients} clients`);
  return out;
}

/** An op that cycles through `items`, calling `fn` on the next one each time. */
export function cycling<T>(items: readonly T[], fn: (item: T) => Promise<unknown>): Op {
  let i = 0;
  return async () => {
    const item = items[i++ % items.length]!;
    await fn(item);
  };
}

/**
 * Calls `step` (a reader's pass, returning how many events it handled) until `events` are
 * handled. The commit fence holds events back while any older transaction on the server is
 * still open, another database's too, so on a shared server one pass may stop short.
 */
export async function readAll(events: number, step: () => Promise<number>, what: string, timeoutMs = 60_000): Promise<number> {
  const end = performance.now() + timeoutMs;
  let done = await step();
  while (done < events) {
    if (performance.now() > end) throw new Error(`${what} handled ${done} of ${events} events within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 1));
    done += await step();
  }
  if (done !== events) throw new Error(`${what} handled ${done} of ${events} events`);
  return done;
}
