/**
 * @module ingest/steps/sql-guard
 * Checks user SQL (an `sql` step, a `filter` or `label` expression) before it runs: it must be one
 * SELECT, and it may read only the relation `input` (the current data), the pipeline's sources and
 * its own CTEs — no file readers (`read_csv('…')`, `'file.csv'`), no other tables. Reading a file
 * is a source's job: only sources are resolved against `data.roots` and digested for lineage.
 * Uses DuckDB's own parser (`json_serialize_sql`), so the check sees what DuckDB will run.
 */
import type { StepContext } from './step.js';
import { stepFailed } from './step.js';

/** Table functions that generate rows without reading anything. */
const ALLOWED_TABLE_FUNCTIONS = new Set(['range', 'generate_series', 'unnest']);
/** Scalar functions that read the environment or the machine. */
const DENIED_FUNCTIONS = new Set(['getenv', 'current_setting']);

interface AstNode {
  readonly [key: string]: unknown;
}

/** Throws STEP_FAILED unless `sql` is a single SELECT reading only allowed relations. */
export async function assertSafeSelect(ctx: StepContext, sql: string, what: string): Promise<void> {
  const r = await ctx.duck.query('SELECT json_serialize_sql(CAST($1 AS VARCHAR)) AS ast', [sql]);
  const ast = JSON.parse(String(r.rows[0].ast)) as {
    error: boolean;
    error_message?: string;
    statements?: unknown[];
  };
  if (ast.error) {
    const m = ast.error_message ?? 'does not parse';
    const notSelect = /Only SELECT statements/.test(m);
    throw stepFailed(
      ctx,
      notSelect ? `${what} must be a single SELECT query` : `${what}: ${m.split('\n')[0]}`,
    );
  }
  if (ast.statements?.length !== 1) {
    throw stepFailed(ctx, `${what} must be a single SELECT query`);
  }
  const ctes = new Set<string>();
  const tables: { schema: string; catalog: string; name: string }[] = [];
  const functions: { name: string; table: boolean }[] = [];
  walk(ast.statements[0], ctes, tables, functions);
  const allowed = new Set(['input', ...ctx.sources.map((s) => s.toLowerCase()), ...ctes]);
  for (const t of tables) {
    const qualified = t.catalog !== '' || (t.schema !== '' && t.schema.toLowerCase() !== 'temp');
    if (qualified || !allowed.has(t.name.toLowerCase())) {
      throw stepFailed(
        ctx,
        `${what} reads "${[t.catalog, t.schema, t.name].filter(Boolean).join('.')}"; it may read only input, the sources (${ctx.sources.join(', ')}) and its own CTEs — declare files as sources`,
        { relation: t.name },
      );
    }
  }
  for (const f of functions) {
    if (f.table ? !ALLOWED_TABLE_FUNCTIONS.has(f.name) : DENIED_FUNCTIONS.has(f.name)) {
      throw stepFailed(
        ctx,
        `${what} calls ${f.name}(); ${f.table ? 'table functions other than range, generate_series and unnest are not allowed — declare files as sources' : 'it is not allowed in pipeline SQL'}`,
        { function: f.name },
      );
    }
  }
}

function walk(
  node: unknown,
  ctes: Set<string>,
  tables: { schema: string; catalog: string; name: string }[],
  functions: { name: string; table: boolean }[],
): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, ctes, tables, functions);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const n = node as AstNode;
  if (n.type === 'BASE_TABLE') {
    tables.push({
      schema: String(n.schema_name ?? ''),
      catalog: String(n.catalog_name ?? ''),
      name: String(n.table_name ?? ''),
    });
  }
  if (n.type === 'TABLE_FUNCTION') {
    const fn = n.function as AstNode | undefined;
    functions.push({ name: String(fn?.function_name ?? '').toLowerCase(), table: true });
    // the function's own arguments are scanned below, but its node is not a scalar call
    for (const [key, value] of Object.entries(n))
      if (key !== 'function') walk(value, ctes, tables, functions);
    for (const child of (fn?.children as unknown[]) ?? []) walk(child, ctes, tables, functions);
    return;
  }
  if (n.class === 'FUNCTION' && typeof n.function_name === 'string') {
    functions.push({ name: n.function_name.toLowerCase(), table: false });
  }
  const cteMap = n.cte_map as { map?: { key: string }[] } | undefined;
  for (const entry of cteMap?.map ?? []) ctes.add(String(entry.key).toLowerCase());
  for (const value of Object.values(n)) walk(value, ctes, tables, functions);
}
