import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { StreamSelection } from '@tributary/protocol';

export type ConnectionStreamConfig = StreamSelection;

export type ConnectionSchedule =
  | { type: 'manual' }
  | { type: 'interval'; everyMinutes: number }
  | { type: 'cron'; cron: string; timezone: string };

export type ScheduleType = ConnectionSchedule['type'];

export interface SchemaChangePolicy {
  nonBreaking: 'propagate_all' | 'propagate_columns' | 'ignore' | 'approve' | 'pause';
  breaking: 'pause' | 'fail';
}

export type NamespaceDefinition = 'source' | 'destination' | 'custom';
export type ConnectionStatus = 'active' | 'paused';

@Entity('connections')
@Index(['sourceId'])
@Index(['destinationId'])
export class ConnectionEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') name!: string;
  @Column('uuid', { name: 'source_id' }) sourceId!: string;
  @Column('uuid', { name: 'destination_id' }) destinationId!: string;
  @Column('jsonb') streams!: ConnectionStreamConfig[];
  @Column('jsonb') schedule!: ConnectionSchedule;
  @Column('jsonb', { name: 'schema_change_policy' }) schemaChangePolicy!: SchemaChangePolicy;
  @Column('text') status!: ConnectionStatus;
  /** Why the connection is paused when the platform paused it (e.g. after repeated failures). */
  @Column('text', { name: 'status_reason', nullable: true }) statusReason!: string | null;
  @Column('text', { name: 'namespace_definition' }) namespaceDefinition!: NamespaceDefinition;
  @Column('text', { name: 'namespace_format', nullable: true }) namespaceFormat!: string | null;
  @Column('text', { default: '' }) prefix!: string;
  /** The source catalog the stream settings were made for; drift is measured against it. */
  @Column('uuid', { name: 'catalog_id', nullable: true }) catalogId!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
