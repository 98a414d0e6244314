/** The files a day's readings came from on a dataset's SFTP server: its inputs matched by content to the pickup's records. */
import type { DatasetCatalog } from '../datasets/modules.js';
import type { DayRun, RecordStore, SftpFileRecord } from '../storage/records.js';

/**
 * The fetched files among the run's inputs (same bytes), by name; none when the dataset is not
 * picked up by SFTP or the run has no input. One query of the dataset's records.
 */
export async function remoteFilesOf(
  records: RecordStore,
  catalog: DatasetCatalog,
  run: DayRun | null,
): Promise<SftpFileRecord[]> {
  if (!run || run.inputs.length === 0 || !catalog.capability('sftp-pickup', run.dataset)) return [];
  const hashes = new Set(run.inputs.map((input) => input.sha256));
  return (await records.listSftpFiles(run.dataset)).filter((file) => hashes.has(file.sha256));
}
