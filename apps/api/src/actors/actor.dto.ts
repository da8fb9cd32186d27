import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import type { ActorEntity } from '@tributary/persistence';
import { maskSealedConfig } from '@tributary/persistence';
import type { AirbyteCatalog, JsonObject } from '@tributary/protocol';

export class CreateActorDto {
  @ApiProperty({ example: 'Demo data', maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ example: 'source-faker', description: 'Id of a connector definition of the matching kind.' })
  @IsString()
  @IsNotEmpty()
  definitionId!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, description: "Valid against the definition's spec." })
  @IsObject()
  config!: JsonObject;
}

export class UpdateActorDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'The whole new config; secrets sent back masked keep their stored value.' })
  @IsOptional()
  @IsObject()
  config?: JsonObject;
}

export class ActorDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() definitionId!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Secret fields are masked.' }) config!: JsonObject;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;

  static from(entity: ActorEntity): ActorDto {
    return Object.assign(new ActorDto(), {
      id: entity.id,
      name: entity.name,
      definitionId: entity.definitionId,
      config: maskSealedConfig(entity.config),
      createdAt: entity.createdAt,
      updatedAt: entity.updatedAt,
    });
  }
}

export class CheckResultDto {
  @ApiProperty({ enum: ['succeeded', 'failed'] }) status!: 'succeeded' | 'failed';
  @ApiPropertyOptional({ description: "The connector's message when the check failed." }) message?: string;
}

export class DiscoverResultDto {
  @ApiProperty({ format: 'uuid' }) catalogId!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) catalog!: AirbyteCatalog;
}
