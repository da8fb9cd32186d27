// A connection's schedule lives in Temporal Schedules (no in-process timers): this keeps the
// schedule in step with the connection — created, updated, paused with it, deleted with it — and
// reconciles all of them at start, so a Temporal that lost them gets them back.
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { ScheduleSpec } from '@temporalio/client';
import { JsonLogger } from '@tributary/connector-sdk';
import { ConnectionEntity } from '@tributary/persistence';
import { ApiException } from '../common/api.exception';
import { ScheduleRejectedError, TemporalGateway } from '../temporal/temporal.gateway';

type Scheduled = Pick<ConnectionEntity, 'id' | 'name' | 'schedule' | 'status' | 'statusReason'>;

@Injectable()
export class ConnectionScheduler implements OnApplicationBootstrap {
  constructor(
    private readonly temporal: TemporalGateway,
    @InjectRepository(ConnectionEntity) private readonly connections: Repository<ConnectionEntity>,
    private readonly logger: JsonLogger,
  ) {}

  /** Makes Temporal's schedule match the connection; a spec Temporal refuses is a 400 on `schedule`. */
  async apply(connection: Scheduled): Promise<void> {
    const schedule = connection.schedule;
    if (schedule.type === 'manual') {
      await this.temporal.deleteSchedule(connection.id);
      return;
    }
    const spec: ScheduleSpec =
      schedule.type === 'interval'
        ? { intervals: [{ every: `${schedule.everyMinutes} minutes` }] }
        : { cronExpressions: [schedule.cron], timezone: schedule.timezone };
    const paused = connection.status === 'paused';
    const note = paused ? (connection.statusReason ?? 'connection paused') : `syncs of connection "${connection.name}"`;
    try {
      await this.temporal.upsertSchedule(connection.id, spec, paused, note);
    } catch (error) {
      if (error instanceof ScheduleRejectedError) {
        throw ApiException.invalid([{ field: schedule.type === 'cron' ? 'schedule.cron' : 'schedule', message: `was refused by the scheduler: ${error.message}` }]);
      }
      throw error;
    }
  }

  remove(connectionId: string): Promise<void> {
    return this.temporal.deleteSchedule(connectionId);
  }

  async nextRunAt(connection: Pick<ConnectionEntity, 'id' | 'schedule'>): Promise<Date | null> {
    if (connection.schedule.type === 'manual') return null;
    const [next] = await this.temporal.nextRunTimes(connection.id);
    return next ?? null;
  }

  onApplicationBootstrap(): void {
    // In the background: start-up does not wait on Temporal for every connection.
    void this.reconcile();
  }

  private async reconcile(): Promise<void> {
    const withSchedule = await this.connections
      .createQueryBuilder('connection')
      .where(`connection.schedule->>'type' <> 'manual'`)
      .getMany()
      .catch((error: unknown) => {
        this.logger.warn(`could not list scheduled connections: ${(error as Error).message}`);
        return [] as ConnectionEntity[];
      });
    for (const connection of withSchedule) {
      try {
        await this.apply(connection);
      } catch (error) {
        this.logger.warn(`could not reconcile the schedule of connection ${connection.id}: ${(error as Error).message}`);
      }
    }
    if (withSchedule.length) this.logger.info(`reconciled ${withSchedule.length} connection schedule(s) with Temporal`);
  }
}
