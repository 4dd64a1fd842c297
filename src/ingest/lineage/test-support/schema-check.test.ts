import { describe, expect, it } from 'vitest';
import { checkSchema, type JsonSchema } from './schema-check.js';

const paths = (schema: JsonSchema, value: unknown) => checkSchema(schema, value).map((v) => v.path);

describe('schema-check', () => {
  const schema: JsonSchema = {
    $ref: '#/$defs/Thing',
    $defs: {
      Thing: {
        allOf: [
          { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } },
          {
            type: 'object',
            properties: {
              kind: { type: 'string', enum: ['A', 'B'] },
              at: { type: 'string', format: 'date-time' },
              home: { type: 'string', format: 'uri' },
              n: { type: 'integer' },
              tags: { type: 'array', items: { type: 'string' } },
              map: { type: 'object', additionalProperties: { type: 'number' } },
            },
          },
        ],
      },
    },
  };
  const good = {
    id: '0190a6b2-3c4d-7e5f-8a6b-1c2d3e4f5a6b',
    kind: 'A',
    at: '2026-03-01T10:00:00.123+02:00',
    home: 'https://example.com/x',
    n: 3,
    tags: ['x'],
    map: { a: 1.5 },
    extra: 'allowed',
  };

  it('accepts a conforming value', () => {
    expect(checkSchema(schema, good)).toEqual([]);
  });

  it.each([
    ['a missing required property', { ...good, id: undefined }, ''],
    ['a bad uuid', { ...good, id: 'not-a-uuid' }, '/id'],
    ['a value outside the enum', { ...good, kind: 'C' }, '/kind'],
    ['a date without offset', { ...good, at: '2026-03-01T10:00:00' }, '/at'],
    ['a date without time', { ...good, at: '2026-03-01' }, '/at'],
    ['a relative uri', { ...good, home: '/x' }, '/home'],
    ['a non-integer', { ...good, n: 1.5 }, '/n'],
    ['a bad array item', { ...good, tags: ['x', 2] }, '/tags/1'],
    ['a bad map value', { ...good, map: { a: 'x' } }, '/map/a'],
    ['a wrong root type', [good], ''],
  ])('reports %s', (_what, value, path) => {
    const v = JSON.parse(JSON.stringify(value));
    expect([...new Set(paths(schema, v))]).toEqual([path]);
  });

  it('applies a boolean additionalProperties', () => {
    expect(paths({ type: 'object', properties: {}, additionalProperties: false }, { a: 1 })).toEqual(['/a']);
  });

  it('refuses keywords and formats it does not implement instead of ignoring them', () => {
    expect(() => checkSchema({ type: 'string', pattern: '^a' }, 'b')).toThrow(
      /unsupported keyword "pattern"/,
    );
    expect(() => checkSchema({ type: 'string', format: 'email' }, 'b')).toThrow(/unsupported format/);
    expect(() => checkSchema({ $ref: 'https://x/y.json' }, 1)).toThrow(/only local \$ref/);
    expect(() => checkSchema({ $ref: '#/$defs/Nope' }, 1)).toThrow(/not found/);
  });
});
