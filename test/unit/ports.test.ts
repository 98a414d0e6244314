/**
 * Free ports for the servers courant starts: drawn below the ports the system hands out, where a
 * server started beside (the Temporal dev server's own services ask for port 0) cannot take them.
 */
import net from 'node:net';
import { expect, it } from 'vitest';
import { DRAWN_PORTS_FROM, ephemeralPortsFrom, freePort } from '../../src/stack/ports.js';

it('draws ports a server can listen on, below the system’s own', async () => {
  const ephemeral = await ephemeralPortsFrom();
  const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
  for (const port of ports) {
    if (ephemeral !== null) {
      expect(port).toBeGreaterThanOrEqual(DRAWN_PORTS_FROM);
      expect(port).toBeLessThan(ephemeral);
    }
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  // Twenty draws among some seventeen thousand ports: more than a few repeats would be a broken draw.
  expect(new Set(ports).size).toBeGreaterThan(15);
});
