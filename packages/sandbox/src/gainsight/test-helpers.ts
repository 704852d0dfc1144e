import type { Simulator } from '../common.js';
import type { GainsightState } from './types.js';

export interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test answers are inspected field by field
  body: any;
}

/** Call a simulator in-process with the access key (unless `headers` overrides it). */
export function caller(sim: Simulator<GainsightState>) {
  return async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> => {
    const res = await sim.app.request(path, {
      method,
      headers: { accesskey: sim.credentials.accessKey as string, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text === '' ? null : JSON.parse(text) };
  };
}
