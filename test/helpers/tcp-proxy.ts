import net from 'node:net';

/**
 * A TCP proxy in front of the PostgreSQL server, standing for the database's restart in the
 * replica tests: `restart()` cuts every connection through it (the server aborts their
 * transactions and drops their session locks, as a restart does) and refuses new ones for a
 * while, then lets them through again. The data stays, as after a real restart.
 */
export interface TcpProxy {
  port: number;
  restart(downMs: number): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let down = false;
  const server = net.createServer((client) => {
    if (down) return void client.destroy();
    const upstream = net.connect(target);
    sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    async restart(downMs) {
      down = true;
      for (const s of sockets) s.destroy();
      sockets.clear();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      down = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
