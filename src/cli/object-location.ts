/** Where a stored object can be opened: a local path in local mode, an `s3://` URI in aws mode. */
import path from 'node:path';
import type { Config } from '../config/index.js';

export function objectLocation(config: Config, key: string): string {
  const s3 = config.storage.s3;
  if (!s3) return path.join(config.storage.dataDir, key);
  return `s3://${s3.bucket}/${s3.prefix ? `${s3.prefix}/` : ''}${key}`;
}
