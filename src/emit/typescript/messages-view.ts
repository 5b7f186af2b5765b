import type { DomainModel } from "../../model/model.js";
import { identifiers } from "../../model/naming.js";
import { importSpecifier, layout } from "../paths.js";
import { type ModuleImport, moduleAliases } from "./reactions-view.js";
import { statement, typeAliasDoc } from "../print.js";
import { typeLiteralDoc } from "./type-expression.js";

/** What messages.ts.hbs prints: the domain's event union and command union. */
export interface MessagesView {
  readonly header: string;
  readonly domain: string;
  readonly modules: readonly ModuleImport[];
  readonly eventUnionDeclaration: string;
  readonly commandUnionDeclaration: string;
}

export function messagesView(domain: DomainModel, header: string): MessagesView {
  const used = domain.aggregates.filter((a) => a.events.length > 0 || a.actions.length > 0);
  const aliases = moduleAliases(domain, new Set(used.map((a) => `${domain.name}/${a.name}`)));
  const alias = (aggregate: string) => aliases.get(`${domain.name}/${aggregate}`) ?? "";
  const events = domain.aggregates.filter((a) => a.events.length > 0).map((a) => `${alias(a.name)}.${identifiers.eventUnion(a.name)}`);
  const commands = domain.aggregates.flatMap((a) =>
    a.actions.map((action) => {
      const literal = JSON.stringify(action.name);
      return typeLiteralDoc([
        `readonly aggregate: ${JSON.stringify(a.name)}`,
        `readonly action: ${literal}`,
        "readonly streamId?: string",
        `readonly payload: ${alias(a.name)}.${identifiers.payloadMap(a.name)}[${literal}]`,
      ]);
    }),
  );
  return {
    header,
    domain: domain.name,
    modules: used.map((a) => ({
      alias: alias(a.name),
      from: importSpecifier(layout.messagesModule(domain.name), layout.aggregateModule(domain.name, a.name)),
    })),
    eventUnionDeclaration: statement(typeAliasDoc(`export type ${identifiers.domainEventUnion(domain.name)}`, events.length === 0 ? ["never"] : events)),
    commandUnionDeclaration: statement(
      typeAliasDoc(`export type ${identifiers.domainCommandUnion(domain.name)}`, commands.length === 0 ? ["never"] : commands),
    ),
  };
}
