import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { DataContract } from '@tributary/protocol';

/** A row a data contract rejected, kept so it can be replayed once the contract changes. */
@Entity('quarantined_records')
@Index(['connectionId', 'id'])
export class QuarantinedRecordEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id!: string;
  @Column('uuid', { name: 'connection_id' }) connectionId!: string;
  @Column('uuid', { name: 'job_id', nullable: true }) jobId!: string | null;
  @Column('text', { name: 'stream_namespace', default: '' }) streamNamespace!: string;
  @Column('text', { name: 'stream_name' }) streamName!: string;
  @Column('jsonb') record!: Record<string, unknown>;
  @Column('text', { name: 'record_hash' }) recordHash!: string;
  @Column('text', { name: 'column_name' }) columnName!: string;
  @Column('text') reason!: string;
  @Column('text') contract!: DataContract;
  @Column('timestamptz', { name: 'quarantined_at', default: () => 'now()' }) quarantinedAt!: Date;
  @Column('uuid', { name: 'replayed_job_id', nullable: true }) replayedJobId!: string | null;
  @Column('timestamptz', { name: 'replayed_at', nullable: true }) replayedAt!: Date | null;
}
