// A hub in its own process for the ingest benchmark: prints {"url","writeKey"} once listening.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../src/logger.js';
import { startHub } from '../src/server.js';
import { BENCH_TOKEN } from './setup.js';

const hub = await startHub({
  dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'synchub-ingest-')),
  adminToken: BENCH_TOKEN,
  port: 0,
  staticDir: '/nonexistent',
  logger: createLogger({ level: 'error' }),
});
// No destination: this measures acknowledged, durable ingest alone.
const { writeKey } = await hub.sources.create({ name: 'bench' });
process.stdout.write(`${JSON.stringify({ url: hub.url, writeKey })}\n`);
process.on('SIGTERM', () => hub.close().then(() => process.exit(0)));
