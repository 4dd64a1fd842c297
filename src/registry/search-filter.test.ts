import { describe, expect, it } from 'vitest';
import { KilnError } from '../core/errors.js';
import {
  FILTER_FIELDS,
  type FilterClause,
  formatFilter,
  MAX_FILTER_CLAUSES,
  parseFilter,
  validateFilterFor,
} from './search-filter.js';

function filterError(text: string): KilnError {
  try {
    parseFilter(text);
  } catch (e) {
    expect(e).toBeInstanceOf(KilnError);
    expect((e as KilnError).code).toBe('INVALID_FILTER');
    return e as KilnError;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be refused`);
}

describe('parseFilter: valid filters', () => {
  const cases: [string, FilterClause[]][] = [
    ['', []],
    ['  \t\n ', []],
    ['name = fraud', [{ field: 'name', op: '=', value: 'fraud' }]],
    ['name=fraud', [{ field: 'name', op: '=', value: 'fraud' }]],
    ['name != fraud', [{ field: 'name', op: '!=', value: 'fraud' }]],
    ['name ^= fr', [{ field: 'name', op: '^=', value: 'fr' }]],
    [
      'name ^= fr AND tag.team = risk',
      [
        { field: 'name', op: '^=', value: 'fr' },
        { field: 'tag', key: 'team', op: '=', value: 'risk' },
      ],
    ],
    ['tag.cost-center != "R&D 4"', [{ field: 'tag', key: 'cost-center', op: '!=', value: 'R&D 4' }]],
    ['tag.a.b_c = x', [{ field: 'tag', key: 'a.b_c', op: '=', value: 'x' }]],
    ['alias = champion', [{ field: 'alias', op: '=', value: 'champion' }]],
    ['status = READY', [{ field: 'status', op: '=', value: 'READY' }]],
    ['status != failed', [{ field: 'status', op: '!=', value: 'FAILED' }]],
    ['version = 3', [{ field: 'version', op: '=', value: 3 }]],
    ['version>3', [{ field: 'version', op: '>', value: 3 }]],
    ['version >= 10', [{ field: 'version', op: '>=', value: 10 }]],
    ['version < 0', [{ field: 'version', op: '<', value: 0 }]],
    ['version <= "7"', [{ field: 'version', op: '<=', value: 7 }]],
    ['owner = "risk-team@example.com"', [{ field: 'owner', op: '=', value: 'risk-team@example.com' }]],
    ['owner = team:risk', [{ field: 'owner', op: '=', value: 'team:risk' }]],
    [String.raw`name = 'it\'s'`, [{ field: 'name', op: '=', value: "it's" }]],
    [String.raw`name = "a \"b\" \\ c"`, [{ field: 'name', op: '=', value: 'a "b" \\ c' }]],
    ['name = ""', [{ field: 'name', op: '=', value: '' }]],
    ['name = "héllo wörld ✓"', [{ field: 'name', op: '=', value: 'héllo wörld ✓' }]],
    [
      'NAME = a and Tag.Team = b AnD status = ready',
      [
        { field: 'name', op: '=', value: 'a' },
        { field: 'tag', key: 'Team', op: '=', value: 'b' },
        { field: 'status', op: '=', value: 'READY' },
      ],
    ],
    [
      'name="a"AND version=1',
      [
        { field: 'name', op: '=', value: 'a' },
        { field: 'version', op: '=', value: 1 },
      ],
    ],
    ['name = AND', [{ field: 'name', op: '=', value: 'AND' }]],
    [
      '  name = x  \n AND\tversion > 2  ',
      [
        { field: 'name', op: '=', value: 'x' },
        { field: 'version', op: '>', value: 2 },
      ],
    ],
  ];

  for (const [text, expected] of cases) {
    it(`parses ${JSON.stringify(text)}`, () => {
      expect(parseFilter(text)).toEqual(expected);
    });
  }

  it('keeps SQL injection attempts as literal values', () => {
    expect(parseFilter(`name = "x' OR 1=1 --"`)).toEqual([{ field: 'name', op: '=', value: "x' OR 1=1 --" }]);
    expect(parseFilter(`tag.team = "risk'; DROP TABLE models; --"`)).toEqual([
      { field: 'tag', key: 'team', op: '=', value: "risk'; DROP TABLE models; --" },
    ]);
    expect(parseFilter(`name ^= "%"`)).toEqual([{ field: 'name', op: '^=', value: '%' }]);
  });

  it('accepts exactly 20 clauses and values of exactly 256 characters', () => {
    const twenty = Array.from({ length: MAX_FILTER_CLAUSES }, (_, i) => `tag.k${i} = v`).join(' AND ');
    expect(parseFilter(twenty)).toHaveLength(20);
    expect(parseFilter(`name = ${'a'.repeat(256)}`)[0]).toMatchObject({ value: 'a'.repeat(256) });
    expect(parseFilter(`name = "${'é'.repeat(256)}"`)[0]).toMatchObject({ value: 'é'.repeat(256) });
  });
});

describe('parseFilter: invalid filters', () => {
  const cases: [string, string][] = [
    [
      'alias = x AND name ~ y',
      'filter: at position 20: expected an operator (=, !=, ^=) after "name", got "~"',
    ],
    ['name > x', 'filter: at position 6: expected an operator (=, !=, ^=) after "name", got ">"'],
    [
      'name',
      'filter: at position 5: expected an operator (=, !=, ^=) after "name", got the end of the filter',
    ],
    ['alias != x', 'filter: at position 7: expected an operator (=) after "alias", got "!="'],
    ['owner ^= x', 'filter: at position 7: expected an operator (=) after "owner", got "^="'],
    ['status > READY', 'filter: at position 8: expected an operator (=, !=) after "status", got ">"'],
    [
      'version ^= 3',
      'filter: at position 9: expected an operator (=, >, >=, <, <=) after "version", got "^="',
    ],
    ['tag.team >= x', 'filter: at position 10: expected an operator (=, !=) after "tag.team", got ">="'],
    [
      'name == x',
      'filter: at position 7: expected a value (a word of letters, digits, ".", "_", ":" or "-", or a quoted string) after "name =", got "="',
    ],
    [
      'name =',
      'filter: at position 7: expected a value (a word of letters, digits, ".", "_", ":" or "-", or a quoted string) after "name =", got the end of the filter',
    ],
    [
      'colour = red',
      'filter: at position 1: expected a field (name, tag.<key>, alias, status, version, owner), got "colour"',
    ],
    [
      'tag = x',
      'filter: at position 1: expected a field (name, tag.<key>, alias, status, version, owner), got "tag"',
    ],
    [
      '(name = x)',
      'filter: at position 1: expected a field (name, tag.<key>, alias, status, version, owner), got "("',
    ],
    [
      'tag.9lives = x',
      'filter: at position 5: expected a tag key (a letter, then letters, digits, ".", "_" or "-"; at most 64), got "9lives"',
    ],
    [
      'tag. = x',
      'filter: at position 5: expected a tag key (a letter, then letters, digits, ".", "_" or "-"; at most 64), got " "',
    ],
    [
      'name = x OR name = y',
      'filter: at position 10: expected AND or the end of the filter, got "OR" (only AND is supported)',
    ],
    ['name = x y', 'filter: at position 10: expected AND or the end of the filter, got "y"'],
    [
      'name = x AND',
      'filter: at position 13: expected a field (name, tag.<key>, alias, status, version, owner) after AND, got the end of the filter',
    ],
    [
      'name = x AND AND name = y',
      'filter: at position 14: expected a field (name, tag.<key>, alias, status, version, owner), got "AND"',
    ],
    ['name = x && version = 1', 'filter: at position 10: expected AND or the end of the filter, got "&"'],
    ['version = 1.5', 'filter: at position 11: expected a version number (a whole number), got "1.5"'],
    ['version = -1', 'filter: at position 11: expected a version number (a whole number), got "-1"'],
    [
      'version = 99999999999999999999',
      'filter: at position 11: expected a version number (a whole number), got "99999999999999999999"',
    ],
    ['status = DONE', 'filter: at position 10: expected a status (PENDING, READY, FAILED), got "DONE"'],
    [
      'name = "abc',
      'filter: at position 8: expected a closing " for the string that starts here, got the end of the filter',
    ],
    [
      'name = \'abc"',
      `filter: at position 8: expected a closing ' for the string that starts here, got the end of the filter`,
    ],
    [
      String.raw`name = "a\nb"`,
      String.raw`filter: at position 10: expected \\, \" or \' after a backslash, got "\\n"`,
    ],
    [
      'name = "a\\',
      'filter: at position 8: expected a closing " for the string that starts here, got the end of the filter',
    ],
    [
      'é = x',
      'filter: at position 1: expected a field (name, tag.<key>, alias, status, version, owner), got "é"',
    ],
    [
      'name = "ü" AND 😀 = x',
      'filter: at position 16: expected a field (name, tag.<key>, alias, status, version, owner), got "😀"',
    ],
  ];

  for (const [text, message] of cases) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      expect(filterError(text).message).toBe(message);
    });
  }

  it('refuses unquoted injection attempts instead of reading past the value', () => {
    expect(filterError(`name = x' OR 1=1 --`).message).toContain(
      `expected AND or the end of the filter, got "'"`,
    );
    expect(filterError('name = x; DROP TABLE models').message).toContain('got ";"');
    expect(filterError('name = x AND 1=1').message).toContain('expected a field');
    expect(filterError(`tag.team' = x`).message).toContain('after "tag.team", got "\'"');
  });

  it('puts the position and expectation in the details', () => {
    expect(filterError('name ~ x').details).toEqual({
      field: 'filter',
      position: 6,
      expected: 'an operator (=, !=, ^=) after "name"',
      got: '"~"',
    });
  });

  it('refuses a 21st clause at its position', () => {
    const clauses = Array.from({ length: MAX_FILTER_CLAUSES + 1 }, (_, i) => `tag.k${i} = v`);
    const text = clauses.join(' AND ');
    const e = filterError(text);
    expect(e.message).toBe(
      `filter: at position ${text.lastIndexOf('tag.k20') + 1}: expected at most 20 clauses, got clause 21`,
    );
  });

  it('refuses values over 256 characters, quoted or not, and over-long texts', () => {
    expect(filterError(`name = ${'a'.repeat(257)}`).message).toBe(
      'filter: at position 8: expected a value of at most 256 characters, got 257 characters',
    );
    expect(filterError(`name = "${'é'.repeat(257)}"`).message).toContain('got 257 characters');
    expect(filterError(`name = x${' '.repeat(9000)}`).message).toBe(
      'filter: expected at most 8192 characters, got 9008',
    );
  });
});

