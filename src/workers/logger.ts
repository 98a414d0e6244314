/**
 * The process logger: pino, structured, object-first, with secrets redacted. It writes JSON lines to
 * its destination; the CLI gives a person at a terminal a destination that turns them into readable lines.
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import { errorFields } from '../faults/error-fields.js';

/** Paths that may hold secrets, wherever they appear in a log object. */
const REDACTED_PATHS = [
  'apiKey',
  '*.apiKey',
  'password',
  '*.password',
  'secretAccessKey',
  '*.secretAccessKey',
  'authorization',
  '*.authorization',
  'TEMPORAL_API_KEY',
  '*.TEMPORAL_API_KEY',
  'AWS_SECRET_ACCESS_KEY',
  '*.AWS_SECRET_ACCESS_KEY',
  // The Enedis deliveries' AES key and the SFTP credentials (src/config/sftp.ts).
  'keyHex',
  '*.keyHex',
  'ivHex',
  '*.ivHex',
  'deliveryKey',
  '*.deliveryKey',
  'privateKey',
  '*.privateKey',
  'ENEDIS_AES_KEY',
  '*.ENEDIS_AES_KEY',
  'ENEDIS_AES_IV',
  '*.ENEDIS_AES_IV',
  'ENEDIS_SFTP_PRIVATE_KEY',
  '*.ENEDIS_SFTP_PRIVATE_KEY',
  'ENEDIS_SFTP_PASSWORD',
  '*.ENEDIS_SFTP_PASSWORD',
];

/** Errors logged under `err` or `error` keep their type, message, failure type, code and causes. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'courant' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: errorFields, error: errorFields },
    },
    destination ?? process.stderr,
  );
}
