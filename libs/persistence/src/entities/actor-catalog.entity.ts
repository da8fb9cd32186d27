import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { AirbyteCatalog } from '@tributary/protocol';

/** A catalog discovered from a source; the newest per actor is the current one. */
@Entity('actor_catalogs')
@Index(['actorId', 'createdAt'])
export class ActorCatalogEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'actor_id' }) actorId!: string;
  @Column('jsonb') catalog!: AirbyteCatalog;
  @Column('text', { name: 'catalog_hash' }) catalogHash!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
