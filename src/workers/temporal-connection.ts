/** Connections to Temporal from configuration: one for workers (native), one for clients. */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config/index.js';
import { connecting, type ServiceAddress } from '../faults/service-unavailable.js';

function temporalAddress(config: Config): ServiceAddress {
  return { service: 'Temporal', address: config.temporal.address, variable: 'TEMPORAL_ADDRESS' };
}

function connectionOptions(config: Config) {
  return {
    address: config.temporal.address,
    ...(config.temporal.tls || config.temporal.apiKey ? { tls: true } : {}),
    ...(config.temporal.apiKey ? { apiKey: config.temporal.apiKey } : {}),
  };
}

/** The worker's connection; an unreachable server is a ServiceUnavailableError naming TEMPORAL_ADDRESS. */
export function connectWorkerConnection(config: Config): Promise<NativeConnection> {
  return connecting(temporalAddress(config), () => NativeConnection.connect(connectionOptions(config)));
}

/** A client; an unreachable server is a ServiceUnavailableError within 6 seconds. */
export async function connectClient(config: Config): Promise<{ client: Client; close: () => Promise<void> }> {
  const connection = await connecting(temporalAddress(config), () =>
    Connection.connect({ ...connectionOptions(config), connectTimeout: '6 seconds' }),
  );
  return { client: new Client({ connection, namespace: config.temporal.namespace }), close: () => connection.close() };
}
