import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { SchemaChange } from '@tributary/protocol';

export const SCHEMA_CHANGE_ACTIONS = ['propagated', 'ignored', 'pending_approval', 'approved', 'rejected', 'paused', 'failed'] as const;
export type SchemaChangeAction = (typeof SCHEMA_CHANGE_ACTIONS)[number];

/** A detected difference between a connection's accepted catalog and the source, and what was done. */
@Entity('schema_changes')
@Index(['connectionId', 'detectedAt'])
export class SchemaChangeEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'connection_id' }) connectionId!: string;
  @Column('uuid', { name: 'job_id', nullable: true }) jobId!: string | null;
  /** The catalog in which the change was seen. */
  @Column('uuid', { name: 'catalog_id' }) catalogId!: string;
  @Column('jsonb') changes!: SchemaChange[];
  @Column('boolean') breaking!: boolean;
  @Column('text') action!: SchemaChangeAction;
  @Column('timestamptz', { name: 'detected_at', default: () => 'now()' }) detectedAt!: Date;
  @Column('timestamptz', { name: 'resolved_at', nullable: true }) resolvedAt!: Date | null;
  @Column('text', { name: 'resolution_note', nullable: true }) resolutionNote!: string | null;
}
