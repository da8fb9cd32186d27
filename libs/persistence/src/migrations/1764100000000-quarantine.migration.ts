import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rows the data contracts rejected, kept for replay (the destination gets its own quarantine copy).
 * One unreplayed copy per (connection, stream, row): a resumed attempt does not quarantine twice.
 */
export class Quarantine1764100000000 implements MigrationInterface {
  name = 'Quarantine1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE jobs DROP CONSTRAINT IF EXISTS jobs_type_check`);
    await queryRunner.query(`ALTER TABLE jobs ADD CONSTRAINT jobs_type_check CHECK (type IN ('sync', 'refresh', 'clear', 'replay'))`);
    await queryRunner.query(`
      CREATE TABLE quarantined_records (
        id bigserial PRIMARY KEY,
        connection_id uuid NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        job_id uuid REFERENCES jobs(id) ON DELETE SET NULL,
        stream_namespace text NOT NULL DEFAULT '',
        stream_name text NOT NULL,
        record jsonb NOT NULL,
        record_hash text NOT NULL,
        column_name text NOT NULL,
        reason text NOT NULL,
        contract text NOT NULL,
        quarantined_at timestamptz NOT NULL DEFAULT now(),
        replayed_job_id uuid REFERENCES jobs(id) ON DELETE SET NULL,
        replayed_at timestamptz
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX quarantined_records_pending_unique ON quarantined_records (connection_id, stream_namespace, stream_name, record_hash) WHERE replayed_at IS NULL`,
    );
    await queryRunner.query(`CREATE INDEX quarantined_records_connection_idx ON quarantined_records (connection_id, id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE quarantined_records`);
    await queryRunner.query(`ALTER TABLE jobs DROP CONSTRAINT IF EXISTS jobs_type_check`);
    await queryRunner.query(`ALTER TABLE jobs ADD CONSTRAINT jobs_type_check CHECK (type IN ('sync', 'refresh', 'clear'))`);
  }
}
