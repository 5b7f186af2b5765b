import type { FastifyInstance, FastifyRequest } from "fastify";
import { isUuid } from "../../runtime/actor.js";
import type { DomainDefinition } from "../../runtime/domain.js";
import { ForbiddenError, NotFoundError } from "../../runtime/errors.js";
import { parseInstant } from "../../runtime/time.js";
import type { ViewColumn, ViewDefinition } from "../../runtime/views/definition.js";
import { InvalidQueryError } from "../query/errors.js";
import { filterKindOf, type QueryField } from "../query/fields.js";
import { buildListQuery, pagination, type ListParameters } from "../query/list-query.js";
import { parseSelection } from "../query/selection.js";
import { accessSql, Params, quote } from "../query/sql.js";
import type { RequestContext } from "../server.js";

/**
 * Views served like aggregates (docs/views.md): `GET {base}/{domain}.{view}/` lists rows with
 * the filter language, sort and pages; `GET {base}/{domain}.{view}/{key…}` one row (one path
 * segment per key part). Always within the actor's tenant, narrowed by the policy's `where`
 * for `<view>:read`.
 */
export function registerViews(app: FastifyInstance, domains: readonly DomainDefinition[], context: RequestContext): void {
  for (const domain of domains) {
    for (const view of domain.views ?? []) {
      const base = `${context.basePath}/${domain.name}.${view.name}`;
      const permission = `${view.name}:read`;
      const fields = queryFields(view);
      const names = fields.map((f) => f.name);
      const keyColumns = view.table.key.map((k) => k.column);

      const authorize = async (request: FastifyRequest) => {
        const { actor } = await context.authenticate(request);
        if (!domain.policy.mayAllow(actor, permission)) throw new ForbiddenError(permission);
        return actor;
      };

      app.get(`${base}/`, async (request) => {
        const actor = await authorize(request);
        const parameters = request.query as ListParameters;
        const selection = parseSelection(parameters, names);
        const sql = buildListQuery({
          table: view.table,
          columns: selectList(view, selection),
          fields,
          tenant: actor.tenant,
          access: domain.policy.filter(actor, permission),
          parameters,
          order: { default: `"_updated" DESC`, unique: keyColumns },
        });
        const database = context.store.database;
        const [rows, counted] = await Promise.all([
          database.query<Record<string, unknown>>(sql.select, sql.selectParams),
          database.query<{ total: number }>(sql.count, sql.params),
        ]);
        return { data: rows.map((row) => rowOf(view, row)), pagination: pagination(Number(counted[0]?.total ?? 0), sql.limit, sql.page) };
      });

      const itemPath = `${base}/${view.table.key.map((_, i) => `:k${i}`).join("/")}`;
      app.get(itemPath, async (request) => {
        const actor = await authorize(request);
        const params = request.params as Readonly<Record<string, string>>;
        const key = view.table.key.map((column, i) => keyValue(column, params[`k${i}`] ?? ""));
        const p = new Params();
        const where = [`"_tenant" = ${p.add(actor.tenant)}`, ...view.table.key.map((c, i) => `${quote(c.column)} = ${p.add(key[i])}::text::${c.sqlType}`)];
        const access = accessSql(domain.policy.filter(actor, permission), new Map(fields.map((f) => [f.name, f])), p);
        if (access !== undefined) where.push(`(${access})`);
        const [row] = await context.store.database.query<Record<string, unknown>>(
          `SELECT ${selectList(view)} FROM ${quote(view.table.schema)}.${quote(view.table.table)} WHERE ${where.join(" AND ")}`,
          p.values,
        );
        // A row the policy hides is as absent as one that does not exist.
        if (!row) throw new NotFoundError(key.join("/"));
        return rowOf(view, row);
      });
    }
  }
}

function numericOf(column: ViewColumn): QueryField["numeric"] {
  if (column.sqlType === "bigint" || column.sqlType === "integer") return "integer";
  if (column.sqlType === "double precision") return "number";
  return column.sqlType.startsWith("numeric") ? "decimal" : undefined;
}

export function queryFields(view: ViewDefinition): QueryField[] {
  const field = (c: ViewColumn): QueryField => {
    const numeric = numericOf(c);
    return { name: c.field, column: c.column, kind: filterKindOf(c.kind), ...(numeric === undefined ? {} : { numeric }), ...(c.values ? { values: c.values } : {}) };
  };
  return [
    ...view.table.key.map(field),
    { name: "_version", column: "_version", kind: "number", numeric: "integer" },
    { name: "_updated", column: "_updated", kind: "datetime" },
    ...view.table.columns.map(field),
  ];
}

/** The SELECT list: decimals as exact text, dates as YYYY-MM-DD, ids as text (as aggregates' rows). */
function selectList(view: ViewDefinition, only?: ReadonlySet<string>): string {
  const keep = (name: string) => only === undefined || only.has(name) || view.table.key.some((k) => k.field === name);
  const expression = (c: ViewColumn) => {
    const source = quote(c.column);
    if (c.sqlType.startsWith("numeric") || c.sqlType === "uuid") return `${source}::text AS ${quote(c.field)}`;
    if (c.sqlType === "date") return `to_char(${source}, 'YYYY-MM-DD') AS ${quote(c.field)}`;
    return `${source} AS ${quote(c.field)}`;
  };
  return [
    ...view.table.key.map(expression),
    ...(keep("_version") ? [`"_version"`] : []),
    ...(keep("_updated") ? [`"_updated"`] : []),
    ...view.table.columns.filter((c) => keep(c.field)).map(expression),
  ].join(", ");
}

/** A row as the API returns it: key parts and system fields, then the fields without NULLs; integers as numbers, times as ISO. */
function rowOf(view: ViewDefinition, row: Record<string, unknown>): Record<string, unknown> {
  const integers = new Set([...view.table.key, ...view.table.columns].filter((c) => numericOf(c) === "integer").map((c) => c.field));
  const item: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (value === null) continue;
    if (value instanceof Date) item[key] = value.toISOString();
    else if (typeof value === "bigint" || (typeof value === "string" && integers.has(key))) item[key] = Number(value);
    else item[key] = value;
  }
  return item;
}

/** A key part from the URL, checked against its column's type (a 400 naming it, never a database error). */
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
  if (!ok) throw new InvalidQueryError(`'${text}' is not a ${t === "text" ? "text" : t} for the key part '${column.field}'.`, { parameter: column.field, value: text });
  return t === "timestamp with time zone" ? (parseInstant(text) ?? text) : text;
}
