import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { JsonObject } from '@tributary/protocol';

/**
 * Where a job's destination stood at its last committed checkpoint. Written in the same
 * transaction as the stream states it accompanies, so a resumed attempt gets a consistent pair.
 */
@Entity('sync_checkpoints')
export class SyncCheckpointEntity {
  @PrimaryColumn('uuid', { name: 'job_id' }) jobId!: string;
  /** 0: the streams read whole; n > 0: partition n of a scaled-out sync (each resumes on its own). */
  @PrimaryColumn('int', { default: 0 }) unit!: number;
  @Column('int') sequence!: number;
  @Column('jsonb', { name: 'destination_position', nullable: true }) destinationPosition!: JsonObject | null;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
