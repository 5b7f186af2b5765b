import { type Actor, assertTenant, isUuid } from "../actor.js";
import { ForbiddenError, NotFoundError } from "../errors.js";
import type { Policy } from "../policy.js";
import { listRows } from "../store/list-sql.js";
import type { EventStore } from "../store/types.js";
import { isIntegerColumn, readViewRow, viewRowOf, viewSelectList } from "../store/view-rows.js";
import { parseInstant } from "../time.js";
import type { ViewColumn, ViewDefinition } from "../views/definition.js";
import { InvalidQueryError } from "./errors.js";
import { filterKindOf, type QueryField, storedOf } from "./fields.js";
import { type ListPage, type ListRequest, selectionOf } from "./request.js";

/** Reads a view's rows as the API serves them (docs/views.md): `<view>:read`, within the actor's tenant, narrowed by the policy's `where`. */
export interface ViewReader {
  readonly view: ViewDefinition;
  /** What a list may filter, sort and return: the key parts, `_version`, `_updated`, then the fields. */
  readonly fields: readonly QueryField[];
  /** Rows with the filter language, sort and pages (default: most recently updated first). */
  list(actor: Actor, request?: ListRequest): Promise<ListPage<Record<string, unknown>>>;
  /** The row of a key, one text per key part (checked against its type: a 400 naming it); a row the policy hides is a 404 like a missing one. */
  get(actor: Actor, key: readonly string[]): Promise<Record<string, unknown>>;
}

export function createViewReader(store: EventStore, view: ViewDefinition, policy: Policy): ViewReader {
  const permission = `${view.name}:read`;
  const fields = viewQueryFields(view);
  const names = fields.map((f) => f.name);
  const keyFields = view.table.key.map((k) => k.field);
  const order = { newestFirst: "_updated", unique: view.table.key.map((k) => k.column) };

  const authorize = (actor: Actor) => {
    assertTenant(actor?.tenant);
    if (!policy.mayAllow(actor, permission)) throw new ForbiddenError(permission);
  };

  return {
    view,
    fields,
    async list(actor, request = {}) {
      authorize(actor);
      const selection = selectionOf(request, names, keyFields);
      const page = await listRows(store.database, {
        table: view.table,
        columns: viewSelectList(view.table, selection),
        fields,
        tenant: actor.tenant,
        access: policy.filter(actor, permission),
        request,
        order,
      });
      return { ...page, rows: page.rows.map((row) => viewRowOf(view.table, row)) };
    },
    async get(actor, key) {
      authorize(actor);
      const typed = view.table.key.map((column, i) => keyValue(column, key[i] ?? ""));
      const row = await readViewRow(store.database, { table: view.table, fields, tenant: actor.tenant, key: typed, access: policy.filter(actor, permission) });
      // A row the policy hides is as absent as one that does not exist.
      if (!row) throw new NotFoundError(typed.join("/"));
      return row;
    },
  };
}

function numericOf(column: ViewColumn): QueryField["numeric"] {
  if (isIntegerColumn(column)) return "integer";
  if (column.sqlType === "double precision") return "number";
  return column.sqlType.startsWith("numeric") ? "decimal" : undefined;
}

export function viewQueryFields(view: ViewDefinition): QueryField[] {
  const field = (c: ViewColumn): QueryField => {
    const numeric = numericOf(c);
    return {
      name: c.field,
      column: c.column,
      kind: filterKindOf(c.kind),
      ...storedOf(c.kind),
      ...(numeric === undefined ? {} : { numeric }),
      ...(c.values ? { values: c.values } : {}),
      ...(c.notNull ? { notNull: true as const } : {}),
    };
  };
  return [
    // Key parts make the primary key: never NULL, whether or not an older generated definition says so.
    ...view.table.key.map((c) => ({ ...field(c), notNull: true as const })),
    { name: "_version", column: "_version", kind: "number", numeric: "integer", notNull: true },
    { name: "_updated", column: "_updated", kind: "datetime", notNull: true },
    ...view.table.columns.map(field),
  ];
}

/** A key part as text, checked against its column's type (a 400 naming it, never a database error). */
function keyValue(column: ViewColumn, text: string): string {
  const t = column.sqlType;
  const ok =
    t === "text" ||
    (t === "uuid" && isUuid(text)) ||
    ((t === "bigint" || t === "integer") && /^-?\d{1,15}$/.test(text)) ||
    ((t === "double precision" || t.startsWith("numeric")) && /^-?\d{1,30}(\.\d{1,30})?$/.test(text)) ||
    (t === "date" && /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`))) ||
    (t === "timestamp with time zone" && parseInstant(text) !== undefined) ||
    (t === "boolean" && (text === "true" || text === "false"));
  if (!ok)
    throw new InvalidQueryError(`'${text}' is not a ${t === "text" ? "text" : t} for the key part '${column.field}'.`, {
      parameter: column.field,
      value: text,
    });
  return t === "timestamp with time zone" ? (parseInstant(text) ?? text) : text;
}
