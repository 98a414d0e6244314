/**
 * A record store that refuses to read a dataset's whole history of SFTP files (`listSftpFiles`):
 * what must look records up by key (the pickup, the inbox scan) runs on it unchanged.
 */
import type { RecordStore } from '../../src/storage/records.js';

export function byKeyOnly(records: RecordStore): RecordStore {
  return new Proxy(records, {
    get(target, property, receiver) {
      if (property === 'listSftpFiles')
        return () => Promise.reject(new Error('read every SFTP record of the dataset instead of looking names up'));
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
