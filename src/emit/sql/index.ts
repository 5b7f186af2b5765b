/** The SQL emitter: read-model tables and their DDL (migrations are built on it in src/migrate). */
export {
  readModelTable,
  readModelTables,
  columnKind,
  sqlTypeOf,
  defaultSql,
  SYSTEM_COLUMNS,
  NUMERIC_PRECISION,
  type ReadModelTable,
  type TableColumn,
  type TableIndex,
} from "./read-model-table.js";
export { systemColumnBackfill } from "./system-backfill.js";
export { viewTable } from "./view-table.js";
export {
  createTableSql,
  createIndexSql,
  uniqueGuardSql,
  UNIQUE_DUPLICATES_SQLSTATE,
  columnDefinition,
  checkConstraint,
  checkExpression,
  tableName,
} from "./ddl.js";
export {
  quoteIdent,
  quoteLiteral,
  qualified,
  derivedName,
  commentText,
  identifierProblem,
  reservedSchemaReason,
  POSTGRES_SYSTEM_COLUMNS,
  MAX_IDENTIFIER_BYTES,
} from "./identifiers.js";
