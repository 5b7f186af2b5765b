/**
 * Splits an SQL script into statements, knowing PostgreSQL's quoting: '…' (and E'…' with
 * backslash escapes), "…", $tag$…$tag$, -- and nested /* *\/ comments. Used only to say
 * WHICH statement of a failed migration PostgreSQL refused; migrations themselves run as
 * one script, exactly as written.
 */
export interface Statement {
  readonly text: string;
  /** Offset in the script of the statement's first character (after whitespace and comments). */
  readonly offset: number;
}

export function splitStatements(script: string): Statement[] {
  const statements: Statement[] = [];
  let start = -1; // first significant character of the current statement
  let i = 0;
  const n = script.length;
  const begin = (at: number) => {
    if (start === -1) start = at;
  };
  while (i < n) {
    const c = script[i] as string;
    const next = script[i + 1];
    if (c === "-" && next === "-") {
      const end = script.indexOf("\n", i);
      i = end === -1 ? n : end + 1;
    } else if (c === "/" && next === "*") {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (script[i] === "/" && script[i + 1] === "*") {
          depth++;
          i += 2;
        } else if (script[i] === "*" && script[i + 1] === "/") {
          depth--;
          i += 2;
        } else i++;
      }
    } else if (c === "'") {
      begin(i);
      const escapes = i > 0 && /[eE]/.test(script[i - 1] ?? "") && !/[A-Za-z0-9_]/.test(script[i - 2] ?? "");
      i++;
      while (i < n) {
        if (escapes && script[i] === "\\") i += 2;
        else if (script[i] === "'" && script[i + 1] === "'") i += 2;
        else if (script[i] === "'") break;
        else i++;
      }
      i++;
    } else if (c === '"') {
      begin(i);
      i++;
      while (i < n && !(script[i] === '"' && script[i + 1] !== '"')) i += script[i] === '"' ? 2 : 1;
      i++;
    } else if (c === "$" && !/[A-Za-z0-9_]/.test(script[i - 1] ?? "")) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(script.slice(i));
      begin(i);
      if (tag) {
        const end = script.indexOf(tag[0], i + tag[0].length);
        i = end === -1 ? n : end + tag[0].length;
      } else {
        i++;
      }
    } else if (c === ";") {
      if (start !== -1) statements.push({ text: script.slice(start, i + 1), offset: start });
      start = -1;
      i++;
    } else {
      if (!/\s/.test(c)) begin(i);
      i++;
    }
  }
  if (start !== -1 && script.slice(start).trim() !== "") statements.push({ text: script.slice(start), offset: start });
  return statements;
}

/** 1-based line and column of an offset. */
export function positionAt(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split("\n");
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

export interface TransactionControl {
  /** As PostgreSQL spells it, e.g. `START TRANSACTION`. */
  readonly keyword: string;
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

/**
 * Statements that end or open a transaction: `migrate up` runs each migration in one
 * transaction, and a COMMIT in the file would make the part before it permanent with no
 * record of it. Only top-level statements count: a DO block or a function body is a
 * dollar-quoted string (PostgreSQL itself refuses a COMMIT there inside a transaction).
 */
export function findTransactionControl(script: string): TransactionControl[] {
  const found: TransactionControl[] = [];
  let atomicBody = false;
  for (const statement of splitStatements(script)) {
    const words = /^([A-Za-z]+)(?:\s+([A-Za-z]+))?/.exec(statement.text);
    const first = words?.[1]?.toUpperCase();
    const second = words?.[2]?.toUpperCase();
    // `BEGIN ATOMIC … END` (an SQL-standard function body) splits into pieces; its END is not a COMMIT.
    if (/\bBEGIN\s+ATOMIC\b/i.test(statement.text)) atomicBody = true;
    let keyword: string | undefined;
    if (first === "BEGIN" || first === "COMMIT" || first === "ROLLBACK" || first === "ABORT" || first === "SAVEPOINT" || first === "RELEASE") keyword = first;
    else if (first === "END") keyword = atomicBody ? undefined : first;
    else if ((first === "START" || first === "PREPARE") && second === "TRANSACTION") keyword = `${first} TRANSACTION`;
    if (first === "END") atomicBody = false;
    if (keyword !== undefined) found.push({ keyword, offset: statement.offset, ...positionAt(script, statement.offset) });
  }
  return found;
}

/**
 * The UTF-16 offset of the `characters`-th character of `text`. PostgreSQL's error positions
 * count characters; a JavaScript string counts UTF-16 units, two for each astral character
 * (an emoji in a comment would otherwise shift every later position).
 */
export function offsetOfCharacter(text: string, characters: number): number {
  let offset = 0;
  for (let seen = 0; seen < characters && offset < text.length; seen++) {
    const code = text.charCodeAt(offset);
    offset += code >= 0xd800 && code <= 0xdbff && offset + 1 < text.length ? 2 : 1;
  }
  return offset;
}
