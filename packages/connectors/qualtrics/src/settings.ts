import { ConnectorError, normalizeBaseUrl, httpsOnly } from '@synchub/core';
import { z } from 'zod';

export const settingsSchema = z
  .object({
    datacenter: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z]{2,4}\d{0,2}$/, 'A datacenter id looks like iad1, fra1, syd1 or ca1')
      .default('iad1')
      .meta({
        title: 'Datacenter',
        description:
          'Your Qualtrics datacenter id (Account Settings → Qualtrics IDs → User: "Datacenter ID"), e.g. iad1, fra1, syd1. The API host is https://{datacenter}.qualtrics.com.',
      }),
    baseUrl: z.string().trim().min(1).optional().meta({
      title: 'Base URL override',
      description:
        'Leave empty to use the datacenter host. Set it only to reach a simulator, a vanity domain or a proxy.',
    }),
    triggerUrl: z.string().trim().min(1).optional().meta({
      title: 'JSON-event trigger URL',
      description:
        'The full URL of the workflow’s JSON Event trigger, e.g. https://iad1.qualtrics.com/inbound-event/v1/events/json/triggers?urlTokenId=… (older URLs with contextId/userId/brandId/triggerId work too).',
    }),
    username: z.string().trim().min(1).optional().meta({
      title: 'Qualtrics username',
      description:
        'The user whose API token is stored: triggers are then sent with Basic auth (base64 of username:token), as the Qualtrics–Gainsight guide sets up. Without it the token goes in X-API-TOKEN.',
    }),
    sandbox: z.boolean().default(false).meta({
      title: 'Simulator connection',
      description: 'Allow plain http URLs (local simulators only; never for a real brand).',
    }),
  })
  .superRefine(httpsOnly(['baseUrl', 'triggerUrl']));

export const secretsSchema = z.object({
  apiToken: z.string().trim().min(1).meta({
    title: 'API token',
    description: 'Account Settings → Qualtrics IDs → API → Token, for a user with API access.',
  }),
});

export type QualtricsSettings = z.output<typeof settingsSchema>;
export type QualtricsSecrets = z.output<typeof secretsSchema>;

type HostSettings = Pick<QualtricsSettings, 'datacenter' | 'baseUrl' | 'sandbox'>;

/** Origin (and any path prefix) of the brand's API host, without `/API/v3`. */
export function hostUrlOf(settings: HostSettings): string {
  const url = normalizeBaseUrl(settings.baseUrl ?? `${settings.datacenter}.qualtrics.com`, {
    allowHttp: settings.sandbox,
  });
  return url.replace(/\/API\/v3$/i, '');
}

/** Base of the REST v3 API. */
export function apiBaseOf(settings: HostSettings): string {
  return `${hostUrlOf(settings)}/API/v3`;
}

/** The trigger URL, https-checked like every base URL but with its query (the urlTokenId) kept. */
export function triggerUrlOf(settings: Pick<QualtricsSettings, 'triggerUrl' | 'sandbox'>): string {
  if (!settings.triggerUrl) {
    throw new ConnectorError(
      'config',
      'No JSON-event trigger URL is set: copy it from the workflow’s JSON Event trigger in Qualtrics',
    );
  }
  let url: URL;
  try {
    url = new URL(settings.triggerUrl);
  } catch (cause) {
    throw new ConnectorError('config', `The trigger URL "${settings.triggerUrl}" is not a valid URL`, { cause });
  }
  const base = normalizeBaseUrl(`${url.protocol}//${url.host}${url.pathname}`, { allowHttp: settings.sandbox });
  if (!url.searchParams.has('urlTokenId') && !url.searchParams.has('triggerId')) {
    throw new ConnectorError('config', 'The trigger URL must carry urlTokenId (or triggerId) in its query');
  }
  return `${base}${url.search}`;
}

/** For messages and the rate-limit key: the datacenter, or the override's host. */
export function locationOf(settings: HostSettings): string {
  if (!settings.baseUrl) return settings.datacenter;
  try {
    return new URL(hostUrlOf(settings)).host.toLowerCase();
  } catch {
    return settings.baseUrl.toLowerCase();
  }
}

/** The brand's call budget is shared by everything on one host; no secret goes in the key. */
export function limitKey(settings: HostSettings): string {
  return locationOf(settings);
}
