import { type Actor, assertTenant } from "../actor.js";
import type { ColumnKind, ReadModelDefinition } from "../definition.js";
import { ForbiddenError } from "../errors.js";
import type { Policy } from "../policy.js";
import type { Item } from "../read-model.js";
import { itemOfRow, itemSelectList } from "../store/item-rows.js";
import { listRows } from "../store/list-sql.js";
import type { EventStore } from "../store/types.js";
import { filterKindOf, isSystemField, type QueryField, storedOf, SYSTEM_FIELDS } from "./fields.js";
import { type ListPage, type ListRequest, selectionOf } from "./request.js";

/** A state field as lists read it: the domain metadata's (AggregateMeta.fields) or a read-model column's. */
export interface StateField {
  readonly name: string;
  readonly kind: ColumnKind;
  /** An enum's values. */
  readonly values?: readonly string[];
}

/** An item of a list: every field, or those `include`/`exclude` chose (the id always). */
export type ListedItem<S> = Partial<Item<S>> & { readonly _id: string };

/** What a list of an aggregate may filter, sort and return: the system fields, then the state fields in order. */
export function aggregateQueryFields(readModel: ReadModelDefinition, fields: readonly StateField[]): QueryField[] {
  const columns = new Map(readModel.columns.map((c) => [c.field, c]));
  return [
    ...SYSTEM_FIELDS,
    ...fields.map((f) => ({
      name: f.name,
      column: columns.get(f.name)?.column ?? f.name,
      kind: filterKindOf(f.kind),
      ...storedOf(f.kind),
      ...(f.kind === "integer" || f.kind === "number" || f.kind === "decimal" ? { numeric: f.kind } : {}),
      ...(f.values ? { values: f.values } : {}),
      ...(columns.get(f.name)?.notNull ? { notNull: true as const } : {}),
    })),
  ];
}

/** Without the metadata's fields: the read model's columns, enums compared as text (their values are not known). */
function columnFields(readModel: ReadModelDefinition): StateField[] {
  return readModel.columns.map((c) => ({ name: c.field, kind: c.kind === "enum" ? "string" : c.kind }));
}

/**
 * The `list` of an aggregate service: `<aggregate>:read`, within the actor's tenant, only
 * the rows the policy's `where` lets the actor read (the same rules `get` checks on one state).
 */
export function aggregateLister<S>(
  store: EventStore,
  definition: { readonly domain: string; readonly aggregate: string; readonly readModel?: ReadModelDefinition },
  policy: Policy,
  stateFields?: readonly StateField[],
): (actor: Actor, request?: ListRequest) => Promise<ListPage<ListedItem<S>>> {
  const permission = `${definition.aggregate}:read`;
  const readModel = definition.readModel;
  const fields = readModel === undefined ? [] : aggregateQueryFields(readModel, stateFields ?? columnFields(readModel));
  const names = fields.map((f) => f.name);
  const integers = new Set(fields.filter((f) => !isSystemField(f.name) && f.numeric === "integer").map((f) => f.name));
  const columns = itemSelectList(fields);

  return async (actor, request = {}) => {
    assertTenant(actor?.tenant);
    if (readModel === undefined) throw new Error(`Aggregate ${definition.domain}.${definition.aggregate} has no read model; regenerate the code.`);
    if (!policy.mayAllow(actor, permission)) throw new ForbiddenError(permission);
    const selection = selectionOf(request, names, ["_id"]);
    const page = await listRows(store.database, {
      table: readModel,
      columns: selection === undefined ? columns : itemSelectList(fields, selection),
      fields,
      tenant: actor.tenant,
      access: policy.filter(actor, permission),
      request,
    });
    // A row holds the read model's columns of S, selected and spelled as the item: typed at this one boundary.
    return { ...page, rows: page.rows.map((row) => itemOfRow(integers, row) as ListedItem<S>) };
  };
}
