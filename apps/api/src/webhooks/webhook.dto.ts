import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayNotEmpty, IsArray, IsIn, IsOptional, IsString, IsUrl, IsUUID, MinLength } from 'class-validator';
import { WEBHOOK_EVENTS, type WebhookDeliveryEntity, type WebhookEntity, type WebhookEvent } from '@tributary/persistence';

export class CreateWebhookDto {
  @ApiProperty({ example: 'https://hooks.example.com/tributary' })
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'must be an http(s) URL' })
  url!: string;

  @ApiProperty({ minLength: 16, description: 'Key of the HMAC-SHA256 signature (X-Tributary-Signature: t=<unix time>,v1=<hex of HMAC(secret, "<t>.<body>")>). Never returned.' })
  @IsString()
  @MinLength(16)
  secret!: string;

  @ApiPropertyOptional({ enum: WEBHOOK_EVENTS, isArray: true, description: 'Default: every event.' })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @IsIn(WEBHOOK_EVENTS, { each: true, message: `each value must be one of ${WEBHOOK_EVENTS.join(', ')}` })
  events?: WebhookEvent[];

  @ApiPropertyOptional({ format: 'uuid', description: 'Only events of this connection; omitted means every connection.' })
  @IsOptional()
  @IsUUID()
  connectionId?: string;
}

export class ListWebhooksQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  connectionId?: string;
}

export class WebhookDeliveryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: WEBHOOK_EVENTS }) event!: string;
  @ApiProperty({ enum: ['pending', 'delivered', 'failed'] }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiPropertyOptional({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty() createdAt!: Date;
  @ApiPropertyOptional({ nullable: true, type: Date }) deliveredAt!: Date | null;

  static from(d: WebhookDeliveryEntity): WebhookDeliveryDto {
    return { id: d.id, event: d.event, status: d.status, attempts: d.attempts, lastError: d.lastError, createdAt: d.createdAt, deliveredAt: d.deliveredAt };
  }
}

export class WebhookDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ enum: WEBHOOK_EVENTS, isArray: true }) events!: string[];
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) connectionId!: string | null;
  @ApiProperty() enabled!: boolean;
  @ApiProperty() createdAt!: Date;
  @ApiPropertyOptional({ type: [WebhookDeliveryDto], description: 'The latest deliveries (on GET by id).' }) deliveries?: WebhookDeliveryDto[];

  static from(w: WebhookEntity, deliveries?: WebhookDeliveryEntity[]): WebhookDto {
    return {
      id: w.id,
      url: w.url,
      events: w.events,
      connectionId: w.connectionId,
      enabled: w.enabled,
      createdAt: w.createdAt,
      ...(deliveries ? { deliveries: deliveries.map((d) => WebhookDeliveryDto.from(d)) } : {}),
    };
  }
}
