// Webhook delivery: one stored delivery per matching webhook and event, sent as JSON with an
// HMAC-SHA256 signature over "<timestamp>.<body>" (header X-Tributary-Signature: t=…,v1=…).
// Temporal retries a failed send with backoff; a receiver's 4xx (other than 408/429) is final.
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { IsNull, type DataSource } from 'typeorm';
import type { JsonLogger } from '@tributary/connector-sdk';
import {
  ConnectionEntity,
  JobEntity,
  SchemaChangeEntity,
  WebhookDeliveryEntity,
  WebhookEntity,
  summarizeChanges,
  type SecretCipher,
} from '@tributary/persistence';
import type { JsonObject } from '@tributary/protocol';
import { WEBHOOK_REJECTED_ERROR_TYPE, type PlatformEvent, type WebhookActivities } from '@tributary/workflows';

export interface WebhookActivityDependencies {
  dataSource: DataSource;
  cipher: SecretCipher;
  logger: JsonLogger;
}

const SEND_TIMEOUT_MS = 10_000;
/** Must match the maximumAttempts of the delivery activity in the workflow. */
const MAX_ATTEMPTS = 8;

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function createWebhookActivities(deps: WebhookActivityDependencies): WebhookActivities {
  const webhooks = () => deps.dataSource.getRepository(WebhookEntity);
  const deliveries = () => deps.dataSource.getRepository(WebhookDeliveryEntity);

  async function payloadFor(event: PlatformEvent): Promise<JsonObject> {
    const connection = await deps.dataSource.getRepository(ConnectionEntity).findOne({ where: { id: event.connectionId } });
    const job = event.jobId ? await deps.dataSource.getRepository(JobEntity).findOne({ where: { id: event.jobId } }) : null;
    const change = event.schemaChangeId ? await deps.dataSource.getRepository(SchemaChangeEntity).findOne({ where: { id: event.schemaChangeId } }) : null;
    return {
      type: event.type,
      occurredAt: new Date().toISOString(),
      connection: connection ? { id: connection.id, name: connection.name, status: connection.status, statusReason: connection.statusReason } : { id: event.connectionId },
      ...(job
        ? {
            job: {
              id: job.id,
              type: job.type,
              status: job.status,
              trigger: job.trigger,
              recordsCommitted: job.recordsCommitted,
              bytesCommitted: job.bytesCommitted,
              failure: job.failureType ? { type: job.failureType, message: job.failureMessage ?? '' } : null,
              startedAt: job.startedAt?.toISOString() ?? null,
              endedAt: job.endedAt?.toISOString() ?? null,
            },
          }
        : {}),
      ...(change ? { schemaChange: { id: change.id, breaking: change.breaking, summary: summarizeChanges(change.changes) } } : {}),
    };
  }

  async function planWebhookDeliveries(events: PlatformEvent[]): Promise<string[]> {
    const ids: string[] = [];
    for (const event of events) {
      const targets = await webhooks().find({ where: [{ connectionId: event.connectionId, enabled: true }, { connectionId: IsNull(), enabled: true }] });
      const subscribed = targets.filter((w) => w.events.includes(event.type));
      if (!subscribed.length) continue;
      const payload = await payloadFor(event);
      for (const webhook of subscribed) {
        // Deterministic per (webhook, event, job): a retried planning activity does not duplicate.
        const id = deliveryId(webhook.id, event);
        await deps.dataSource.query(
          `INSERT INTO webhook_deliveries (id, webhook_id, event, payload, status) VALUES ($1, $2, $3, $4, 'pending') ON CONFLICT (id) DO NOTHING`,
          [id, webhook.id, event.type, JSON.stringify({ ...payload, deliveryId: id })],
        );
        ids.push(id);
      }
    }
    return ids;
  }

  async function deliverWebhook(deliveryId: string): Promise<void> {
    const delivery = await deliveries().findOne({ where: { id: deliveryId } });
    if (!delivery || delivery.status === 'delivered') return;
    const webhook = await webhooks().findOne({ where: { id: delivery.webhookId } });
    if (!webhook) return;
    const attempt = Context.current().info.attempt;
    const secret = String((deps.cipher.open(webhook.secret) as { secret: string }).secret);
    const body = JSON.stringify(delivery.payload);
    const timestamp = Math.floor(Date.now() / 1000);
    let failure: { message: string; final: boolean } | undefined;
    try {
      const response = await fetch(webhook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Tributary-Webhooks/1',
          'x-tributary-event': delivery.event,
          'x-tributary-delivery': delivery.id,
          'x-tributary-signature': signWebhook(secret, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (!response.ok) {
        const final = response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429;
        failure = { message: `the receiver answered ${response.status} ${response.statusText}`, final };
      }
    } catch (error) {
      failure = { message: `could not reach ${new URL(webhook.url).origin}: ${(error as Error).message}`, final: false };
    }
    if (!failure) {
      await deliveries().update(delivery.id, { status: 'delivered', attempts: attempt, lastError: null, deliveredAt: new Date() });
      return;
    }
    const givingUp = failure.final || attempt >= MAX_ATTEMPTS;
    await deliveries().update(delivery.id, { status: givingUp ? 'failed' : 'pending', attempts: attempt, lastError: failure.message });
    deps.logger.warn(`webhook delivery ${delivery.id} (${delivery.event}) failed on attempt ${attempt}: ${failure.message}`, { webhookId: webhook.id });
    throw failure.final ? ApplicationFailure.create({ message: failure.message, type: WEBHOOK_REJECTED_ERROR_TYPE, nonRetryable: true }) : new Error(failure.message);
  }

  return { planWebhookDeliveries, deliverWebhook };
}

function deliveryId(webhookId: string, event: PlatformEvent): string {
  const hex = createHash('sha256').update(`${webhookId}|${event.type}|${event.jobId ?? randomUUID()}|${event.schemaChangeId ?? ''}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
