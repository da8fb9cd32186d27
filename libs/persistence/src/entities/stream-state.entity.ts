import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { StateMessage } from '@tributary/protocol';

/**
 * Every committed state of a stream, kept with the job that produced it (versioned history). The
 * newest row of a (connection, stream) is its current state.
 */
@Entity('stream_states')
@Index(['connectionId', 'streamNamespace', 'streamName', 'id'])
@Index(['jobId'])
export class StreamStateEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id!: string;
  @Column('uuid', { name: 'connection_id' }) connectionId!: string;
  @Column('uuid', { name: 'job_id' }) jobId!: string;
  @Column('int', { name: 'attempt_number' }) attemptNumber!: number;
  @Column('text', { name: 'stream_namespace', default: '' }) streamNamespace!: string;
  @Column('text', { name: 'stream_name' }) streamName!: string;
  @Column('jsonb') state!: StateMessage;
  /** 0: the stream's state; n > 0: the progress of partition n of the job, which only that partition resumes from. */
  @Column('int', { default: 0 }) unit!: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
