/**
 * Is `hostname` this machine (localhost, 127.0.0.0/8, ::1)? There plain http is fine and a
 * cookie need not be Secure: browsers treat loopback as a secure context, and nothing crosses a network.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  return host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/** An https URL, or http on loopback. */
export function isSafeUrl(url: URL): boolean {
  return url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname));
}
