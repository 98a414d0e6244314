/**
 * Clients that count their calls in the cost ledger (src/cost/ledger.ts): the object store (objects and
 * bytes read and written), the record store (calls) and DuckDB (statements). Used only when the
 * ledger is on; every call goes to the wrapped client unchanged.
 */
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { ObjectStore } from '../storage/object-store.js';
import { inPlace } from './object-store.js';
import type { RecordStore } from '../storage/records.js';
import { countCost } from '../cost/ledger.js';

export function costCountedObjectStore(store: ObjectStore): ObjectStore {
  const read = <T extends { bytes: number }>(result: T): T => {
    countCost('objectsRead');
    countCost('bytesRead', result.bytes);
    return result;
  };
  const written = <T extends { bytes: number }>(result: T): T => {
    countCost('objectsWritten');
    countCost('bytesWritten', result.bytes);
    return result;
  };
  const call = <T>(result: T): T => {
    countCost('objectCalls');
    return result;
  };
  return {
    location: store.location,
    put: async (key, body, options) => written(await store.put(key, body, options)),
    putFile: async (key, sourcePath, options) => written(await store.putFile(key, sourcePath, options)),
    get: async (key) => read(await store.read(key)).body,
    read: async (key) => read(await store.read(key)),
    getToFile: async (key, targetPath) => read(await store.getToFile(key, targetPath)),
    ...(store.fileInPlace ? { fileInPlace: inPlace(store.fileInPlace.bind(store), read) } : {}),
    head: async (key) => call(await store.head(key)),
    list: async (prefix) => call(await store.list(prefix)),
    delete: async (key) => call(await store.delete(key)),
  };
}

/** A property of `object` as it is, a method bound to it. */
function boundProperty(object: object, value: unknown): unknown {
  return typeof value === 'function' ? (value.bind(object) as unknown) : value;
}

/** Every method of `target` counted as `kind` when called; other properties as they are. */
function countingMethods<T extends object>(
  target: T,
  counts: (name: string) => boolean,
  kind: 'recordCalls' | 'duckdbStatements',
): T {
  return new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function' || typeof property !== 'string' || !counts(property)) {
        return boundProperty(object, value);
      }
      return (...args: unknown[]): unknown => {
        countCost(kind);
        return Reflect.apply(value, object, args);
      };
    },
  });
}

export function costCountedRecordStore(records: RecordStore): RecordStore {
  return countingMethods(records, (name) => name !== 'close' && name !== 'ensureSchema', 'recordCalls');
}

/** Statements: `run…` and `stream…` calls of every connection the instance opens. */
export function costCountedDuckDb(instance: DuckDBInstance): DuckDBInstance {
  const statement = (name: string) => name.startsWith('run') || name.startsWith('stream');
  return new Proxy(instance, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (property !== 'connect' || typeof value !== 'function') return boundProperty(object, value);
      return async (): Promise<DuckDBConnection> =>
        countingMethods(await object.connect(), statement, 'duckdbStatements');
    },
  });
}
