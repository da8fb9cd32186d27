import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Schema drift: the catalog each connection accepted, and every change detected since. */
export class SchemaChanges1763900000000 implements MigrationInterface {
  name = 'SchemaChanges1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE connections ADD COLUMN catalog_id uuid REFERENCES actor_catalogs(id) ON DELETE SET NULL`);
    await queryRunner.query(`
      CREATE TABLE schema_changes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        connection_id uuid NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        job_id uuid REFERENCES jobs(id) ON DELETE SET NULL,
        catalog_id uuid NOT NULL REFERENCES actor_catalogs(id) ON DELETE CASCADE,
        changes jsonb NOT NULL,
        breaking boolean NOT NULL,
        action text NOT NULL CHECK (action IN ('propagated', 'ignored', 'pending_approval', 'approved', 'rejected', 'paused', 'failed')),
        detected_at timestamptz NOT NULL DEFAULT now(),
        resolved_at timestamptz,
        resolution_note text
      )`);
    await queryRunner.query(`CREATE INDEX schema_changes_connection_idx ON schema_changes (connection_id, detected_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE schema_changes`);
    await queryRunner.query(`ALTER TABLE connections DROP COLUMN catalog_id`);
  }
}
