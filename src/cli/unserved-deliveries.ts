/**
 * The entries a dataset's SFTP server lists but could not serve, as `courant status` lists them:
 * each with the server's answer, its tries and when the pickup tries it again. The pickup fetches
 * the other files meanwhile; listing them makes the one left behind visible.
 */
import type { RecordStore, SftpFaultRecord } from '../storage/records.js';

/** Lines listed at most; the rest are counted. */
const MAX_LISTED = 20;

/** The faults of the datasets picked up by SFTP among `datasets`, by dataset then name. */
export async function unservedDeliveries(
  records: RecordStore,
  datasets: readonly string[],
): Promise<SftpFaultRecord[]> {
  const found: SftpFaultRecord[] = [];
  for (const dataset of datasets) found.push(...(await records.listSftpFaults(dataset)));
  return found;
}

/** The status section of entries the SFTP server could not serve; empty when there are none. */
export function unservedDeliveriesText(faults: readonly SftpFaultRecord[]): string {
  if (faults.length === 0) return '';
  const lines = faults
    .slice(0, MAX_LISTED)
    .map(
      (f) =>
        `  ${f.dataset}  ${f.name}  ${f.reason}  (${f.attempts} ${f.attempts === 1 ? 'try' : 'tries'} since ${f.firstFailedAt}, next after ${f.nextTryAt})`,
    );
  if (faults.length > MAX_LISTED) lines.push(`  … and ${faults.length - MAX_LISTED} more`);
  return (
    `\nFiles the SFTP server lists but could not serve (${faults.length}): the others are fetched meanwhile, ` +
    `each of these is tried again by itself, less and less often — fix or remove it on the server:\n` +
    `${lines.join('\n')}\n`
  );
}
