/** Connections to Temporal from configuration: one for workers (native), one for clients. */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config/index.js';

function connectionOptions(config: Config) {
  return {
    address: config.temporal.address,
    ...(config.temporal.tls || config.temporal.apiKey ? { tls: true } : {}),
    ...(config.temporal.apiKey ? { apiKey: config.temporal.apiKey } : {}),
  };
}

export function connectWorkerConnection(config: Config): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(config));
}

export async function connectClient(config: Config): Promise<{ client: Client; close: () => Promise<void> }> {
  const connection = await Connection.connect({ ...connectionOptions(config), connectTimeout: '10 seconds' });
  return { client: new Client({ connection, namespace: config.temporal.namespace }), close: () => connection.close() };
}
