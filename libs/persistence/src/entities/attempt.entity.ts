import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { FailureType } from '@tributary/protocol';
import { bigintAsNumber } from './column-transformers';

export type AttemptStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

/** One execution of a job's replication; a retried job has several. */
@Entity('attempts')
@Unique(['jobId', 'number'])
export class AttemptEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'job_id' }) jobId!: string;
  @Column('int') number!: number;
  @Column('text') status!: AttemptStatus;
  @Column('text', { name: 'failure_type', nullable: true }) failureType!: FailureType | null;
  @Column('text', { name: 'failure_message', nullable: true }) failureMessage!: string | null;
  @Column('bigint', { name: 'records_committed', default: 0, transformer: bigintAsNumber }) recordsCommitted!: number;
  @Column('bigint', { name: 'bytes_committed', default: 0, transformer: bigintAsNumber }) bytesCommitted!: number;
  /** Set when the attempt continued from a checkpoint committed by an earlier attempt. */
  @Column('boolean', { name: 'resumed', default: false }) resumed!: boolean;
  @Column('timestamptz', { name: 'started_at' }) startedAt!: Date;
  @Column('timestamptz', { name: 'ended_at', nullable: true }) endedAt!: Date | null;
}
