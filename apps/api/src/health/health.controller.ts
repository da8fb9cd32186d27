import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../auth/public.decorator';
import { TemporalGateway } from '../temporal/temporal.gateway';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly temporal: TemporalGateway,
  ) {}

  /** 200 when the metadata store and Temporal answer, 503 otherwise. No token needed. */
  @Public()
  @Get()
  @ApiOkResponse({ description: 'Status of the API and of what it depends on.' })
  async health(@Res({ passthrough: true }) response: Response): Promise<{ status: 'ok' | 'degraded'; database: 'up' | 'down'; temporal: 'up' | 'down' }> {
    const database = await this.dataSource.query('SELECT 1').then(() => 'up' as const, () => 'down' as const);
    const temporal = (await this.temporal.isReachable()) ? ('up' as const) : ('down' as const);
    const status = database === 'up' && temporal === 'up' ? 'ok' : 'degraded';
    if (status !== 'ok') response.status(HttpStatus.SERVICE_UNAVAILABLE);
    return { status, database, temporal };
  }
}
