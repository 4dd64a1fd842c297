/**
 * @module monitor/monitors/alert-action
 * What happens when a monitor's rule fires, behind one contract that retraining and rollback will
 * implement later. Kiln ships two: `log` (a structured warning) and `webhook` (a `monitor.alert`
 * event to the workspace's webhooks: signed, retried through the job queue, sent only to URLs in
 * `network.allow` — see docs/webhooks.md).
 */
import type { Transaction } from 'kysely';
import type { RegistryEventSink } from '../../registry/registry-events.js';
import type { Database } from '../../store/schema.js';
import type { Alert } from './alert-rules.js';

export interface AlertContext {
  readonly monitor: string;
  readonly deployment: string;
  /** The deployment's model name (webhooks may filter on it). */
  readonly model: string;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly runId: string;
}

export interface AlertAction {
  readonly name: string;
  /** Runs inside the transaction that records the run, so a rolled-back run raises nothing. */
  fire(trx: Transaction<Database>, context: AlertContext, alerts: readonly Alert[]): Promise<void>;
}

export interface WarnLogger {
  warn(obj: object, msg: string): void;
}

export class LogAlertAction implements AlertAction {
  readonly name = 'log';
  constructor(private readonly logger: WarnLogger) {}

  async fire(_trx: Transaction<Database>, context: AlertContext, alerts: readonly Alert[]): Promise<void> {
    for (const a of alerts) this.logger.warn({ alert: a, ...context }, a.message);
  }
}

export class WebhookAlertAction implements AlertAction {
  readonly name = 'webhook';
  constructor(private readonly events: RegistryEventSink) {}

  async fire(trx: Transaction<Database>, context: AlertContext, alerts: readonly Alert[]): Promise<void> {
    if (alerts.length === 0) return;
    await this.events.emit(trx, {
      type: 'monitor.alert',
      model: context.model,
      data: { ...context, alerts: alerts.map((a) => ({ ...a })) },
    });
  }
}
