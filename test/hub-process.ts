import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

// biome-ignore lint/suspicious/noExplicitAny: answers are checked by the tests' assertions themselves
export type Json = Record<string, any>;

/** A hub started as a real process on port 0, and its HTTP API as its admin. */
export interface HubProcess {
  child: ChildProcess;
  url: string;
  /** What it printed (stdout and stderr lines), for failure messages. */
  output: string[];
  api(method: string, route: string, body?: unknown): Promise<{ status: number; body: Json }>;
  /** An API call that must succeed; a refusal throws with the hub's own answer. */
  ok(method: string, route: string, body?: unknown): Promise<Json>;
  /** Starts a run of a pipeline and returns the run once it is no longer running. */
  run(pipelineId: string, ms?: number): Promise<Json>;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone. */
  stop(): Promise<void>;
}

/** Polls `read` until `done` holds; throws with the last value after `ms`. */
export async function until<T>(
  what: string,
  read: () => T | Promise<T>,
  done: (v: T) => boolean,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Runs `node <args>` (a hub CLI's `start`: from source with `hubSourceArgs('start')`, or the compiled
 * bin/synchub.js) with its data in `dataDir`, plugins from `pluginDir`, on 127.0.0.1 and port 0, and waits
 * for the address it prints and for /health.
 */
export async function startHubProcess(options: {
  args: readonly string[];
  dataDir: string;
  pluginDir: string;
  token: string;
  /** The child's environment before the SYNCHUB_* settings; defaults to this process's. */
  env?: NodeJS.ProcessEnv;
}): Promise<HubProcess> {
  const { dataDir, token } = options;
  const child = spawn(process.execPath, [...options.args], {
    cwd: dataDir,
    env: {
      ...(options.env ?? process.env),
      SYNCHUB_DATA_DIR: dataDir,
      SYNCHUB_HOST: '127.0.0.1',
      SYNCHUB_PORT: '0',
      SYNCHUB_ADMIN_TOKEN: token,
      SYNCHUB_PLUGIN_DIR: options.pluginDir,
      SYNCHUB_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => output.push(line));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      output.push(line);
      const m = /running at (http:\/\/\S+)/.exec(line);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`the hub exited (${code}):\n${output.join('\n')}`)));
    setTimeout(() => reject(new Error(`the hub did not start in 20 s:\n${output.join('\n')}`)), 20_000).unref();
  });
  const health = await fetch(`${url}/health`);
  if (!health.ok) throw new Error(`/health answered ${health.status}`);

  const api: HubProcess['api'] = async (method, route, body) => {
    const res = await fetch(`${url}${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json };
  };
  const ok: HubProcess['ok'] = async (method, route, body) => {
    const res = await api(method, route, body);
    if (res.status >= 300) throw new Error(`${method} ${route} → ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const run: HubProcess['run'] = async (pipelineId, ms = 30_000) => {
    const { runId } = await ok('POST', `/api/pipelines/${pipelineId}/run`);
    return until(
      `run ${runId}`,
      async () => (await ok('GET', `/api/runs/${runId}`)).run as Json,
      (r) => r.status !== 'running',
      ms,
    );
  };
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return { child, url, output, api, ok, run, stop };
}
