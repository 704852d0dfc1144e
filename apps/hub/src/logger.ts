import type { Logger as ConnectorLogger, LogLevel } from '@synchub/core';

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_KEY = /secret|token|password|passwd|authorization|accesskey|api[-_]?key|integrationkey|cookie/i;
const REDACTED = '[redacted]';

export interface HubLogger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
  /** Values that must never appear in a log line, whatever key they hide under (decrypted secrets). */
  addSecret(value: string): void;
  /** The same logger in the shape connectors receive through their context. */
  forConnector(fields: Record<string, unknown>): ConnectorLogger;
}

export interface LoggerOptions {
  level?: LogLevel;
  write?: (line: string) => void;
  now?: () => number;
}

/**
 * Structured JSON lines. Redaction is two-layered: any field whose name looks secret is replaced,
 * and any known secret value is scrubbed from every string, messages included.
 */
export function createLogger(options: LoggerOptions = {}, base: Record<string, unknown> = {}): HubLogger {
  const min = LEVELS[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? Date.now;
  const secrets = new Set<string>();

  const scrub = (text: string): string => {
    let out = text;
    for (const s of secrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  };
  const redact = (value: unknown, depth = 0): unknown => {
    if (typeof value === 'string') return scrub(value);
    if (value instanceof Error) {
      return { name: value.name, message: scrub(value.message), code: (value as { code?: unknown }).code };
    }
    if (depth > 6 || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? REDACTED : redact(v, depth + 1);
    return out;
  };
  const log = (level: LogLevel, message: string, data?: Record<string, unknown>) => {
    if (LEVELS[level] < min) return;
    const entry = {
      time: new Date(now()).toISOString(),
      level,
      msg: scrub(message),
      ...(redact({ ...base, ...data }) as object),
    };
    write(JSON.stringify(entry));
  };
  const logger: HubLogger = {
    debug: (m, d) => log('debug', m, d),
    info: (m, d) => log('info', m, d),
    warn: (m, d) => log('warn', m, d),
    error: (m, d) => log('error', m, d),
    addSecret(value) {
      // Very short values would scrub ordinary words; real secrets are longer.
      if (value.length >= 6) secrets.add(value);
    },
    forConnector: (fields) => (level, message, data) => log(level, message, { ...fields, ...data }),
  };
  return logger;
}
