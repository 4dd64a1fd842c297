import { describe, expect, it } from 'vitest';
import { KilnError } from '../../core/errors.js';
import { OutboundPolicy } from '../../govern/network/outbound-policy.js';
import { parseWebhookInput } from './webhook-input.js';

const policy = new OutboundPolicy(['https://*.example.com', 'http://127.0.0.1:*']);

function failure(input: Parameters<typeof parseWebhookInput>[0]): KilnError {
  try {
    parseWebhookInput(input, policy);
  } catch (e) {
    expect(e).toBeInstanceOf(KilnError);
    return e as KilnError;
  }
  throw new Error('expected a failure');
}

describe('parseWebhookInput', () => {
  it('normalises the URL and keeps distinct events in order', () => {
    const v = parseWebhookInput(
      {
        url: 'https://CI.Example.com/a/../hook',
        events: ['alias.moved', 'model_version.created', 'alias.moved'],
      },
      policy,
    );
    expect(v).toEqual({
      url: 'https://ci.example.com/hook',
      events: ['alias.moved', 'model_version.created'],
      model: null,
      secret: undefined,
    });
  });

  it('refuses URLs outside the allow-list and metadata addresses', () => {
    expect(failure({ url: 'https://example.org/x', events: ['alias.moved'] }).code).toBe('URL_NOT_ALLOWED');
    expect(failure({ url: 'http://169.254.169.254/', events: ['alias.moved'] }).code).toBe('URL_NOT_ALLOWED');
  });

  it('names the bad field', () => {
    expect(failure({ url: 42, events: ['alias.moved'] }).message).toBe(
      'url: expected an http or https URL, got 42',
    );
    expect(failure({ url: 'http://127.0.0.1/', events: [] }).message).toMatch(
      /^events: expected a non-empty list/,
    );
    expect(failure({ url: 'http://127.0.0.1/', events: 'alias.moved' }).details.field).toBe('events');
    expect(failure({ url: 'http://127.0.0.1/', events: ['alias.moved', 'model.exploded'] }).message).toMatch(
      /^events\[1\]: expected one of model\.created, .*, got "model\.exploded"$/,
    );
    expect(failure({ url: 'http://127.0.0.1/', events: ['alias.moved'], model: '../x' }).code).toBe(
      'INVALID_NAME',
    );
  });

  it('refuses a short secret without echoing it', () => {
    const e = failure({ url: 'http://127.0.0.1/', events: ['alias.moved'], secret: 'hunter2' });
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toBe('secret: expected a string of 16 to 256 characters, got 7 characters');
    expect(JSON.stringify(e.toJSON())).not.toContain('hunter2');
  });
});
