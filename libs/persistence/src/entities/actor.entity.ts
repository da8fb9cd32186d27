import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { ConnectorKind, JsonObject } from '@tributary/protocol';

/** A configured source or destination. Secret fields of `config` are stored sealed. */
@Entity('actors')
@Index(['kind', 'createdAt'])
export class ActorEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') kind!: ConnectorKind;
  @Column('text', { name: 'definition_id' }) definitionId!: string;
  @Column('text') name!: string;
  @Column('jsonb') config!: JsonObject;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
