import { hash } from "../../model/lower.js";
import type { AggregateModel, DomainModel } from "../../model/model.js";
import { camelCase, humanise, identifiers } from "../../model/naming.js";
import { renderTemplate, templatesFingerprint } from "../../templates/render.js";
import type { GeneratedFile } from "../../write/plan.js";
import { domainSources, type EmitContext, type Emitter } from "../emitter.js";
import { generatedHeader } from "../header.js";
import { importSpecifier, layout } from "../paths.js";
import { aggregateView, lockedVersionsOf, memberLine } from "./aggregate-view.js";
import { externalView } from "./external-view.js";
import { viewsView } from "./views-view.js";
import { lookupsView } from "./lookups-view.js";
import { messagesView } from "./messages-view.js";
import { reactionsView, referencedDomains } from "./reactions-view.js";
import { reactionRole } from "@fluvius/runtime/internal/runtime/reactions/definition";
import { columnKind } from "../sql/read-model-table.js";
import { fieldDoc, optionalTypeDoc, propertyName, typeDoc } from "./type-expression.js";
import { arrayDoc, code, entriesDoc, fluid, huggedCallDoc, importDoc, type JsValue, print, printAfter, typeAliasDoc, valueDoc } from "../print.js";

/** Types, schemas, evolve, the command table and policies: one module per aggregate, a few per domain. */
export const typescriptEmitter: Emitter = {
  name: "typescript",
  emit(context) {
    const files: GeneratedFile[] = [];
    for (const domain of context.model.domains) files.push(...domainFiles(context, domain));
    const domains = context.model.domains.map((d) => ({ alias: `${camelCase(d.name)}Domain`, folder: layout.domainFolder(d.name) }));
    const input = hash([templatesFingerprint(), domains]);
    const header = generatedHeader([]);
    files.push({
      path: "index.ts",
      language: "typescript",
      input,
      render: () =>
        renderTemplate("typescript/root-index.ts.hbs", {
          header,
          imports: domains.map((d) => importDoc([`domain as ${d.alias}`], `./${d.folder}/index.js`)),
          declaration: print(["export const domains = ", arrayDoc(domains.map((d) => d.alias)), " as const;"]),
        }),
    });
    files.push(serviceFile(context, header));
    return files;
  },
};

/** service.ts: the part of fluvius.yaml a production service reads (the runtime's ServiceConfig), so it needs no YAML. */
function serviceFile(context: EmitContext, header: string): GeneratedFile {
  const { api, auth, database, integrations } = context.config;
  const serviceConfig = { api, auth, database: { urlEnv: database.urlEnv }, integrations };
  return {
    path: "service.ts",
    language: "typescript",
    input: hash([templatesFingerprint(), serviceConfig]),
    render: () =>
      renderTemplate("typescript/service.ts.hbs", {
        header,
        declaration: print(["export const serviceConfig: ServiceConfig = ", valueDoc(serviceConfig as unknown as JsValue), ";"]),
      }),
  };
}

