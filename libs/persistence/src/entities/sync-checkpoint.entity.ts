import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { JsonObject } from '@tributary/protocol';

/**
 * Where a job's destination stood at its last committed checkpoint. Written in the same
 * transaction as the stream states it accompanies, so a resumed attempt gets a consistent pair.
 */
@Entity('sync_checkpoints')
export class SyncCheckpointEntity {
  @PrimaryColumn('uuid', { name: 'job_id' }) jobId!: string;
  @Column('int') sequence!: number;
  @Column('jsonb', { name: 'destination_position', nullable: true }) destinationPosition!: JsonObject | null;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
