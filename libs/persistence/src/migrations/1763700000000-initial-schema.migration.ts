import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The first metadata schema: definitions, actors, connections, jobs and their history, state, tokens. */
export class InitialSchema1763700000000 implements MigrationInterface {
  name = 'InitialSchema1763700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE connector_definitions (
        id text PRIMARY KEY,
        name text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('source', 'destination')),
        version text NOT NULL,
        description text,
        icon text,
        documentation_url text,
        docs text,
        spec jsonb NOT NULL,
        origin text NOT NULL,
        available boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE actors (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind IN ('source', 'destination')),
        definition_id text NOT NULL REFERENCES connector_definitions(id),
        name text NOT NULL,
        config jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX actors_kind_created_at_idx ON actors (kind, created_at)`);
    await queryRunner.query(`
      CREATE TABLE actor_catalogs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        actor_id uuid NOT NULL REFERENCES actors(id) ON DELETE CASCADE,
        catalog jsonb NOT NULL,
        catalog_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX actor_catalogs_actor_created_idx ON actor_catalogs (actor_id, created_at)`);
    await queryRunner.query(`
      CREATE TABLE connections (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        source_id uuid NOT NULL REFERENCES actors(id),
        destination_id uuid NOT NULL REFERENCES actors(id),
        streams jsonb NOT NULL,
        schedule jsonb NOT NULL,
        schema_change_policy jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('active', 'paused')),
        namespace_definition text NOT NULL,
        namespace_format text,
        prefix text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX connections_source_idx ON connections (source_id)`);
    await queryRunner.query(`CREATE INDEX connections_destination_idx ON connections (destination_id)`);
    await queryRunner.query(`
      CREATE TABLE jobs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        connection_id uuid NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        type text NOT NULL CHECK (type IN ('sync', 'refresh', 'clear')),
        status text NOT NULL CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'cancelled')),
        streams jsonb,
        workflow_id text,
        run_id text,
        failure_type text,
        failure_message text,
        records_committed bigint NOT NULL DEFAULT 0,
        bytes_committed bigint NOT NULL DEFAULT 0,
        started_at timestamptz,
        ended_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX jobs_connection_created_idx ON jobs (connection_id, created_at)`);
    await queryRunner.query(`CREATE INDEX jobs_status_idx ON jobs (status)`);
    // At most one active job per connection: the database itself refuses a second trigger.
    await queryRunner.query(`CREATE UNIQUE INDEX jobs_one_active_per_connection ON jobs (connection_id) WHERE status IN ('pending', 'running')`);
    await queryRunner.query(`
      CREATE TABLE attempts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        job_id uuid NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        number int NOT NULL,
        status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled')),
        failure_type text,
        failure_message text,
        records_committed bigint NOT NULL DEFAULT 0,
        bytes_committed bigint NOT NULL DEFAULT 0,
        resumed boolean NOT NULL DEFAULT false,
        started_at timestamptz NOT NULL,
        ended_at timestamptz,
        CONSTRAINT attempts_job_number_unique UNIQUE (job_id, number)
      )`);
    await queryRunner.query(`
      CREATE TABLE stream_stats (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        job_id uuid NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        attempt_id uuid NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
        stream_namespace text NOT NULL DEFAULT '',
        stream_name text NOT NULL,
        records_emitted bigint NOT NULL DEFAULT 0,
        records_committed bigint NOT NULL DEFAULT 0,
        bytes_committed bigint NOT NULL DEFAULT 0,
        status text NOT NULL DEFAULT 'running',
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT stream_stats_attempt_stream_unique UNIQUE (attempt_id, stream_namespace, stream_name)
      )`);
    await queryRunner.query(`
      CREATE TABLE job_logs (
        id bigserial PRIMARY KEY,
        job_id uuid NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        attempt_number int,
        at timestamptz NOT NULL,
        level text NOT NULL,
        message text NOT NULL,
        fields jsonb
      )`);
    await queryRunner.query(`CREATE INDEX job_logs_job_id_idx ON job_logs (job_id, id)`);
    await queryRunner.query(`
      CREATE TABLE stream_states (
        id bigserial PRIMARY KEY,
        connection_id uuid NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        job_id uuid NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        attempt_number int NOT NULL,
        stream_namespace text NOT NULL DEFAULT '',
        stream_name text NOT NULL,
        state jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX stream_states_current_idx ON stream_states (connection_id, stream_namespace, stream_name, id)`);
    await queryRunner.query(`CREATE INDEX stream_states_job_idx ON stream_states (job_id)`);
    await queryRunner.query(`
      CREATE TABLE sync_checkpoints (
        job_id uuid PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
        sequence int NOT NULL,
        destination_position jsonb,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE api_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        token_hash text NOT NULL UNIQUE,
        prefix text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['api_tokens', 'sync_checkpoints', 'stream_states', 'job_logs', 'stream_stats', 'attempts', 'jobs', 'connections', 'actor_catalogs', 'actors', 'connector_definitions']) {
      await queryRunner.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
