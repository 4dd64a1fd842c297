import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KilnError } from '../../core/errors.js';
import {
  fileDataset,
  kilnDatasetVersion,
  postgresDataset,
  queryDigest,
  withoutCredentials,
} from './lineage-datasets.js';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(KilnError);
    return (e as KilnError).code;
  }
  throw new Error('expected a KilnError');
}

describe('fileDataset', () => {
  it('names a file by host and absolute path, with a percent-encoded data source URI', () => {
    expect(fileDataset('/data/raw files/tx.csv', 'Worker-1')).toEqual({
      namespace: 'file://worker-1',
      name: '/data/raw files/tx.csv',
      dataSource: { name: 'file://worker-1', uri: 'file://worker-1/data/raw%20files/tx.csv' },
    });
  });

  it('refuses a relative path and a host with a slash', () => {
    expect(code(() => fileDataset('data/tx.csv', 'h'))).toBe('INVALID_ARGUMENT');
    expect(code(() => fileDataset('/tx.csv', 'h/x'))).toBe('INVALID_ARGUMENT');
  });
});

describe('postgresDataset', () => {
  it('names a table database.schema.table under postgres://host:port, dropping credentials', () => {
    const d = postgresDataset('postgresql://kiln:pw@DB.example:6543/risk?sslmode=require&password=pw', {
      table: 'merchants',
    });
    expect(d).toEqual({
      namespace: 'postgres://db.example:6543',
      name: 'risk.public.merchants',
      dataSource: { name: 'postgres://db.example:6543', uri: 'postgres://db.example:6543/risk' },
    });
    expect(JSON.stringify(d)).not.toContain('pw');
  });

  it('keeps an explicit schema and defaults the port to 5432', () => {
    expect(postgresDataset({ host: 'h', database: 'db' }, { table: 'sales.orders' }).name).toBe(
      'db.sales.orders',
    );
    expect(postgresDataset({ host: 'h', database: 'db' }, { table: 'x' }).namespace).toBe(
      'postgres://h:5432',
    );
  });

  it('names a query by the SHA-256 of its text with white space collapsed', () => {
    const d = postgresDataset('postgres://h/db', { query: ' SELECT a\n  FROM   t ' });
    const expected = createHash('sha256').update('SELECT a FROM t').digest('hex').slice(0, 16);
    expect(d.name).toBe(`db.query-${expected}`);
    expect(queryDigest('SELECT a FROM t')).toBe(expected);
    expect(postgresDataset('postgres://h/db', { query: 'SELECT b FROM t' }).name).not.toBe(d.name);
  });

  it.each([
    ['not a URL', 'db.example:5432/risk'],
    ['another scheme', 'mysql://h/db'],
    ['no database', 'postgres://h:5432/'],
  ])('refuses a connection that is %s, without echoing credentials', (_what, url) => {
    try {
      postgresDataset(url.replace('//', '//u:topsecret@'), { table: 't' });
      throw new Error('expected a KilnError');
    } catch (e) {
      expect((e as KilnError).code).toBe('INVALID_ARGUMENT');
      expect((e as KilnError).message).not.toContain('topsecret');
    }
  });

  it('refuses an empty query or table and a bad port', () => {
    expect(code(() => postgresDataset('postgres://h/db', { query: '  ' }))).toBe('INVALID_ARGUMENT');
    expect(code(() => postgresDataset('postgres://h/db', { table: '' }))).toBe('INVALID_ARGUMENT');
    expect(code(() => postgresDataset({ host: 'h', port: 70000, database: 'd' }, { table: 't' }))).toBe(
      'INVALID_ARGUMENT',
    );
  });
});

describe('kilnDatasetVersion', () => {
  it('names a version kiln://<workspace> + <dataset>@<version> with its version facet', () => {
    expect(kilnDatasetVersion({ workspace: 'demo', dataset: 'fraud-tx', version: 3 })).toEqual({
      namespace: 'kiln://demo',
      name: 'fraud-tx@3',
      version: '3',
      dataSource: { name: 'kiln://demo', uri: 'kiln://demo/fraud-tx@3' },
    });
  });

  it('refuses a workspace with a slash and a dataset with an @', () => {
    expect(code(() => kilnDatasetVersion({ workspace: 'a/b', dataset: 'd', version: 1 }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(code(() => kilnDatasetVersion({ workspace: 'w', dataset: 'd@1', version: 1 }))).toBe(
      'INVALID_ARGUMENT',
    );
  });
});

describe('withoutCredentials', () => {
  it('drops user info, and the query when asked', () => {
    expect(withoutCredentials('postgres://u:p@h:1/db?password=p')).toBe('postgres://h:1/db?password=p');
    expect(withoutCredentials('postgres://u:p@h:1/db?password=p#x', true)).toBe('postgres://h:1/db');
    expect(withoutCredentials('https://h/x@y')).toBe('https://h/x@y');
    expect(withoutCredentials('kiln://demo')).toBe('kiln://demo');
  });
});
