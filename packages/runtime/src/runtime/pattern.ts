import type { RegExpEngine } from "ajv/dist/types/index.js";
import { RE2JS } from "re2js";

/**
 * The `pattern` of a spec field, matched in time linear in the input. JavaScript's RegExp
 * backtracks: `^(a+)+$` against forty a's and a `!` runs for hours, and a spec's pattern is
 * matched against its defaults by `validate` and against every payload by the server. RE2
 * (here its pure-JavaScript port, re2js) never backtracks, at the price of the features that
 * need it: lookarounds and backreferences, which are refused.
 *
 * A pattern must also be valid ECMAScript (with the `u` flag), the dialect of JSON Schema and
 * OpenAPI that clients of the API check payloads with.
 */
export type PatternCheck =
  { readonly ok: true; readonly pattern: LinearPattern } | { readonly ok: false; readonly problem: "invalid" | "unsupported"; readonly detail: string };

export interface LinearPattern {
  /** Whether the pattern matches somewhere in `text` (a search, as in JSON Schema). */
  test(text: string): boolean;
}

const checked = new Map<string, PatternCheck>();

/** Compiles a spec pattern once; the same source always gives the same answer. */
export function checkPattern(source: string): PatternCheck {
  let result = checked.get(source);
  if (result === undefined) {
    result = compile(source);
    checked.set(source, result);
  }
  return result;
}

function compile(source: string): PatternCheck {
  try {
    // Only compiled, never run: JavaScript's parser tells whether this is ECMAScript.
    new RegExp(source, "u");
  } catch (error) {
    return { ok: false, problem: "invalid", detail: error instanceof Error ? error.message : String(error) };
  }
  const scanned = scan(source);
  if (typeof scanned !== "string") return { ok: false, problem: "unsupported", detail: `${scanned.feature} is not supported` };
  try {
    const re2 = RE2JS.compile(RE2JS.translateRegExp(scanned));
    return { ok: true, pattern: { test: (text) => re2.test(text) } };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, problem: "unsupported", detail: message.replace(/^error parsing regexp: /, "") };
  }
}

/**
 * Finds what RE2 cannot do (re2js would misread a backreference `\k<name>` as the letters
 * `k<name>`), and spells a surrogate pair `\uD83D\uDE00` as the one code point `\u{1F600}`
 * it stands for (RE2 matches code points, not UTF-16 halves). `source` is valid ECMAScript.
 */
function scan(source: string): string | { feature: string } {
  let out = "";
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === "\\") {
      const next = source[i + 1] ?? "";
      if (!inClass && (next === "k" || (next >= "1" && next <= "9"))) return { feature: `a backreference \`\\${next}\`` };
      const pair = /^u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})/i.exec(source.slice(i + 1, i + 13));
      if (pair) {
        const codePoint = String.fromCharCode(parseInt(pair[1]!, 16), parseInt(pair[2]!, 16)).codePointAt(0)!;
        out += `\\u{${codePoint.toString(16)}}`;
        i += 12;
        continue;
      }
      out += ch + next;
      i++;
      continue;
    }
    if (inClass) {
      if (ch === "]") inClass = false;
    } else if (ch === "[") {
      inClass = true;
    } else if (ch === "(" && source[i + 1] === "?") {
      const kind =
        source.startsWith("(?=", i) || source.startsWith("(?!", i)
          ? "a lookahead"
          : source.startsWith("(?<=", i) || source.startsWith("(?<!", i)
            ? "a lookbehind"
            : undefined;
      if (kind !== undefined) return { feature: `${kind} \`${source.slice(i, i + (kind === "a lookahead" ? 3 : 4))}\`` };
    }
    out += ch;
  }
  return out;
}

/**
 * The engine ajv compiles `pattern` keywords with (its `code.regExp` option). Patterns that
 * RE2 cannot run never reach it from a spec (`validate` refuses them); a hand-written schema
 * with one is a programming error, reported when the schema is compiled.
 */
export const linearRegExp: RegExpEngine = Object.assign(
  (source: string, flags: string) => {
    const result = checkPattern(source);
    if (!result.ok) throw new Error(`Pattern ${JSON.stringify(source)} cannot be matched in linear time: ${result.detail}.`);
    return { test: (text: string) => result.pattern.test(text), toString: () => `/${source}/${flags}` };
  },
  // Only read by ajv's standalone code generation, which the runtime does not use.
  { code: "linearRegExp" },
);
