import { Column, Entity, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';
import { bigintAsNumber } from './column-transformers';

/** Per-stream counters of one attempt, updated at each committed checkpoint. */
@Entity('stream_stats')
@Unique(['attemptId', 'streamNamespace', 'streamName'])
export class StreamStatsEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'job_id' }) jobId!: string;
  @Column('uuid', { name: 'attempt_id' }) attemptId!: string;
  @Column('text', { name: 'stream_namespace', default: '' }) streamNamespace!: string;
  @Column('text', { name: 'stream_name' }) streamName!: string;
  @Column('bigint', { name: 'records_emitted', default: 0, transformer: bigintAsNumber }) recordsEmitted!: number;
  @Column('bigint', { name: 'records_committed', default: 0, transformer: bigintAsNumber }) recordsCommitted!: number;
  @Column('bigint', { name: 'bytes_committed', default: 0, transformer: bigintAsNumber }) bytesCommitted!: number;
  @Column('text', { default: 'running' }) status!: 'running' | 'complete' | 'incomplete';
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
