import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

export const S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** A real S3-compatible server (the s3rver package) on a free port, its objects in a temporary directory. */
export class LocalS3 {
  private server: S3rver | null = null;
  private directory = '';
  port = 0;
  client!: S3Client;

  async start(bucket: string): Promise<string> {
    this.directory = await mkdtemp(join(tmpdir(), 'iperform-s3-'));
    this.server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: this.directory });
    this.port = (await this.server.run()).port;
    this.client = new S3Client({
      endpoint: this.url,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: S3_CREDENTIALS,
    });
    await this.client.send(new CreateBucketCommand({ Bucket: bucket }));
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async keys(bucket: string): Promise<string[]> {
    const out = await this.client.send(new ListObjectsV2Command({ Bucket: bucket }));
    return (out.Contents ?? []).map((o) => o.Key ?? '');
  }

  async close(): Promise<void> {
    this.client?.destroy();
    await this.server?.close();
    await rm(this.directory, { recursive: true, force: true });
  }
}
