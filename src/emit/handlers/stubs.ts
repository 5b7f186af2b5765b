import type { AggregateModel, DomainModel } from "../../model/model.js";
import { identifiers } from "../../model/naming.js";
import { renderTemplate } from "../../templates/render.js";
import { memberViews, type ActionView, type LockedVersions } from "../typescript/aggregate-view.js";
import { reactorStubViews } from "../typescript/reactions-view.js";
import { callDoc, type Doc, importDoc, objectDoc, parametersDoc, print, statement, WIDTH } from "../print.js";

/**
 * How a stub's `export const <name>: types.<Type> = (<parameter>) => {` is laid out, as
 * prettier does: on its line when it fits up to where the parameters could break, else the
 * function goes on the next line, indented, and so does its body (`pad`).
 */
interface StubLayout {
  readonly signature: string;
  readonly pad: "" | "  ";
  /** A statement of the body, printed at the body's indentation. */
  body(doc: Doc): string;
}

function stubLayout(name: string, type: string, parameter: "" | "state" | "data" | "{ payload }"): StubLayout {
  const head = `export const ${name}: types.${type}`;
  const parameters: Doc = parameter === "{ payload }" ? ["(", objectDoc(["payload"]), ")"] : parametersDoc(parameter === "" ? [] : [parameter]);
  const first = parameter === "{ payload }" ? "({" : parameter === "" ? "() => {" : "(";
  const fits = `${head} = ${first}`.length <= WIDTH;
  const pad = fits ? "" : "  ";
  const signature = fits ? statement([head, " = ", parameters, " => {"]) : `${head} =\n  ${print([parameters, " => {"], { base: 2, at: 2 })}`;
  return { signature, pad, body: (doc) => print(doc, { base: 2 + pad.length, at: 2 + pad.length }) };
}

/** `throw new HandlerNotImplementedError("<name>", "<module>");` */
function notImplemented(name: string, modulePath: string): Doc {
  return ["throw new ", callDoc(NOT_IMPLEMENTED, [JSON.stringify(name), JSON.stringify(modulePath)]), ";"];
}

/** What every stub template gets: the laid-out signature, the padding of its body, the `throw` when it has one. */
function stubParts(layout: StubLayout, throwing?: { name: string; modulePath: string }) {
  return {
    signature: layout.signature,
    pad: layout.pad,
    close: `${layout.pad}};`,
    // Handlebars is strict: every key a template names is there ("" when the stub does not throw).
    notImplemented: throwing === undefined ? "" : layout.body(notImplemented(throwing.name, throwing.modulePath)),
  };
}

/** A function the hand-written module must export, with the stub that starts it. */
export interface Stub {
  readonly name: string;
  readonly kind: "handler" | "evolver" | "upcaster" | "reactor" | "projector";
  readonly text: string;
  /** Values the stub imports from @fluvius/runtime. */
  readonly runtimeImports: readonly string[];
}

/** What an unwritten handler stub throws (the API answers 501 naming the function and file). */
export const NOT_IMPLEMENTED = "HandlerNotImplementedError";
export const RUNTIME_MODULE = "@fluvius/runtime";

/** Every stub an aggregate's hand-written module (at `modulePath`, from the project's root) needs, in spec order. */
export function stubsFor(aggregate: AggregateModel, modulePath: string, lockedVersions: LockedVersions = {}): Stub[] {
  const view = memberViews(aggregate, lockedVersions);
  const stubs: Stub[] = view.actions.map((a) => ({
    name: a.handlerFunction,
    kind: "handler",
    text: actionStub(a, modulePath),
    runtimeImports: a.stub.body === undefined ? [NOT_IMPLEMENTED] : [],
  }));
  for (const event of view.events) {
    if (event.handwritten) {
      const layout = stubLayout(event.evolverFunction, event.evolverType, "");
      const text = renderTemplate("handlers/evolve-stub.ts.hbs", { ...event, ...stubParts(layout, { name: event.evolverFunction, modulePath }) }).trimEnd();
      // Throws until written, as a handler stub does: returning the state unchanged would drop the event's effect silently.
      stubs.push({ name: event.evolverFunction, kind: "evolver", text, runtimeImports: [NOT_IMPLEMENTED] });
    }
    for (const step of event.upcasters) {
      stubs.push({
        name: step.function,
        kind: "upcaster",
        text: renderTemplate("handlers/upcaster-stub.ts.hbs", {
          ...step,
          name: event.name,
          ...stubParts(step.typed ? stubLayout(step.function, step.stepType, "") : stubLayout(step.function, event.upcasterType, "data"), {
            name: step.function,
            modulePath,
          }),
        }).trimEnd(),
        // A typed step's stub throws until written: an identity would pass old data off as new.
        runtimeImports: step.typed ? [NOT_IMPLEMENTED] : [],
      });
    }
  }
  return stubs;
}