function domainFiles(context: EmitContext, domain: DomainModel): GeneratedFile[] {
  const sources = domainSources(context, domain);
  const header = generatedHeader(sources);
  const domainInput = hash([templatesFingerprint(), sources, domain.specHash]);
  const folder = layout.domainFolder(domain.name);
  const files: GeneratedFile[] = [];
  const { generated, handlers } = context.config.output;
  const types = domain.types.map((t) => {
    const doc = fieldDoc({
      name: t.name,
      type: t.type,
      optional: false,
      hasDefault: false,
      pii: false,
      ...(t.description === undefined ? {} : { description: t.description }),
    });
    const base = { name: t.name, ...(doc === undefined ? {} : { doc }) };
    if (t.type.kind === "object") {
      return {
        ...base,
        fields: t.type.fields.map((f) => {
          const key = propertyName(f.name);
          return {
            key,
            optional: f.optional,
            member: f.optional ? memberLine(`${key}?`, optionalTypeDoc(f.type)) : memberLine(key, typeDoc(f.type)),
            doc: fieldDoc(f),
          };
        }),
      };
    }
    const declaration =
      t.type.kind === "enum"
        ? typeAliasDoc(
            `export type ${t.name}`,
            t.type.values.map((v) => JSON.stringify(v)),
          )
        : [`export type ${t.name} =`, fluid(typeDoc(t.type, false)), ";"];
    return { ...base, declaration: print(declaration) };
  });
  files.push({
    path: `${folder}/_types.ts`,
    language: "typescript",
    input: domainInput,
    render: () => renderTemplate("typescript/types.ts.hbs", { header, types }),
  });
  const rules = domain.rules.map((r) => ({
    role: r.role,
    allow: r.allow,
    ...(r.where.length === 0
      ? {}
      : { where: Object.fromEntries(r.where.map((w) => [w.field, w.value.kind === "actor" ? { actor: w.value.attribute } : { value: w.value.value }])) }),
  }));
  // A reaction's commands run under its own role; rules `{ reaction: … }` grant it (`<domain>.<name>` names another domain's).
  for (const r of domain.reactionRules) rules.push({ role: reactionRole(r.reaction), allow: r.allow });
  files.push({
    path: `${folder}/_policy.ts`,
    language: "typescript",
    input: domainInput,
    render: () =>
      renderTemplate("typescript/policy.ts.hbs", {
        header,
        rules: printAfter("export const rules: readonly PolicyRule[] = ", valueDoc(rules as unknown as JsValue), ";"),
      }),
  });
  files.push({
    path: layout.messagesModule(domain.name),
    language: "typescript",
    input: domainInput,
    render: () => renderTemplate("typescript/messages.ts.hbs", messagesView(domain, header)),
  });
  files.push({
    path: layout.lookupsModule(domain.name),
    language: "typescript",
    input: domainInput,
    render: () => renderTemplate("typescript/lookups.ts.hbs", lookupsView(domain, header)),
  });
  const hasExternals = domain.externals.length > 0;
  if (hasExternals) {
    files.push({
      path: layout.externalModule(domain.name),
      language: "typescript",
      input: domainInput,
      render: () => renderTemplate("typescript/external.ts.hbs", externalView(domain, header)),
    });
  }
  const hasViews = domain.views.length > 0;
  if (hasViews) {
    // Views read the types of other domains' aggregates: their specs are inputs too.
    const others = [...new Set(domain.views.flatMap((v) => v.sources.map((s) => s.on.domain)))]
      .filter((name) => name !== domain.name)
      .sort()
      .map((name) => context.model.domains.find((d) => d.name === name)?.specHash ?? name);
    const viewsPath = layout.viewsModule(domain.name);
    const projectorsImport = importSpecifier(`${generated}/${viewsPath}`, `${handlers}/${layout.projectorModule(domain.name)}`);
    files.push({
      path: viewsPath,
      language: "typescript",
      input: hash([templatesFingerprint(), sources, domain.specHash, others, projectorsImport]),
      render: () => renderTemplate("typescript/views.ts.hbs", viewsView(context.model, domain, header, projectorsImport)),
    });
  }
  const hasReactions = domain.reactions.length > 0;
  if (hasReactions) {
    const reactionsPath = layout.reactionsModule(domain.name);
    const reactorsImport = importSpecifier(`${generated}/${reactionsPath}`, `${handlers}/${layout.reactorModule(domain.name)}`);
    // Reactions read the types of other domains' events and actions: their specs are inputs too.
    const others = referencedDomains(domain).map((name) => context.model.domains.find((d) => d.name === name)?.specHash ?? name);
    files.push({
      path: reactionsPath,
      language: "typescript",
      input: hash([templatesFingerprint(), sources, domain.specHash, others, reactorsImport]),
      render: () => renderTemplate("typescript/reactions.ts.hbs", reactionsView({ model: context.model, domain, header, reactorsImport })),
    });
  }
  const aggregates = domain.aggregates.map((a) => ({
    alias: identifiers.definitionAlias(a.name),
    import: importDoc([`aggregate as ${identifiers.definitionAlias(a.name)}`], `./${a.name}.js`),
  }));
  files.push({
    path: `${folder}/index.ts`,
    language: "typescript",
    input: domainInput,
    render: () =>
      renderTemplate("typescript/domain-index.ts.hbs", {
        header,
        aggregates,
        definition: print([
          "export const domain = ",
          huggedCallDoc(
            "defineDomain",
            entriesDoc({
              name: domain.name,
              revision: domain.revision,
              description: domain.description ?? "",
              policy: code("policy"),
              aggregates: domain.aggregates.map((a) => ({ definition: code(identifiers.definitionAlias(a.name)), ...aggregateMeta(a) })),
              reactions: hasReactions ? code("reactions") : undefined,
              externals: hasExternals ? code("externals") : undefined,
              views: hasViews ? code("views") : undefined,
            }),
          ),
          ";",
        ]),
        hasReactions,
        hasExternals,
        hasViews,
      }),
  });
  // The domain-wide files come first: the index is the biggest file, and formatting it early
  // keeps one thread from finishing it alone at the end of a large generation.
  for (const aggregate of domain.aggregates) {
    const modulePath = layout.aggregateModule(domain.name, aggregate.name);
    const handlersImport = importSpecifier(`${generated}/${modulePath}`, `${handlers}/${layout.handlerModule(domain.name, aggregate.name)}`);
    // The module depends on its aggregate only (and the domain's name): a change elsewhere does not touch it.
    const lockedVersions = lockedVersionsOf(context.lock, domain.name, aggregate);
    const locked = Object.keys(lockedVersions).length === 0 ? [] : [JSON.stringify(lockedVersions)];
    const input = hash([templatesFingerprint(), sources, domain.name, aggregate.modelHash, handlersImport, ...locked]);
    files.push({
      path: modulePath,
      language: "typescript",
      input,
      render: () =>
        renderTemplate(
          "typescript/aggregate.ts.hbs",
          aggregateView({
            domain,
            aggregate,
            header: generatedHeader(sources),
            handlersImport,
            lockedVersions,
          }),
        ),
    });
  }
  return files;
}

/** What the API shows of an aggregate (`/_meta`, OpenAPI): titles, labels, descriptions, field kinds. */
function aggregateMeta(aggregate: AggregateModel): { readonly [key: string]: JsValue } {
  const fields = aggregate.state.map((f) => ({
    name: f.name,
    label: f.label ?? humanise(f.name),
    ...(f.description === undefined ? {} : { description: f.description }),
    kind: columnKind(f.type),
    ...(f.type.kind === "enum" ? { values: f.type.values } : {}),
    optional: f.optional,
    ...(f.pii ? { pii: true } : {}),
  }));
  const actions = Object.fromEntries(
    aggregate.actions.map((a) => [a.name, { label: humanise(a.name), ...(a.description === undefined ? {} : { description: a.description }) }]),
  );
  const meta = { title: humanise(aggregate.name), ...(aggregate.description === undefined ? {} : { description: aggregate.description }), fields, actions };
  return meta;
}