describe('validateFilterFor', () => {
  it('accepts every field for versions, and status and version only there', () => {
    const all = parseFilter(
      'name = a AND tag.t = b AND alias = c AND status = READY AND version > 1 AND owner = d',
    );
    expect(() => validateFilterFor(all, 'versions')).not.toThrow();
    expect(() =>
      validateFilterFor(parseFilter('name = a AND tag.t = b AND alias = c AND owner = d'), 'models'),
    ).not.toThrow();
  });

  it('refuses a version-only field when searching models', () => {
    for (const [text, field] of [
      ['name = a AND version > 2', 'version'],
      ['status = READY', 'status'],
    ]) {
      try {
        validateFilterFor(parseFilter(text!), 'models');
        expect.unreachable();
      } catch (e) {
        expect((e as KilnError).code).toBe('INVALID_FILTER');
        expect((e as KilnError).message).toBe(
          `filter: field "${field}" does not apply to models; fields for models: name, tag.<key>, alias, owner`,
        );
      }
    }
  });

  it('describes each field consistently with the parser', () => {
    expect(Object.keys(FILTER_FIELDS).sort()).toEqual(['alias', 'name', 'owner', 'status', 'tag', 'version']);
    for (const [field, info] of Object.entries(FILTER_FIELDS)) {
      const written = field === 'tag' ? 'tag.k' : field;
      const value = field === 'status' ? 'READY' : '1';
      for (const op of info.ops) expect(() => parseFilter(`${written} ${op} ${value}`)).not.toThrow();
    }
  });
});

describe('formatFilter', () => {
  it('writes the canonical form, which parses back to the same clauses', () => {
    const texts = [
      'name ^= fr AND tag.team = risk',
      String.raw`name = 'a "quoted" \\ back\'slash' and status = failed`,
      'version >= 2 AND version < 10 AND alias = champion AND owner = "x y"',
    ];
    for (const text of texts) {
      const clauses = parseFilter(text);
      expect(parseFilter(formatFilter(clauses))).toEqual(clauses);
    }
    expect(formatFilter(parseFilter(texts[0]!))).toBe('name ^= "fr" AND tag.team = "risk"');
    expect(formatFilter(parseFilter(' name^="fr"  and   tag.team=risk'))).toBe(
      formatFilter(parseFilter(texts[0]!)),
    );
    expect(formatFilter(parseFilter(texts[1]!))).toBe(
      String.raw`name = "a \"quoted\" \\ back'slash" AND status = FAILED`,
    );
    expect(formatFilter([])).toBe('');
  });
});
