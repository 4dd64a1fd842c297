import { describe, expect, it } from 'vitest';
import { isKilnError } from '../core/errors.js';
import { DEFAULT_SETTINGS, resolveSettings, retentionMs } from './deployment-settings.js';

function refused(f: () => unknown): { code: string; message: string; field: unknown } {
  try {
    f();
  } catch (e) {
    if (!isKilnError(e)) throw e;
    return { code: e.code, message: e.message, field: (e.details as { field?: unknown }).field };
  }
  throw new Error('expected a refusal');
}

describe('resolveSettings: monitoring settings', () => {
  it('defaults to no logging, hashing, 30 days, no subject key or score', () => {
    const s = resolveSettings({});
    expect(s).toMatchObject({
      logInputs: false,
      pii: [],
      piiMode: 'hash',
      subjectKey: null,
      retention: '30d',
      scoreOutput: null,
      threshold: null,
    });
    expect(Object.isFrozen(s)).toBe(true);
  });

  it('applies what is given and keeps the rest of the base', () => {
    const a = resolveSettings({
      logInputs: true,
      pii: ['email', 'phone', 'email'],
      subjectKey: 'customer_id',
      retention: '12h',
      scoreOutput: 'probability',
      threshold: 0.5,
      maxBatchSize: 8,
    });
    expect(a.pii).toEqual(['email', 'phone']);
    const b = resolveSettings({ piiMode: 'drop' }, a);
    expect(b).toMatchObject({
      logInputs: true,
      pii: ['email', 'phone'],
      piiMode: 'drop',
      subjectKey: 'customer_id',
      retention: '12h',
      scoreOutput: 'probability',
      threshold: 0.5,
      maxBatchSize: 8,
    });
  });

  it('clears subject key, score output and threshold with null, and the PII list with []', () => {
    const a = resolveSettings({ pii: ['email'], subjectKey: 'id', scoreOutput: 'p', threshold: 0.3 });
    const b = resolveSettings({ pii: [], subjectKey: null, scoreOutput: null, threshold: null }, a);
    expect(b).toMatchObject({ pii: [], subjectKey: null, scoreOutput: null, threshold: null });
  });

  it('fills settings stored before the monitoring fields existed with their defaults', () => {
    const { logInputs, pii, piiMode, subjectKey, retention, scoreOutput, threshold, ...old } =
      DEFAULT_SETTINGS;
    const s = resolveSettings({ logInputs: true }, { ...old, maxBatchSize: 4 } as typeof DEFAULT_SETTINGS);
    expect(s).toMatchObject({ maxBatchSize: 4, logInputs: true, pii: [], retention: '30d', threshold: null });
  });

  it.each([
    [{ logInputs: 'yes' }, 'log_inputs'],
    [{ pii: 'email' }, 'pii'],
    [{ pii: ['email', '1bad'] }, 'pii[1]'],
    [{ pii: ['a b'] }, 'pii[0]'],
    [{ pii: Array.from({ length: 1001 }, (_, i) => `c${i}`) }, 'pii'],
    [{ piiMode: 'salt' }, 'pii_mode'],
    [{ subjectKey: '' }, 'subject_key'],
    [{ subjectKey: 7 }, 'subject_key'],
    [{ retention: '30 days' }, 'retention'],
    [{ retention: '-1d' }, 'retention'],
    [{ retention: 30 }, 'retention'],
    [{ scoreOutput: 'prob ability' }, 'score_output'],
    [{ scoreOutput: 'p', threshold: Number.NaN }, 'threshold'],
    [{ scoreOutput: 'p', threshold: '0.5' }, 'threshold'],
    [{ threshold: 0.5 }, 'threshold'],
  ])('refuses %j with INVALID_ARGUMENT naming %s', (input, field) => {
    const e = refused(() => resolveSettings(input as never));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.field).toBe(field);
    expect(e.message.startsWith(`${field}:`)).toBe(true);
  });
});

describe('retentionMs', () => {
  it.each([
    ['0', 0],
    ['0d', 0],
    ['500ms', 500],
    ['45s', 45_000],
    ['90m', 5_400_000],
    ['12h', 43_200_000],
    ['30d', 2_592_000_000],
    ['2w', 1_209_600_000],
  ])('parses %s as %d ms', (text, ms) => {
    expect(retentionMs(text)).toBe(ms);
  });

  it.each(['', 'd', '1y', '1.5d', ' 30d', '30D', '1e3s'])('refuses %j', (text) => {
    expect(refused(() => retentionMs(text)).field).toBe('retention');
  });
});
