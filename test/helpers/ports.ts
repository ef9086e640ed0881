import net from 'node:net';

/**
 * A loopback port nothing listens on now, for a process the test or benchmark starts (taken, then
 * let go; the machine is shared, so a random one may be taken).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
