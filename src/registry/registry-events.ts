/**
 * @module registry/registry-events
 * What the registry tells the outside world when its state changes. The registry calls the sink
 * inside the transaction that makes the change, so an event exists if and only if the change
 * commits (the webhook service enqueues its deliveries in that same transaction: an outbox).
 */
import type { Transaction } from 'kysely';
import type { Database } from '../store/schema.js';

export type RegistryEventType =
  | 'model.created'
  | 'model_version.created'
  | 'model_version.deleted'
  | 'alias.moved'
  | 'alias.deleted'
  /** Raised by a drift monitor's alert rule; `model` is the monitored deployment's model. */
  | 'monitor.alert';

export interface RegistryEvent {
  readonly type: RegistryEventType;
  readonly model: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface RegistryEventSink {
  emit(trx: Transaction<Database>, event: RegistryEvent): Promise<void>;
}
