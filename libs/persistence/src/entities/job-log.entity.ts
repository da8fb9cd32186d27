import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type JobLogLevel = 'debug' | 'info' | 'warn' | 'error';

@Entity('job_logs')
@Index(['jobId', 'id'])
export class JobLogEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id!: string;
  @Column('uuid', { name: 'job_id' }) jobId!: string;
  @Column('int', { name: 'attempt_number', nullable: true }) attemptNumber!: number | null;
  @Column('timestamptz') at!: Date;
  @Column('text') level!: JobLogLevel;
  @Column('text') message!: string;
  @Column('jsonb', { nullable: true }) fields!: Record<string, unknown> | null;
}
