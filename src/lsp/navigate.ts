import { ErrorCodes, ResponseError } from "vscode-languageserver";
import type {
  DefinitionParams,
  Location,
  PrepareRenameParams,
  Range,
  ReferenceParams,
  RenameParams,
  TextDocumentPositionParams,
  WorkspaceEdit,
  TextEdit,
} from "vscode-languageserver";
import { pathToUri, uriToPath } from "./convert.js";
import { namePattern } from "./schema-nav.js";
import type { SymbolIndex } from "./symbol-index.js";
import type { Occurrence, SymbolKind } from "./symbols.js";
import type { Workspace } from "./workspace.js";

/** The symbol under the cursor, and the project's index to look it up in. */
export async function symbolAt(workspace: Workspace, p: TextDocumentPositionParams): Promise<{ occurrence: Occurrence; index: SymbolIndex } | undefined> {
  const path = uriToPath(p.textDocument.uri);
  if (path === undefined) return undefined;
  const { index } = await workspace.projectFor(path);
  const file = index.file(path);
  if (!file) return undefined;
  const offset = offsetOf(file.text, p.position.line, p.position.character);
  const occurrence = index.at(path, offset);
  return occurrence && { occurrence, index };
}

export function offsetOf(text: string, line: number, character: number): number {
  let offset = 0;
  for (let l = 0; l < line; l++) {
    const next = text.indexOf("\n", offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  const lineEnd = text.indexOf("\n", offset);
  return Math.min(offset + character, lineEnd < 0 ? text.length : lineEnd);
}

export function rangeOf(index: SymbolIndex, o: { path: string; start: number; end: number }): Range {
  const counter = index.lineCounterOf(o.path);
  const pos = (offset: number) => {
    const { line, col } = counter?.linePos(offset) ?? { line: 1, col: 1 };
    return { line: line - 1, character: col - 1 };
  };
  return { start: pos(o.start), end: pos(o.end) };
}

function location(index: SymbolIndex, o: Occurrence): Location {
  return { uri: pathToUri(o.path), range: rangeOf(index, o) };
}

export async function definition(workspace: Workspace, p: DefinitionParams): Promise<Location[] | null> {
  const found = await symbolAt(workspace, p);
  if (!found) return null;
  const declarations = found.index.declarations(found.occurrence.key);
  return declarations.length === 0 ? null : declarations.map((o) => location(found.index, o));
}

export async function references(workspace: Workspace, p: ReferenceParams): Promise<Location[] | null> {
  const found = await symbolAt(workspace, p);
  if (!found) return null;
  return found.index
    .occurrences(found.occurrence.key)
    .filter((o) => p.context.includeDeclaration || !o.declaration)
    .map((o) => location(found.index, o));
}

export async function prepareRename(workspace: Workspace, p: PrepareRenameParams): Promise<{ range: Range; placeholder: string } | null> {
  const found = await symbolAt(workspace, p);
  if (!found) return null;
  return { range: rangeOf(found.index, found.occurrence), placeholder: found.occurrence.symbol.name };
}

const NAME_DEFS: Record<SymbolKind, string> = {
  type: "typeName",
  aggregate: "resourceName",
  action: "actionName",
  event: "actionName",
  external: "actionName",
  field: "fieldName",
  payload: "fieldName",
  input: "fieldName",
  role: "roleName",
};

/** Renames the declaration and every reference, in every file of the project. */
export async function rename(workspace: Workspace, p: RenameParams): Promise<WorkspaceEdit | null> {
  const found = await symbolAt(workspace, p);
  if (!found) return null;
  // A name the schema would refuse is refused here, before it is written into every file.
  const rule = namePattern(NAME_DEFS[found.occurrence.symbol.kind]);
  if (rule && (!rule.pattern.test(p.newName) || (rule.maxLength !== undefined && p.newName.length > rule.maxLength)))
    throw new ResponseError(ErrorCodes.InvalidParams, `'${p.newName}' is not a valid name here. ${rule.description ?? ""}`.trim());
  const changes: Record<string, TextEdit[]> = {};
  for (const o of found.index.occurrences(found.occurrence.key)) {
    (changes[pathToUri(o.path)] ??= []).push({ range: rangeOf(found.index, o), newText: p.newName });
  }
  return { changes };
}
