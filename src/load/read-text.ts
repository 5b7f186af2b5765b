import type { DiagnosticCollector } from "../diagnostics/collector.js";
import { wholeFile } from "../diagnostics/diagnostic.js";
import { type Host, HostError } from "../host/host.js";
import type { TextFile } from "../parse/source-file.js";

/** Spec files are small; a huge file is a mistake or an attack on CI. */
export const DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024;

export interface ReadOptions {
  readonly maxFileBytes?: number;
}

/** Reads and decodes one file; undefined (with a diagnostic) when it is not UTF-8 text. */
export async function readTextFile(
  host: Host,
  path: string,
  displayPath: string,
  diagnostics: DiagnosticCollector,
  options: ReadOptions = {},
): Promise<TextFile | undefined> {
  const limit = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const stat = await host.stat(path);
  if (stat && stat.size > limit) {
    diagnostics.report("file-too-large", { size: formatBytes(stat.size), limit: formatBytes(limit) }, wholeFile(displayPath));
    return undefined;
  }
  let bytes: Uint8Array;
  try {
    bytes = await host.readFile(path);
  } catch (error) {
    if (!(error instanceof HostError)) throw error;
    diagnostics.report("file-unreadable", { reason: error.reason }, wholeFile(displayPath));
    return undefined;
  }
  if (bytes.byteLength > limit) {
    diagnostics.report("file-too-large", { size: formatBytes(bytes.byteLength), limit: formatBytes(limit) }, wholeFile(displayPath));
    return undefined;
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    diagnostics.report("binary-file", {}, rangeOfByte(bytes, nul, displayPath));
    return undefined;
  }
  const invalidAt = firstInvalidUtf8(bytes);
  if (invalidAt !== -1) {
    diagnostics.report("invalid-encoding", {}, rangeOfByte(bytes, invalidAt, displayPath));
    return undefined;
  }
  let text = new TextDecoder("utf-8").decode(bytes);
  if (text.startsWith("\uFEFF")) text = text.slice(1); // a UTF-8 byte-order mark is allowed and dropped
  return { path, displayPath, text };
}

/** The 1-based line and column of a byte, counting columns in UTF-16 units like editors do. */
function rangeOfByte(bytes: Uint8Array, offset: number, file: string) {
  const before = new TextDecoder("utf-8").decode(bytes.subarray(0, offset));
  const lines = before.split("\n");
  const line = lines.length;
  const column = (lines[lines.length - 1]?.length ?? 0) + 1;
  return { file, start: { line, column }, end: { line, column: column + 1 } };
}

/** Byte offset of the first invalid UTF-8 sequence, or -1. Follows the Unicode "maximal subpart" rules. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    let need: number;
    let min: number;
    let max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = b === 0xe0 ? 0xa0 : 0x80;
      if (b === 0xed) max = 0x9f; // no UTF-16 surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = b === 0xf0 ? 0x90 : 0x80;
      if (b === 0xf4) max = 0x8f; // nothing above U+10FFFF
    } else {
      return i;
    }
    const second = bytes[i + 1];
    if (second === undefined || second < min || second > max) return i;
    for (let k = 2; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}
