import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutboundPolicy } from '../../govern/network/outbound-policy.js';
import { createLineageSink, resolveLineageFile } from './create-lineage-sink.js';
import { FileLineageSink } from './sinks/file-lineage-sink.js';
import { HttpLineageSink } from './sinks/http-lineage-sink.js';

const logger = { warn: () => {} };
const policy = new OutboundPolicy(['http://marquez.internal:5000']);

describe('createLineageSink', () => {
  it('writes the file by default and adds HTTP when a URL is set', () => {
    const file = resolveLineageFile('/ws', '.kiln/lineage/openlineage.ndjson')!;
    expect(file).toBe(join('/ws', '.kiln', 'lineage', 'openlineage.ndjson'));
    expect(resolveLineageFile('/ws', '/var/log/ol.ndjson')).toBe('/var/log/ol.ndjson');
    expect(resolveLineageFile('/ws', '')).toBeNull();
    const fileOnly = createLineageSink({ file, url: '' }, policy, logger);
    expect(fileOnly.sinks.map((s) => s.constructor)).toEqual([FileLineageSink]);
    const both = createLineageSink({ file, url: 'http://marquez.internal:5000' }, policy, logger);
    expect(both.sinks.map((s) => s.name)).toEqual([
      `file:${file}`,
      'http:http://marquez.internal:5000/api/v1/lineage',
    ]);
    expect(both.sinks[1]).toBeInstanceOf(HttpLineageSink);
    expect(createLineageSink({ file: null, url: null }, policy, logger).sinks).toEqual([]);
  });

  it('fails at start-up when the URL is not in network.allow', () => {
    expect(() => createLineageSink({ file: null, url: 'http://evil.example' }, policy, logger)).toThrow(
      expect.objectContaining({ code: 'URL_NOT_ALLOWED' }),
    );
  });
});
