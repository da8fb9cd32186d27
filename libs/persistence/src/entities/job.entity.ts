import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { FailureType } from '@tributary/protocol';
import { bigintAsNumber } from './column-transformers';

export const JOB_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const ACTIVE_JOB_STATUSES: JobStatus[] = ['pending', 'running'];
export const JOB_TYPES = ['sync', 'refresh', 'clear', 'replay'] as const;
export type JobTrigger = 'manual' | 'schedule';
export type JobType = (typeof JOB_TYPES)[number];

/**
 * One requested run of a connection. A partial unique index allows at most one pending or running
 * job per connection, so two triggers can never both start a sync.
 */
@Entity('jobs')
@Index(['connectionId', 'createdAt'])
@Index(['status'])
export class JobEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'connection_id' }) connectionId!: string;
  @Column('text') type!: JobType;
  @Column('text') status!: JobStatus;
  @Column('text', { default: 'manual' }) trigger!: JobTrigger;
  /** Streams the job is limited to (refresh/clear of some streams); null means all selected. */
  @Column('jsonb', { nullable: true }) streams!: { name: string; namespace?: string }[] | null;
  @Column('text', { name: 'workflow_id', nullable: true }) workflowId!: string | null;
  @Column('text', { name: 'run_id', nullable: true }) runId!: string | null;
  @Column('text', { name: 'failure_type', nullable: true }) failureType!: FailureType | null;
  @Column('text', { name: 'failure_message', nullable: true }) failureMessage!: string | null;
  @Column('bigint', { name: 'records_committed', default: 0, transformer: bigintAsNumber }) recordsCommitted!: number;
  @Column('bigint', { name: 'bytes_committed', default: 0, transformer: bigintAsNumber }) bytesCommitted!: number;
  /** Records the source has emitted in the current attempt (live progress while running). */
  @Column('bigint', { name: 'records_emitted', default: 0, transformer: bigintAsNumber }) recordsEmitted!: number;
  @Column('timestamptz', { name: 'started_at', nullable: true }) startedAt!: Date | null;
  @Column('timestamptz', { name: 'ended_at', nullable: true }) endedAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
