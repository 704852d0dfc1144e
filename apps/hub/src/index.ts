export { createApp, VERSION } from './app.js';
export { createHub, DATABASE_FILE, DEFAULT_STATIC_DIR, type Hub, type HubOptions } from './hub.js';
export { createLogger, type HubLogger } from './logger.js';
export { startHub, type RunningHub, type StartOptions } from './server.js';
