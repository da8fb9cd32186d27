import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { ConnectorKind, ConnectorSpecification, JsonObject } from '@tributary/protocol';

/** A connector the platform can run: synced from the registry at start. */
@Entity('connector_definitions')
export class ConnectorDefinitionEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text') name!: string;
  @Column('text') kind!: ConnectorKind;
  @Column('text') version!: string;
  @Column('text', { nullable: true }) description!: string | null;
  @Column('text', { nullable: true }) icon!: string | null;
  @Column('text', { name: 'documentation_url', nullable: true }) documentationUrl!: string | null;
  @Column('text', { nullable: true }) docs!: string | null;
  @Column('jsonb') spec!: ConnectorSpecification;
  @Column('text') origin!: 'builtin' | 'plugin' | 'custom';
  /** For executable connectors defined through the API (origin custom): the program speaking the protocol on stdio. */
  @Column('jsonb', { nullable: true }) executable!: { command: string; args?: string[] } | null;
  /** For definitions made of a declarative manifest (origin custom): the parsed manifest, run by source-declarative. */
  @Column('jsonb', { nullable: true }) manifest!: JsonObject | null;
  /** The manifest's YAML text as written, when it was given as text (for the Builder to edit). */
  @Column('text', { name: 'manifest_text', nullable: true }) manifestText!: string | null;
  /** False when the connector is no longer found by the registry (kept for existing actors). */
  @Column('boolean', { default: true }) available!: boolean;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
