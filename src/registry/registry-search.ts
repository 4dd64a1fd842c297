/**
 * @module registry/registry-search
 * Search over models and model versions with the filter grammar of `search-filter.ts`, paged by
 * keyset (models by name; versions by model name, then version), so pages never skip or repeat a
 * row even while rows are added. Filter values are always bound as SQL parameters.
 */
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import { KilnError } from '../core/errors.js';
import type { Dialect } from '../store/metadata-store.js';
import type { Database } from '../store/schema.js';
import { toModelVersion, toRegisteredModel } from './model-rows.js';
import { decodePageToken, encodePageToken, parsePageSize } from './page-token.js';
import type { RegistryService } from './registry-service.js';
import type { ModelVersion, Page, RegisteredModel } from './registry-types.js';
import {
  type FilterClause,
  type FilterTarget,
  formatFilter,
  parseFilter,
  validateFilterFor,
} from './search-filter.js';

export interface SearchQuery {
  readonly filter?: string | undefined;
  readonly page_size?: string | number | undefined;
  readonly page_token?: string | undefined;
}

type VersionEB = ExpressionBuilder<Database & { v: Database['model_versions'] }, 'v'>;
type ModelEB = ExpressionBuilder<Database & { m: Database['models'] }, 'm'>;

function prepare(query: SearchQuery, target: FilterTarget, scope: readonly FilterClause[] = []) {
  const clauses = [...scope, ...(query.filter?.trim() ? parseFilter(query.filter) : [])];
  validateFilterFor(clauses, target);
  const canonical = formatFilter(clauses);
  const pageSize = parsePageSize(query.page_size ?? undefined);
  const after = query.page_token ? decodePageToken(query.page_token, canonical).k : null;
  // A token from the other search (same filter) decodes fine but holds the other kind of key.
  if (after && !fitsTarget(after, target)) {
    const reason = `not a token of a ${target} search; start again without a page token`;
    throw new KilnError('INVALID_PAGE_TOKEN', `page_token: ${reason}`, { field: 'page_token' });
  }
  return { clauses, canonical, pageSize, after };
}

/** Versions page by `[model name, version]`, models by `[name]`. */
function fitsTarget(key: readonly unknown[], target: FilterTarget): boolean {
  if (typeof key[0] !== 'string') return false;
  return target === 'models' ? key.length === 1 : key.length === 2 && Number.isSafeInteger(key[1]);
}

/** Model versions matching the filter (and the fixed `scope` clauses), ordered by model name then version. */
export async function searchVersions(
  registry: RegistryService,
  query: SearchQuery,
  scope: readonly FilterClause[] = [],
): Promise<Page<ModelVersion>> {
  const { clauses, canonical, pageSize, after } = prepare(query, 'versions', scope);
  const dialect = registry.deps.store.dialect;
  let q = registry.deps.store.db.selectFrom('model_versions as v').selectAll('v');
  for (const c of clauses) q = q.where((eb) => versionClause(eb as unknown as VersionEB, c, dialect));
  if (after) {
    const [name, version] = after as [string, number];
    q = q.where((eb) =>
      eb.or([
        eb('v.model_name', '>', name),
        eb.and([eb('v.model_name', '=', name), eb('v.version', '>', version)]),
      ]),
    );
  }
  const rows = await q
    .orderBy('v.model_name')
    .orderBy('v.version')
    .limit(pageSize + 1)
    .execute();
  const pageRows = rows.slice(0, pageSize);
  const aliases = await aliasesFor(
    registry,
    pageRows.map((r) => r.model_name),
  );
  const items = pageRows.map((r) =>
    toModelVersion(
      r,
      aliases.filter((a) => a.model_name === r.model_name && a.version === r.version).map((a) => a.alias),
    ),
  );
  const last = pageRows[pageRows.length - 1];
  return rows.length > pageSize && last
    ? { items, nextPageToken: encodePageToken({ k: [last.model_name, last.version], f: canonical }) }
    : { items };
}

