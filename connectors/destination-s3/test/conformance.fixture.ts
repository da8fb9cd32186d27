// Conformance fixture: a SeaweedFS S3 server started for the suite (stopped, with its data, in
// teardown) and a fresh bucket. The bad config names a bucket that does not exist (the server
// never creates buckets on its own), which check must report as NoSuchBucket in words.
import type { ConformanceFixture } from '@tributary/connector-sdk/testing';
import { startS3Server } from '../../../tools/testing/s3-server';

export const fixture: ConformanceFixture = {
  async setup() {
    const server = await startS3Server();
    try {
      const bucket = await server.createBucket();
      const config = {
        bucket,
        prefix: 'conformance',
        endpoint: server.endpoint,
        region: server.region,
        access_key_id: server.credentials.accessKeyId,
        secret_access_key: server.credentials.secretAccessKey,
        format: 'parquet',
      };
      return { config, badConfig: { ...config, bucket: `${bucket}-missing` }, teardown: () => server.stop() };
    } catch (error) {
      await server.stop();
      throw error;
    }
  },
};