/** An action's handler stub: it builds the event from the payload, or throws until written. */
function actionStub(action: ActionView, modulePath: string): string {
  const layout = stubLayout(action.handlerFunction, action.handlerType, action.stub.parameters);
  const { body } = action.stub;
  return renderTemplate("handlers/action-stub.ts.hbs", {
    ...action,
    ...stubParts(layout, body === undefined ? { name: action.handlerFunction, modulePath } : undefined),
    body: body === undefined ? "" : layout.body(body),
  }).trimEnd();
}

/** A new hand-written module with every stub. */
export function freshHandlerModule(domain: DomainModel, aggregate: AggregateModel, typesImport: string, stubs: readonly Stub[]): string {
  return renderTemplate("handlers/aggregate.ts.hbs", {
    domain: domain.name,
    aggregate: aggregate.name,
    typesImport,
    runtimeImport: runtimeImportLine(stubs),
    hasEvolvers: stubs.some((s) => s.kind === "evolver"),
    hasUpcasters: stubs.some((s) => s.kind === "upcaster"),
    stubs: stubs.map((s) => s.text),
  });
}

/** The stubs of a domain's hand-written reactors (at `modulePath`, from the project's root): one per `handler: true` reaction. */
export function reactorStubsFor(domain: DomainModel, modulePath: string): Stub[] {
  return reactorStubViews(domain).map((r) => ({
    name: r.function,
    kind: "reactor",
    text: renderTemplate("handlers/reactor-stub.ts.hbs", {
      ...r,
      ...stubParts(stubLayout(r.function, r.type, ""), { name: r.function, modulePath }),
    }).trimEnd(),
    runtimeImports: [NOT_IMPLEMENTED],
  }));
}

/** A new hand-written reactors module with every stub. */
export function freshReactorModule(domain: DomainModel, typesImport: string, stubs: readonly Stub[]): string {
  return renderTemplate("handlers/reactors.ts.hbs", {
    domain: domain.name,
    commandType: identifiers.domainCommandUnion(domain.name),
    typesImport,
    runtimeImport: runtimeImportLine(stubs),
    stubs: stubs.map((s) => s.text),
  });
}

/** The stubs of a domain's hand-written projectors: one per `handler: true` view, in spec order. */
export function projectorStubsFor(domain: DomainModel, modulePath: string): Stub[] {
  return projectorStubViews(domain).map((p) => ({
    name: p.function,
    kind: "projector",
    text: renderTemplate("handlers/projector-stub.ts.hbs", {
      ...p,
      ...stubParts(stubLayout(p.function, p.type, ""), { name: p.function, modulePath }),
    }).trimEnd(),
    runtimeImports: [NOT_IMPLEMENTED],
  }));
}

/** What a projector stub says: its function, its generated signature, and a doc line. */
export function projectorStubViews(domain: DomainModel): { readonly view: string; readonly function: string; readonly type: string; readonly doc: string }[] {
  return domain.views
    .filter((v) => v.handler)
    .map((v) => {
      const sources = v.sources.map((s) =>
        s.on.domain === domain.name ? `${s.on.aggregate}.${s.on.event}` : `${s.on.domain}.${s.on.aggregate}.${s.on.event}`,
      );
      const description = v.description?.trim().replace(/\.$/, "");
      const doc = `\`${v.name}\`${description ? `: ${description}` : ""} (fed by ${sources.join(", ")})`.replace(/\*\//g, "*\\/");
      return { view: v.name, function: identifiers.projector(v.name), type: identifiers.projectorType(v.name), doc };
    });
}

/** A new hand-written projectors module with every stub. */
export function freshProjectorModule(domain: DomainModel, typesImport: string, stubs: readonly Stub[]): string {
  return renderTemplate("handlers/projectors.ts.hbs", {
    domain: domain.name,
    typesImport,
    runtimeImport: runtimeImportLine(stubs),
    stubs: stubs.map((s) => s.text),
  });
}

/** `import { HandlerNotImplementedError } from "@fluvius/runtime";` when the stubs need it, else "". */
export function runtimeImportLine(stubs: readonly Stub[]): string {
  const names = [...new Set(stubs.flatMap((s) => s.runtimeImports))].sort();
  return names.length === 0 ? "" : importDoc(names, RUNTIME_MODULE);
}