/** Registered models matching the filter, ordered by name. */
export async function searchModels(
  registry: RegistryService,
  query: SearchQuery,
): Promise<Page<RegisteredModel>> {
  const { clauses, canonical, pageSize, after } = prepare(query, 'models');
  const dialect = registry.deps.store.dialect;
  const db = registry.deps.store.db;
  let q = db.selectFrom('models as m').selectAll('m');
  for (const c of clauses) q = q.where((eb) => modelClause(eb as unknown as ModelEB, c, dialect));
  if (after) q = q.where('m.name', '>', String(after[0]));
  const rows = await q
    .orderBy('m.name')
    .limit(pageSize + 1)
    .execute();
  const pageRows = rows.slice(0, pageSize);
  const names = pageRows.map((r) => r.name);
  const aliases = await aliasesFor(registry, names);
  const latest =
    names.length === 0
      ? []
      : await db
          .selectFrom('model_versions')
          .select(['model_name', (eb) => eb.fn.max('version').as('v')])
          .where('model_name', 'in', names)
          .groupBy('model_name')
          .execute();
  const items = pageRows.map((r) =>
    toRegisteredModel(
      r,
      Object.fromEntries(aliases.filter((a) => a.model_name === r.name).map((a) => [a.alias, a.version])),
      latest.find((l) => l.model_name === r.name)?.v ?? null,
    ),
  );
  const last = pageRows[pageRows.length - 1];
  return rows.length > pageSize && last
    ? { items, nextPageToken: encodePageToken({ k: [last.name], f: canonical }) }
    : { items };
}

async function aliasesFor(registry: RegistryService, names: readonly string[]) {
  if (names.length === 0) return [];
  return registry.deps.store.db
    .selectFrom('model_aliases')
    .select(['model_name', 'alias', 'version'])
    .where('model_name', 'in', [...new Set(names)])
    .execute();
}

/** `json_extract` on SQLite, `->>` on PostgreSQL; the key is bound, never spliced. */
function tagValue(column: string, key: string, dialect: Dialect) {
  return dialect === 'postgres'
    ? sql<string | null>`(${sql.ref(column)}::jsonb ->> ${key})`
    : sql<string | null>`json_extract(${sql.ref(column)}, ${`$."${key}"`})`;
}

/** Case-sensitive prefix test that needs no LIKE escaping and ignores collations. */
function startsWith(column: string, prefix: string) {
  return sql<SqlBool>`substr(${sql.ref(column)}, 1, ${prefix.length}) = ${prefix}`;
}

function versionClause(eb: VersionEB, c: FilterClause, dialect: Dialect): Expression<SqlBool> {
  switch (c.field) {
    case 'name':
      if (c.op === '^=') return startsWith('v.model_name', c.value);
      return eb('v.model_name', c.op === '=' ? '=' : '<>', c.value);
    case 'tag': {
      const value = tagValue('v.tags_json', c.key, dialect);
      return c.op === '='
        ? eb(value, '=', c.value)
        : eb.or([eb(value, 'is', null), eb(value, '<>', c.value)]);
    }
    case 'alias':
      return eb.exists(
        eb
          .selectFrom('model_aliases as a')
          .select('a.alias')
          .whereRef('a.model_name', '=', 'v.model_name')
          .whereRef('a.version', '=', 'v.version')
          .where('a.alias', '=', c.value),
      );
    case 'status':
      return eb('v.status', c.op === '=' ? '=' : '<>', c.value);
    case 'version':
      return eb('v.version', c.op, c.value);
    case 'owner':
      return eb.exists(
        eb
          .selectFrom('models as o')
          .select('o.name')
          .whereRef('o.name', '=', 'v.model_name')
          .where('o.owner', '=', c.value),
      );
  }
}

function modelClause(eb: ModelEB, c: FilterClause, dialect: Dialect): Expression<SqlBool> {
  switch (c.field) {
    case 'name':
      if (c.op === '^=') return startsWith('m.name', c.value);
      return eb('m.name', c.op === '=' ? '=' : '<>', c.value);
    case 'tag': {
      const value = tagValue('m.tags_json', c.key, dialect);
      return c.op === '='
        ? eb(value, '=', c.value)
        : eb.or([eb(value, 'is', null), eb(value, '<>', c.value)]);
    }
    case 'alias':
      return eb.exists(
        eb
          .selectFrom('model_aliases as a')
          .select('a.alias')
          .whereRef('a.model_name', '=', 'm.name')
          .where('a.alias', '=', c.value),
      );
    case 'owner':
      return eb('m.owner', '=', c.value);
    default:
      // validateFilterFor has refused version-only fields already.
      return eb.lit(false) as unknown as Expression<SqlBool>;
  }
}
