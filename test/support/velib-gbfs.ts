/**
 * A loopback stand-in for the Vélib' Métropole GBFS feed: `station_status.json` and
 * `station_information.json` answered with the real samples of the Vélib' demo (`test/support/samples.ts`). Status
 * requests can be held (the answer waits until released), so a test can stop a worker while a
 * snapshot is being taken.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_SAMPLES } from './samples.js';

export interface GbfsServer {
  readonly baseUrl: string;
  /** Requests answered or held so far, by file. */
  readonly requests: { status: number; information: number };
  /** Holds status requests from now on; resolves `arrived` at the first one held. */
  hold(): { readonly arrived: Promise<void>; release(): void };
  close(): Promise<void>;
}

export async function startGbfsServer(): Promise<GbfsServer> {
  const status = await readFile(DEMO_SAMPLES.velibStatus);
  const information = await readFile(DEMO_SAMPLES.velibInformation);
  const requests = { status: 0, information: 0 };
  const held: ServerResponse[] = [];
  let holding: { onArrival: () => void } | null = null;
  const answer = (res: ServerResponse, body: Buffer) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  const server = createServer((req, res) => {
    if (req.url?.endsWith('/station_status.json')) {
      requests.status += 1;
      if (holding) {
        held.push(res);
        holding.onArrival();
      } else answer(res, status);
    } else if (req.url?.endsWith('/station_information.json')) {
      requests.information += 1;
      answer(res, information);
    } else res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/opendata/Velib_Metropole`,
    requests,
    hold() {
      let onArrival = () => undefined as void;
      const arrived = new Promise<void>((resolve) => (onArrival = resolve));
      holding = { onArrival };
      return {
        arrived,
        release() {
          holding = null;
          for (const res of held.splice(0)) answer(res, status);
        },
      };
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
