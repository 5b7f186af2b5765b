import { distance } from "fastest-levenshtein";

/** The closest candidate to a misspelled name, or undefined when nothing is close enough. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    // Same letters in another case or with other separators: the best possible match.
    const d = normalise(candidate) === normalise(name) ? 0 : distance(lower, candidate.toLowerCase());
    if (d < bestDistance || (d === bestDistance && best !== undefined && candidate < best)) {
      best = candidate;
      bestDistance = d;
    }
  }
  // Short names tolerate one typo; longer ones a third of their length ("stat" → "status").
  const allowed = name.length <= 3 ? 1 : Math.max(2, Math.floor(name.length / 3));
  return bestDistance <= allowed ? best : undefined;
}

function normalise(s: string): string {
  return s.toLowerCase().replace(/[-_]/g, "");
}

/** " Did you mean 'x'?" or "", ready to append to a message. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const match = closest(name, candidates);
  return match === undefined ? "" : ` Did you mean '${match}'?`;
}
