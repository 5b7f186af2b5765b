import { drainReactions, viewStatus, viewsOf, type DomainDefinition, type EventStore, type ReactionWorkerOptions } from "@fluvius/runtime";

/**
 * Runs the workers until every asynchronous view has caught up with the log. One drain is not
 * enough on a shared PostgreSQL server: the commit fence waits for the oldest transaction of
 * the whole cluster, so another test's open transaction can hold back events already committed.
 */
export async function drainUntilViewsCaughtUp(
  store: EventStore,
  options: { readonly domains: readonly DomainDefinition[] } & Partial<ReactionWorkerOptions>,
): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt++) {
    await drainReactions(store, { retryDelayMs: 5, ...options });
    const statuses = await viewStatus(store, viewsOf(options.domains));
    if (statuses.every((s) => s.lag === 0)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("The asynchronous views did not catch up within 20 s.");
}
