import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { SimApp } from './app.ts';

/** A listening simulator socket. */
export interface ListeningServer {
  /** Base URL, e.g. `http://127.0.0.1:41234` (`/oauth2/token` at its root, the API under `/API/v3/`). */
  url: string;
  host: string;
  port: number;
  /** Stops accepting, drops open connections (keep-alive ones included) and resolves once the socket is closed. */
  close(): Promise<void>;
}

/** Serves `simApp` on `host:port` (port 0 = any free port). Rejects if the address cannot be bound. */
export function listen(simApp: SimApp, host = '127.0.0.1', port = 0): Promise<ListeningServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: simApp.app.fetch, hostname: host, port });
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const shownHost = address.address.includes(':') ? `[${address.address}]` : address.address;
      let closing: Promise<void> | undefined;
      resolve({
        url: `http://${shownHost}:${address.port}`,
        host: address.address,
        port: address.port,
        close() {
          closing ??= new Promise<void>((done) => {
            server.close(() => done());
            if ('closeAllConnections' in server) server.closeAllConnections();
          });
          return closing;
        },
      });
    });
  });
}
