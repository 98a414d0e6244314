/**
 * The `sftp-pickup` capability: the dataset's files may be delivered on an SFTP server, from which
 * the pickup schedule fetches each new one into `inbox/{dataset}/` (its `drop` capability then
 * reads it). The server is configured by the dataset's `{NAME}_SFTP_*` variables
 * (`src/config/sftp.ts`); without `{NAME}_SFTP_HOST` nothing is picked up.
 */
import type { DatasetDefinition } from '../contract.js';

export interface SftpPickupCapability {
  readonly kind: 'sftp-pickup';
  readonly dataset: string;
}

/** Files of `dataset` may be picked up from an SFTP server into its inbox. */
export function sftpPickup<TConfig, TMetrics>(dataset: DatasetDefinition<TConfig, TMetrics>): SftpPickupCapability {
  return { kind: 'sftp-pickup', dataset: dataset.name };
}
