import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { JsonObject } from '@tributary/protocol';

export const WEBHOOK_EVENTS = ['sync.succeeded', 'sync.failed', 'schema_change.awaiting_approval', 'connection.auto_paused'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** Where to send events, for one connection or (connectionId null) for all. The secret is sealed. */
@Entity('webhooks')
@Index(['connectionId'])
export class WebhookEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'connection_id', nullable: true }) connectionId!: string | null;
  @Column('text') url!: string;
  /** `{ secret: { $sealed } }`: the HMAC key, sealed like connector secrets. */
  @Column('jsonb') secret!: JsonObject;
  @Column('text', { array: true }) events!: WebhookEvent[];
  @Column('boolean', { default: true }) enabled!: boolean;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

/** One event sent (or being sent) to one webhook. */
@Entity('webhook_deliveries')
@Index(['webhookId', 'createdAt'])
export class WebhookDeliveryEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'webhook_id' }) webhookId!: string;
  @Column('text') event!: WebhookEvent;
  @Column('jsonb') payload!: JsonObject;
  @Column('text') status!: 'pending' | 'delivered' | 'failed';
  @Column('int', { default: 0 }) attempts!: number;
  @Column('text', { name: 'last_error', nullable: true }) lastError!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column('timestamptz', { name: 'delivered_at', nullable: true }) deliveredAt!: Date | null;
}
