import type { PlannedRequest } from './connector.js';

/**
 * Masking what a dry run shows (pipeline previews, a flow's "test" plan): credential headers hidden,
 * secret values scrubbed wherever they appear. Shared by the hub and flow plugins.
 */

export const SECRET_MASK = '••••';

/** Header names that carry credentials whatever their value (Salesforce, Gainsight, Pendo, Qualtrics, plugins). */
const SECRET_HEADER =
  /authorization|access-?key|shared-?secret|secret|token|password|passwd|api[-_]?key|integration[-_]?key|cookie/i;
/** Shorter secret values would mask ordinary words (the hub's logger scrubs on the same rule). */
const MIN_SECRET_LENGTH = 6;

/** Every string a connection's secrets hold (nested ones too). */
export function secretValues(secrets: unknown, out: Set<string> = new Set(), depth = 0): Set<string> {
  if (typeof secrets === 'string') {
    if (secrets.length >= MIN_SECRET_LENGTH) out.add(secrets);
  } else if (secrets && typeof secrets === 'object' && depth < 4) {
    for (const v of Object.values(secrets)) secretValues(v, out, depth + 1);
  }
  return out;
}

/** A JSON copy with every secret value replaced; what the caller keeps mutating later does not change it. */
export function scrubSecrets(value: unknown, secrets: ReadonlySet<string>): unknown {
  const scrub = (text: string) => {
    let out = text;
    for (const s of secrets) if (out.includes(s)) out = out.split(s).join(SECRET_MASK);
    return out;
  };
  try {
    return JSON.parse(JSON.stringify(value ?? null, (_key, v: unknown) => (typeof v === 'string' ? scrub(v) : v)));
  } catch {
    return String(value);
  }
}

/** A planned request as a dry run shows it: credential headers masked, secret values scrubbed everywhere. */
export function maskRequest(request: PlannedRequest, secrets: ReadonlySet<string>): PlannedRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    headers[name] = SECRET_HEADER.test(name) ? SECRET_MASK : (scrubSecrets(value, secrets) as string);
  }
  return {
    method: request.method,
    url: scrubSecrets(request.url, secrets) as string,
    headers,
    body: scrubSecrets(request.body, secrets),
  };
}
