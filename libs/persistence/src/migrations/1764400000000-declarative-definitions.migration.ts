import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Connector definitions made of a declarative manifest (run by source-declarative): the parsed
 * manifest, and its YAML text as written (comments included) for the Builder to edit. Plus the
 * results of the Builder's test reads, handed from the worker to the API and deleted once read
 * (records never travel through Temporal).
 */
export class DeclarativeDefinitions1764400000000 implements MigrationInterface {
  name = 'DeclarativeDefinitions1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE connector_definitions ADD COLUMN manifest jsonb, ADD COLUMN manifest_text text`);
    await queryRunner.query(`CREATE TABLE connector_builder_test_reads (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      result jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE connector_builder_test_reads`);
    await queryRunner.query(`ALTER TABLE connector_definitions DROP COLUMN manifest_text, DROP COLUMN manifest`);
  }
}
