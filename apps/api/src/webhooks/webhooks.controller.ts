// Webhooks: where to send sync succeeded / failed, schema change awaiting approval and connection
// auto-paused events, globally or for one connection. The signing secret is sealed and never shown.
import { ApiListResponse } from '../common/pagination.dto';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type Repository } from 'typeorm';
import { SecretCipher, WEBHOOK_EVENTS, WebhookDeliveryEntity, WebhookEntity } from '@tributary/persistence';
import { ApiException } from '../common/api.exception';
import { findOrFail } from '../common/find-or-fail';
import { ConnectionsService } from '../connections/connections.service';
import { CreateWebhookDto, ListWebhooksQueryDto, WebhookDto } from './webhook.dto';

const SECRET_SPEC = { type: 'object', properties: { secret: { type: 'string', secret: true } } };

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('webhooks')
export class WebhooksController {
  constructor(
    @InjectRepository(WebhookEntity) private readonly webhooks: Repository<WebhookEntity>,
    @InjectRepository(WebhookDeliveryEntity) private readonly deliveries: Repository<WebhookDeliveryEntity>,
    private readonly connections: ConnectionsService,
    private readonly cipher: SecretCipher,
  ) {}

  @Post()
  @ApiCreatedResponse({ type: WebhookDto })
  async create(@Body() body: CreateWebhookDto): Promise<WebhookDto> {
    if (body.connectionId) {
      await this.connections.get(body.connectionId).catch(() => {
        throw ApiException.invalid([{ field: 'connectionId', message: `no connection with id ${body.connectionId}` }]);
      });
    }
    const saved = await this.webhooks.save(
      this.webhooks.create({
        url: body.url,
        secret: this.cipher.seal(SECRET_SPEC, { secret: body.secret }),
        events: body.events ?? [...WEBHOOK_EVENTS],
        connectionId: body.connectionId ?? null,
      }),
    );
    return WebhookDto.from(saved);
  }

  @Get()
  @ApiListResponse(WebhookDto)
  async list(@Query() query: ListWebhooksQueryDto): Promise<{ items: WebhookDto[] }> {
    const where = query.connectionId ? [{ connectionId: query.connectionId }, { connectionId: IsNull() }] : {};
    return { items: (await this.webhooks.find({ where, order: { createdAt: 'DESC' } })).map((w) => WebhookDto.from(w)) };
  }

  @Get(':id')
  @ApiOkResponse({ type: WebhookDto })
  async get(@Param('id') id: string): Promise<WebhookDto> {
    const webhook = await findOrFail(this.webhooks, 'webhook', id);
    const recent = await this.deliveries.find({ where: { webhookId: webhook.id }, order: { createdAt: 'DESC' }, take: 50 });
    return WebhookDto.from(webhook, recent);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  async delete(@Param('id') id: string): Promise<void> {
    const webhook = await findOrFail(this.webhooks, 'webhook', id);
    await this.webhooks.delete({ id: webhook.id });
  }
}
