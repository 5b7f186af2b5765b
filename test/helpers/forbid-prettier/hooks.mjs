/** Module resolution hook: prettier (and anything under it) may not be loaded. */
export async function resolve(specifier, context, nextResolve) {
  if (specifier === "prettier" || specifier.startsWith("prettier/")) {
    throw new Error(`prettier was loaded (import of ${JSON.stringify(specifier)} from ${context.parentURL ?? "?"})`);
  }
  return nextResolve(specifier, context);
}
