import type { SourceFile } from "ts-morph";
import { runtimeImportLine, RUNTIME_MODULE, type Stub } from "./stubs.js";

/** The result of merging stubs into a hand-written module. */
export interface MergeResult {
  /** The module afterwards: the original text, byte for byte, plus what was added. */
  readonly text: string;
  /** Stubs that were appended. */
  readonly added: readonly string[];
  /** Exported handler-like functions (or reactors) the spec no longer asks for: reported, never deleted. */
  readonly orphans: readonly { readonly name: string; readonly line: number; readonly column: number }[];
}

const HANDWRITTEN_NAME = /^(handle|evolve|upcast)[A-Z0-9]/;

/** Which exported names of an aggregate's module are handler-like (reported when the spec no longer asks for them). */
export const isHandlerLike = (name: string): boolean => HANDWRITTEN_NAME.test(name);

/** A reactor is recognised by its signature from the generated module (`: types.<Name>Reactor`), as its stub declares it. */
export const isReactorLike = (_name: string, text: string): boolean => /:\s*types\.[A-Za-z0-9_$]+Reactor\b/.test(text);

/** A projector, likewise (`: types.<Name>Projector`). */
export const isProjectorLike = (_name: string, text: string): boolean => /:\s*types\.[A-Za-z0-9_$]+Projector\b/.test(text);

type TsMorph = typeof import("ts-morph");
let tsMorph: Promise<TsMorph> | undefined;

/** ts-morph loads the TypeScript compiler (slow): only when a module really needs merging. */
function loadTsMorph(): Promise<TsMorph> {
  tsMorph ??= import("ts-morph");
  return tsMorph;
}

/**
 * Appends the stubs the module lacks and adds the namespace import they use when it is
 * missing. Existing text is never changed: additions are inserted, nothing is rewritten.
 */
export async function mergeStubs(
  existing: string,
  stubs: readonly Stub[],
  typesImport: string,
  format: (text: string) => Promise<string> = async (text) => text,
  handwritten: (name: string, text: string) => boolean = isHandlerLike,
): Promise<MergeResult> {
  const { Project } = await loadTsMorph();
  const project = new Project({ useInMemoryFileSystem: true, skipFileDependencyResolution: true });
  const source = project.createSourceFile("/module.ts", existing);
  const exported = exportedDeclarations(source);
  const expected = new Set(stubs.map((s) => s.name));
  const missing = stubs.filter((s) => !exported.has(s.name));

  let text = existing;
  if (missing.length > 0) {
    const lines: string[] = [];
    // What the new stubs use from the runtime and the module does not import yet.
    const runtimeLine = runtimeImportLine(
      missing.map((s) => ({ ...s, runtimeImports: s.runtimeImports.filter((name) => !importsRuntimeValue(source, name)) })),
    );
    if (runtimeLine !== "") lines.push(runtimeLine);
    if (!hasTypesImport(source, typesImport)) lines.push(`import type * as types from ${JSON.stringify(typesImport)};`);
    if (lines.length > 0) {
      const lastImport = source.getImportDeclarations().at(-1);
      const at = lastImport ? lastImport.getEnd() : 0;
      const block = lines.join("\n");
      text = at === 0 ? `${block}\n${text}` : `${text.slice(0, at)}\n${block}${text.slice(at)}`;
    }
    const separator = text.endsWith("\n\n") ? "" : text.endsWith("\n") ? "\n" : "\n\n";
    const added = await Promise.all(missing.map(async (s) => (await format(s.text)).trimEnd()));
    text = `${text}${separator}${added.join("\n\n")}\n`;
  }

  const orphans = [...exported.entries()]
    .filter(([name, node]) => handwritten(name, node.text) && !expected.has(name))
    .map(([name, node]) => ({ name, ...node.position }))
    .sort((a, b) => a.line - b.line);
  return { text, added: missing.map((s) => s.name), orphans };
}

interface Declared {
  readonly text: string;
  readonly position: { readonly line: number; readonly column: number };
}

/** Exported functions and variables of the module, by name. */
function exportedDeclarations(source: SourceFile): Map<string, Declared> {
  const found = new Map<string, Declared>();
  const at = (node: { getStart(): number }) => {
    const { line, column } = source.getLineAndColumnAtPos(node.getStart());
    return { line, column };
  };
  for (const fn of source.getFunctions()) {
    const name = fn.getName();
    if (name !== undefined && fn.isExported()) found.set(name, { text: fn.getText(), position: at(fn) });
  }
  for (const statement of source.getVariableStatements()) {
    if (!statement.isExported()) continue;
    for (const declaration of statement.getDeclarations()) found.set(declaration.getName(), { text: statement.getText(), position: at(declaration) });
  }
  for (const exportDeclaration of source.getExportDeclarations()) {
    for (const specifier of exportDeclaration.getNamedExports()) {
      const name = specifier.getAliasNode()?.getText() ?? specifier.getName();
      found.set(name, { text: specifier.getText(), position: at(specifier) });
    }
  }
  return found;
}

function hasTypesImport(source: SourceFile, specifier: string): boolean {
  return source.getImportDeclarations().some((d) => d.getModuleSpecifierValue() === specifier && d.getNamespaceImport()?.getText() === "types");
}

function importsRuntimeValue(source: SourceFile, name: string): boolean {
  return source
    .getImportDeclarations()
    .some(
      (d) =>
        d.getModuleSpecifierValue() === RUNTIME_MODULE &&
        !d.isTypeOnly() &&
        d.getNamedImports().some((n) => (n.getAliasNode()?.getText() ?? n.getName()) === name && !n.isTypeOnly()),
    );
}
