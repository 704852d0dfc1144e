import { normalizeBaseUrl, httpsOnly } from '@synchub/core';
import { z } from 'zod';

export const settingsSchema = z
  .object({
    domain: z.string().trim().min(1).meta({
      title: 'Gainsight domain',
      description:
        'Your tenant domain, e.g. acme.gainsightcloud.com (regional hosts like acme.us2.gainsightcloud.com work too), or your custom domain. https is added for you.',
    }),
    tenantId: z.string().trim().min(1).optional().meta({
      title: 'Tenant ID',
      description:
        'Needed only to publish to the Events Framework: Administration → Application Settings in Gainsight shows it.',
    }),
    sandbox: z.boolean().default(false).meta({
      title: 'Simulator connection',
      description: 'Allow a plain http domain (local simulators only; never for a real tenant).',
    }),
  })
  .superRefine(httpsOnly(['domain']));

export const secretsSchema = z.object({
  accessKey: z.string().min(1).meta({
    title: 'Access key',
    description:
      'The REST API access key (Administration → Connectors 2.0 → Create Connection → Gainsight API → Generate Access Key). One key per org; it does not expire.',
  }),
  sharedSecret: z.string().min(1).optional().meta({
    title: 'Events shared secret',
    description:
      'Needed only to publish to the Events Framework: Administration → Events → Register as Publisher issues it.',
  }),
});

export type GainsightSettings = z.output<typeof settingsSchema>;
export type GainsightSecrets = z.output<typeof secretsSchema>;

/** The https base URL of the tenant (http only for sandbox connections). */
export function baseUrlOf(settings: Pick<GainsightSettings, 'domain' | 'sandbox'>): string {
  return normalizeBaseUrl(settings.domain, { allowHttp: settings.sandbox });
}

/**
 * The account a connection spends: the tenant host, lowercased, so `https://Acme.gainsightcloud.com/`
 * and `acme.gainsightcloud.com` share one budget.
 */
export function tenantKey(settings: Pick<GainsightSettings, 'domain' | 'sandbox'>): string {
  try {
    return new URL(baseUrlOf(settings)).host.toLowerCase();
  } catch {
    return settings.domain.trim().toLowerCase();
  }
}
