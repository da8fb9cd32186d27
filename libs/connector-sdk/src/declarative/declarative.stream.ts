// One stream of a manifest, composed from its parts: a requester (auth, rate limit, retries,
// error rules), a paginator per partition, the record selector, the transformations and — when
// incremental — the cursor, which adds the lower bound to the request and filters old records.
// `pages()` reads one partition; partitions come from the partition router.
import type { HttpRequester } from '../http/http.requester';
import { readPages } from '../http/http-pages.reader';
import type { HttpRequest, HttpResponse, PreparedRequest } from '../http/http.types';
import type { IncrementalCursor } from './incremental.cursor';
import { type InterpolationContext, interpolateDeep, interpolateMap, interpolateString } from './interpolation';
import type { DeclarativeManifest, StreamDefinition } from './manifest.types';
import { createPaginator } from './paginator.factory';
import { createRecordTransformer, type RecordTransformer } from './record.transformer.factory';
import { createRequester, effectiveSettings, type RequesterEnvironment } from './requester.factory';

/** A slice of a stream: the whole stream (key ''), or the records of one parent record. */
export interface Partition {
  key: string;
  parent?: Record<string, unknown>;
}

export interface StreamPage {
  partition: Partition;
  /** The request as sent (last attempt), credentials included: mask before showing it. */
  request: PreparedRequest | undefined;
  response: HttpResponse;
  /** The page's records after transformations, without those older than the cursor's bound. */
  records: Record<string, unknown>[];
}

export interface PagesOptions {
  cursor?: IncrementalCursor;
  maxPages?: number;
  signal?: AbortSignal;
}

export class DeclarativeStream {
  private readonly requester: HttpRequester;
  private readonly transform: RecordTransformer;
  private lastRequest: PreparedRequest | undefined;

  constructor(
    readonly manifest: DeclarativeManifest,
    readonly definition: StreamDefinition,
    private readonly config: Record<string, unknown>,
    environment: RequesterEnvironment = {},
  ) {
    const observe = environment.hooks?.onAttempt;
    this.requester = createRequester(manifest, definition, { config }, {
      ...environment,
      hooks: {
        ...environment.hooks,
        onAttempt: (request) => {
          this.lastRequest = request;
          observe?.(request);
        },
      },
    });
    this.transform = createRecordTransformer(definition.transformations, config);
  }

  get name(): string {
    return this.definition.name;
  }

  /** Composite primary key as protocol paths (`[["id"]]`), [] when there is none. */
  get primaryKey(): string[][] {
    const key = this.definition.primary_key;
    if (key === undefined) return [];
    return (typeof key === 'string' ? [key] : key).map((field) => [field]);
  }

  async *pages(partition: Partition, options: PagesOptions = {}): AsyncGenerator<StreamPage> {
    const { cursor } = options;
    const request = this.request(partition, cursor);
    const paginator = createPaginator(this.definition.pagination);
    const recordField = this.definition.parent?.record_field;
    for await (const page of readPages(this.requester, request, { paginator, recordPath: this.definition.record_selector?.path, maxPages: options.maxPages, signal: options.signal })) {
      const records: Record<string, unknown>[] = [];
      for (const raw of page.records) {
        const tagged = recordField && partition.parent ? { ...raw, [recordField]: partition.parent[this.definition.parent?.key ?? 'id'] } : raw;
        const record = this.transform(tagged, partition.parent);
        if (cursor && !cursor.observe(record, partition.key)) continue;
        records.push(record);
      }
      yield { partition, request: this.lastRequest, response: page.response, records };
    }
  }

  close(): Promise<void> {
    return this.requester.close();
  }

  private request(partition: Partition, cursor: IncrementalCursor | undefined): HttpRequest {
    const context: InterpolationContext = { config: this.config, parent: partition.parent };
    const settings = effectiveSettings(this.manifest, this.definition);
    const headers = Object.fromEntries(Object.entries(interpolateMap(settings.headers, context)).map(([k, v]) => [k, String(v)]));
    return {
      method: this.definition.method ?? 'GET',
      path: interpolateString(this.definition.path, context, encodeURIComponent),
      query: { ...interpolateMap(settings.params, context), ...cursor?.requestParams(partition.key) },
      headers,
      ...(this.definition.body ? { json: interpolateDeep(this.definition.body, context) } : {}),
    };
  }
}
