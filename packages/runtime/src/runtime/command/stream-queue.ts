/**
 * Runs commands on the same stream one at a time within this process. Without it, N
 * concurrent requests on one hot aggregate all decide on the same version, N-1 lose the
 * optimistic-concurrency race, reload and retry, and under enough load some run out of
 * attempts and answer 409 although the caller asked for no expected version. Queued, they
 * each decide on the state the previous one left (usually straight from the stream cache).
 * Writers in other processes are still caught by the version check and retried.
 */
export class StreamQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    const result = previous === undefined ? task() : previous.then(task, task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    // The last task of a stream removes the entry, so idle streams cost nothing.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
