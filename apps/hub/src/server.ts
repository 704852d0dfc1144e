import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createHub, type Hub, type HubOptions } from './hub.js';

export interface StartOptions extends HubOptions {
  host?: string;
  port?: number;
}

export interface RunningHub extends Hub {
  url: string;
  port: number;
  /** Stop accepting requests, let in-flight ones finish (up to `graceMs`), then close the database. */
  close(graceMs?: number): Promise<void>;
}

/** Start the hub on a socket. Binds to 127.0.0.1 unless told otherwise: it is a local tool. */
export async function startHub(options: StartOptions): Promise<RunningHub> {
  const hub = await createHub(options);
  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: hub.app.fetch, hostname: host, port: options.port ?? 8787 }, () => resolve(s));
    s.once('error', reject);
  }).catch(async (error: NodeJS.ErrnoException) => {
    await hub.close();
    if (error.code === 'EADDRINUSE') {
      throw new Error(
        `${host}:${options.port ?? 8787} is already in use: stop what listens there, or choose another port (SYNCHUB_PORT or --port; 0 = any free port)`,
        { cause: error },
      );
    }
    throw error;
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  // Services show webhook URLs on this address unless a public URL is configured.
  hub.pluginRuntime.setListeningUrl(url);
  let closing: Promise<void> | undefined;
  const close = (graceMs = 10_000) => {
    closing ??= (async () => {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        }, graceMs);
        timer.unref();
        (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      await hub.close();
      hub.logger.info('Hub stopped');
    })();
    return closing;
  };
  hub.engine.start();
  await hub.scheduler.start();
  await hub.alerts.start();
  // Only now: the port is bound and the loops run (a port in use fails above, with no "ready" before it).
  hub.logger.info('Hub ready', { url });
  return { ...hub, url, port, close };
}
