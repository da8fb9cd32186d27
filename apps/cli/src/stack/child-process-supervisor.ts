// Owns a set of running services (child processes, embedded Postgres, the Temporal dev server):
// stops them in the reverse order they were started, one at a time so each can still reach what
// it depends on while it shuts down, and reports the first one that dies on its own.
import { ManagedProcess, type ProcessExit, type ProcessSpec, type StopOptions } from './managed-process';

/** Anything the supervisor can watch and stop. */
export interface SupervisedService {
  readonly name: string;
  /** Resolves (never rejects) when the service has ended, for whatever reason. */
  readonly exited: Promise<ProcessExit>;
  stop(): Promise<unknown>;
  /** The last captured output lines, when the service keeps them. */
  output?(lastLines?: number): string;
}

export interface UnexpectedExit {
  name: string;
  exit: ProcessExit;
  /** Its last output lines, when known. */
  output?: string;
}

export interface SupervisorOptions {
  /** Grace period of spawned processes between their stop signal and SIGKILL (default 10 s). */
  stopTimeoutMs?: number;
  /** Called for a service that ends while nobody asked it to. */
  onUnexpectedExit?: (event: UnexpectedExit) => void;
  /** Called when stopping a service threw; stopping goes on with the next one. */
  onStopError?: (name: string, error: unknown) => void;
}

export class ChildProcessSupervisor {
  private readonly services: SupervisedService[] = [];
  private stopping: Promise<void> | undefined;
  private unexpected: UnexpectedExit | undefined;
  private resolveUnexpected!: (event: UnexpectedExit) => void;
  /** Resolves with the first service that ended on its own (never, if none does). */
  readonly firstUnexpectedExit = new Promise<UnexpectedExit>((resolve) => (this.resolveUnexpected = resolve));

  constructor(private readonly options: SupervisorOptions = {}) {}

  /** Watches an already started service; `stopAll` stops the last added first. */
  add<T extends SupervisedService>(service: T): T {
    this.services.push(service);
    void service.exited.then((exit) => {
      if (this.stopping || this.unexpected) return;
      const event = { name: service.name, exit, output: service.output?.(40) };
      this.unexpected = event;
      this.options.onUnexpectedExit?.(event);
      this.resolveUnexpected(event);
    });
    return service;
  }

  /** Spawns a child process and watches it. */
  spawn(spec: ProcessSpec, stop: StopOptions = {}): ManagedProcess {
    const child = ManagedProcess.spawn(spec);
    const timeoutMs = stop.timeoutMs ?? this.options.stopTimeoutMs;
    this.add({ name: child.name, exited: child.exited, stop: () => child.stop({ ...stop, timeoutMs }), output: (lines) => child.output(lines) });
    return child;
  }

  /** The first service that ended on its own, if one did (checked by readiness waits). */
  get unexpectedExit(): UnexpectedExit | undefined {
    return this.unexpected;
  }

  get isStopping(): boolean {
    return this.stopping !== undefined;
  }

  /** Names of the services, in start order. */
  get names(): string[] {
    return this.services.map((service) => service.name);
  }

  /** Stops every service, last started first. Safe to call more than once (same promise). */
  stopAll(): Promise<void> {
    this.stopping ??= (async () => {
      for (const service of [...this.services].reverse()) {
        try {
          await service.stop();
        } catch (error) {
          this.options.onStopError?.(service.name, error);
        }
      }
    })();
    return this.stopping;
  }
}
