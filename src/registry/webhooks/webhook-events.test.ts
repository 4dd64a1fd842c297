import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  deliveryBodyText,
  isWebhookEventType,
  parseDeliverPayload,
  WEBHOOK_EVENT_TYPES,
} from './webhook-events.js';
import { DELIVERY_MAX_ATTEMPTS } from './webhook-service.js';

describe('deliveryBodyText', () => {
  it('writes the documented fields in the documented order', () => {
    const text = deliveryBodyText({
      id: 'd-1',
      type: 'alias.moved',
      time: '2026-03-01T12:00:00.000Z',
      model: 'fraud',
      data: { alias: 'champion', version: 4, previous: 3 },
    });
    expect(text).toBe(
      '{"id":"d-1","type":"alias.moved","time":"2026-03-01T12:00:00.000Z","model":"fraud","data":{"alias":"champion","version":4,"previous":3}}',
    );
  });
});

describe('parseDeliverPayload', () => {
  it('accepts a delivery payload and refuses anything else', () => {
    const p = { webhookId: 'w', deliveryId: 'd', type: 'alias.moved', body: '{}' };
    expect(parseDeliverPayload(p)).toEqual(p);
    expect(parseDeliverPayload(null)).toBeNull();
    expect(parseDeliverPayload('x')).toBeNull();
    expect(parseDeliverPayload({ ...p, type: 'model.exploded' })).toBeNull();
    expect(parseDeliverPayload({ ...p, body: { a: 1 } })).toBeNull();
  });

  it('knows exactly the listed event types', () => {
    for (const t of WEBHOOK_EVENT_TYPES) expect(isWebhookEventType(t)).toBe(true);
    expect(isWebhookEventType('model_version.ready')).toBe(false);
  });
});

describe('docs/webhooks.md', () => {
  const page = readFileSync(new URL('../../../docs/webhooks.md', import.meta.url), 'utf8');

  it('documents every event type', () => {
    for (const t of WEBHOOK_EVENT_TYPES) expect(page).toContain(`| \`${t}\` |`);
  });

  it('states the number of attempts the service uses', () => {
    expect(page).toContain(`at most ${DELIVERY_MAX_ATTEMPTS} attempts`);
  });
});
