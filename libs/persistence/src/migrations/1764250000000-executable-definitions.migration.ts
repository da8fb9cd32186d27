import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Out-of-process connector definitions created through the API: the program to run ({ command, args }). */
export class ExecutableDefinitions1764250000000 implements MigrationInterface {
  name = 'ExecutableDefinitions1764250000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE connector_definitions ADD COLUMN executable jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE connector_definitions DROP COLUMN executable`);
  }
}
