/**
 * ObjectStore on S3 or an S3-compatible server, under `s3://{bucket}/{prefix}/`. Reads stream;
 * writes go through `@aws-sdk/lib-storage`'s Upload: one PUT for small bodies, a multipart upload
 * for large ones. S3 makes an object visible only when its PUT or CompleteMultipartUpload
 * succeeds, so a reader never sees a part; a failed multipart upload is aborted.
 */
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { httpStatusOf, isUnavailable } from './aws-clients.js';
import {
  assertSafeKey,
  ObjectNotFoundError,
  StorageUnavailableError,
  type ObjectBody,
  type ObjectRead,
  type ObjectStore,
  type PutOptions,
  type StoredObjectInfo,
} from './object-store.js';

export interface S3ObjectStoreOptions {
  /** Bodies larger than this are uploaded in parts of this size (S3's minimum part is 5 MiB). */
  readonly partSizeBytes?: number;
  /** Parts uploaded at once. */
  readonly queueSize?: number;
}

/** A conditional GET's answer: unchanged, or the current body as a stream. */
export type FetchResult =
  | { readonly notModified: true }
  | { readonly notModified: false; readonly etag: string; readonly bytes: number; readonly body: Readable };

const DEFAULT_PART_SIZE = 8 * 1024 * 1024;

export class S3ObjectStore implements ObjectStore {
  readonly location: string;

  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
    readonly prefix: string,
    private readonly options: S3ObjectStoreOptions = {},
  ) {
    this.location = `s3://${bucket}/${prefix ? `${prefix}/` : ''}`;
  }

  /** The S3 key of a storage key; refused (RangeError) before any request when unsafe. */
  objectKey(key: string): string {
    assertSafeKey(key);
    return this.prefix ? `${this.prefix}/${key}` : key;
  }

  async put(key: string, body: Uint8Array | string, options: PutOptions = {}): Promise<StoredObjectInfo> {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    return this.upload(key, bytes, bytes.byteLength, options);
  }

  async putFile(key: string, sourcePath: string, options: PutOptions = {}): Promise<StoredObjectInfo> {
    this.objectKey(key);
    const { size } = await stat(sourcePath);
    return this.upload(key, createReadStream(sourcePath), size, options);
  }

  async get(key: string): Promise<Uint8Array> {
    return (await this.read(key)).body;
  }

  async read(key: string): Promise<ObjectBody> {
    const fetched = await this.fetch(key);
    if (fetched.notModified) throw new Error('unconditional GET answered 304');
    const body = await this.guard(key, 'read', async () => Buffer.concat(await fetched.body.toArray()));
    return { key, bytes: body.byteLength, origin: 'store', body };
  }

  async getToFile(key: string, targetPath: string): Promise<ObjectRead> {
    const fetched = await this.fetch(key);
    if (fetched.notModified) throw new Error('unconditional GET answered 304');
    await this.guard(key, 'read', () => pipeline(fetched.body, createWriteStream(targetPath)));
    return { key, bytes: (await stat(targetPath)).size, origin: 'store' };
  }

  async head(key: string): Promise<StoredObjectInfo | null> {
    const Key = this.objectKey(key);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key }));
      return { key, bytes: out.ContentLength ?? 0, ...(out.ETag ? { etag: out.ETag } : {}) };
    } catch (error) {
      if (httpStatusOf(error) === 404) return null;
      throw this.classify(error, key, 'head');
    }
  }

  async list(prefix: string): Promise<StoredObjectInfo[]> {
    const Prefix = `${this.objectKey(prefix)}/`;
    const strip = this.prefix ? this.prefix.length + 1 : 0;
    const found: StoredObjectInfo[] = [];
    let ContinuationToken: string | undefined;
    do {
      const page = await this.guard(prefix, 'list', () =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix, ContinuationToken })),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined) continue;
        found.push({
          key: object.Key.slice(strip),
          bytes: object.Size ?? 0,
          ...(object.ETag ? { etag: object.ETag } : {}),
        });
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    const Key = this.objectKey(key);
    await this.guard(key, 'delete', () => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key })));
  }

  /**
   * GETs an object, or only checks it when `ifNoneMatch` is given and still current (HTTP 304).
   * The caller consumes or destroys the returned stream.
   */
  async fetch(key: string, ifNoneMatch?: string): Promise<FetchResult> {
    const Key = this.objectKey(key);
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key, ...(ifNoneMatch ? { IfNoneMatch: ifNoneMatch } : {}) }),
      );
      if (!(out.Body instanceof Readable)) throw new Error(`GET ${Key} returned no readable body`);
      return { notModified: false, etag: out.ETag ?? '', bytes: out.ContentLength ?? 0, body: out.Body };
    } catch (error) {
      if (httpStatusOf(error) === 304) return { notModified: true };
      if (httpStatusOf(error) === 404) throw new ObjectNotFoundError(key, this.location);
      throw this.classify(error, key, 'read');
    }
  }

  /** Checks that the bucket exists; creates it when `create` is set (dev and tests). */
  async ensureBucket(create: boolean): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return;
    } catch (error) {
      if (httpStatusOf(error) !== 404) throw this.classify(error, '', 'check the bucket of');
      if (!create)
        throw new Error(
          `S3 bucket ${this.bucket} does not exist: create it, or set CREATE_STORAGE=true to let courant create it`,
          { cause: error },
        );
    }
    try {
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists')
        throw this.classify(error, '', 'create the bucket of');
    }
  }

  private async upload(
    key: string,
    body: Uint8Array | Readable,
    bytes: number,
    options: PutOptions,
  ): Promise<StoredObjectInfo> {
    const Key = this.objectKey(key);
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.bucket,
        Key,
        Body: body,
        ...(options.contentType ? { ContentType: options.contentType } : {}),
      },
      partSize: this.options.partSizeBytes ?? DEFAULT_PART_SIZE,
      queueSize: this.options.queueSize ?? 4,
      leavePartsOnError: false,
    });
    try {
      const out = await upload.done();
      return { key, bytes, ...(out.ETag ? { etag: out.ETag } : {}) };
    } catch (error) {
      throw this.classify(error, key, 'write');
    }
  }

  private async guard<T>(key: string, what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw this.classify(error, key, what);
    }
  }

  /** The error to throw for a failed read of `key` (see classify). */
  readError(error: unknown, key: string): unknown {
    return this.classify(error, key, 'read');
  }

  /** Unreachable → StorageUnavailableError (retryable); anything else is returned unchanged. */
  private classify(error: unknown, key: string, what: string): unknown {
    if (error instanceof ObjectNotFoundError || error instanceof StorageUnavailableError) return error;
    if (!isUnavailable(error)) return error;
    const reason = error instanceof Error ? error.message || error.name : String(error);
    return new StorageUnavailableError(`could not ${what} ${this.location}${key}: S3 unreachable (${reason})`, {
      cause: error,
    });
  }
}
