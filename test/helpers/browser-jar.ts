/**
 * Just enough of a browser for a login: a cookie jar (by host name, as browsers share cookies
 * across ports; Max-Age=0 or an Expires in the past deletes), manual redirects, and submitting
 * the one form of an HTML page.
 */
export class Browser {
  private readonly jar = new Map<string, Map<string, string>>();

  /** Every Set-Cookie line received, for assertions on flags. */
  readonly setCookies: string[] = [];

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const cookies = [...(this.jar.get(target.hostname) ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`).join("; ");
    const headers = new Headers(init.headers);
    if (cookies !== "") headers.set("cookie", cookies);
    const response = await fetch(target, { ...init, headers, redirect: "manual" });
    for (const line of response.headers.getSetCookie()) this.store(target.hostname, line);
    return response;
  }

  /** Follows redirects (GET) from `url` until one leads to a URL starting with `stop`; returns that URL, or the page that is not a redirect. */
  async follow(url: string, stop: string): Promise<{ readonly url: string; readonly response?: Response }> {
    let current = url;
    for (let hops = 0; hops < 20; hops++) {
      if (current.startsWith(stop)) return { url: current };
      const response = await this.request(current);
      const location = response.headers.get("location");
      if (location === null) return { url: current, response };
      await response.body?.cancel();
      current = new URL(location, current).href;
    }
    throw new Error(`More than 20 redirects from ${url}.`);
  }

  /** Posts the page's form with its hidden fields plus `fields`; returns the redirect's target. */
  async submit(pageUrl: string, html: string, fields: Readonly<Record<string, string>>): Promise<string> {
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (action === undefined) throw new Error(`No form on ${pageUrl}:\n${html.slice(0, 500)}`);
    const body = new URLSearchParams();
    for (const input of html.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
      const name = /name="([^"]+)"/.exec(input[0])?.[1];
      if (name !== undefined) body.set(name, /value="([^"]*)"/.exec(input[0])?.[1] ?? "");
    }
    for (const [k, v] of Object.entries(fields)) body.set(k, v);
    const target = new URL(action.replaceAll("&amp;", "&"), pageUrl).href;
    const response = await this.request(target, { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded" } });
    const location = response.headers.get("location");
    if (location === null) throw new Error(`The form of ${pageUrl} answered ${response.status}: ${(await response.text()).slice(0, 500)}`);
    return new URL(location, target).href;
  }

  cookie(hostname: string, name: string): string | undefined {
    return this.jar.get(hostname)?.get(name);
  }

  private store(hostname: string, line: string): void {
    const [pair = "", ...attributes] = line.split(";").map((part) => part.trim());
    const at = pair.indexOf("=");
    const name = pair.slice(0, at);
    const value = pair.slice(at + 1);
    this.setCookies.push(line);
    const cookies = this.jar.get(hostname) ?? new Map<string, string>();
    this.jar.set(hostname, cookies);
    const expired = attributes.some((a) => /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && Date.parse(a.slice(8)) <= Date.now()));
    if (expired || value === "") cookies.delete(name);
    else cookies.set(name, value);
  }
}
