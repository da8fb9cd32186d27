import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Why a connection is paused, what started a job, and live progress of a running job. */
export class ConnectionLifecycle1763800000000 implements MigrationInterface {
  name = 'ConnectionLifecycle1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE connections ADD COLUMN status_reason text`);
    await queryRunner.query(`ALTER TABLE jobs ADD COLUMN trigger text NOT NULL DEFAULT 'manual' CHECK (trigger IN ('manual', 'schedule'))`);
    await queryRunner.query(`ALTER TABLE jobs ADD COLUMN records_emitted bigint NOT NULL DEFAULT 0`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE jobs DROP COLUMN records_emitted`);
    await queryRunner.query(`ALTER TABLE jobs DROP COLUMN trigger`);
    await queryRunner.query(`ALTER TABLE connections DROP COLUMN status_reason`);
  }
}
