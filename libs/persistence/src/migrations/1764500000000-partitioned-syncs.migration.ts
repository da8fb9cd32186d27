import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Scale-out: a sync's large streams run as partitions, one activity each, on any worker. Each
 * partition ("unit" n > 0; unit 0 is everything read whole) commits its own checkpoints and
 * states, and the sync's plan (the configured catalog and the source's partitions) is stored once
 * so that every activity works from the same one.
 */
export class PartitionedSyncs1764500000000 implements MigrationInterface {
  name = 'PartitionedSyncs1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE sync_checkpoints ADD COLUMN unit int NOT NULL DEFAULT 0`);
    await queryRunner.query(`ALTER TABLE sync_checkpoints DROP CONSTRAINT sync_checkpoints_pkey, ADD PRIMARY KEY (job_id, unit)`);
    await queryRunner.query(`ALTER TABLE stream_states ADD COLUMN unit int NOT NULL DEFAULT 0`);
    await queryRunner.query(`
      CREATE TABLE sync_plans (
        job_id uuid PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
        plan jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE sync_plans`);
    await queryRunner.query(`ALTER TABLE stream_states DROP COLUMN unit`);
    await queryRunner.query(`DELETE FROM sync_checkpoints WHERE unit <> 0`);
    await queryRunner.query(`ALTER TABLE sync_checkpoints DROP CONSTRAINT sync_checkpoints_pkey, DROP COLUMN unit, ADD PRIMARY KEY (job_id)`);
  }
}
