import { normalizeBaseUrl, httpsOnly } from '@synchub/core';
import { z } from 'zod';

/** One host per region; a key works only in its own region, so the region is chosen, not guessed. */
export const PENDO_REGION_HOSTS = {
  us: 'app.pendo.io',
  us1: 'us1.app.pendo.io',
  eu: 'app.eu.pendo.io',
  jpn: 'app.jpn.pendo.io',
  au: 'app.au.pendo.io',
} as const;

export type PendoRegion = keyof typeof PENDO_REGION_HOSTS;

export const settingsSchema = z
  .object({
    region: z.enum(['us', 'us1', 'eu', 'jpn', 'au']).default('us').meta({
      title: 'Region',
      description:
        'The Pendo region of your subscription: us (app.pendo.io), us1 (us1.app.pendo.io), eu (app.eu.pendo.io), jpn (app.jpn.pendo.io) or au (app.au.pendo.io). An integration key only works in its own region.',
    }),
    baseUrl: z.string().trim().min(1).optional().meta({
      title: 'Base URL override',
      description: 'Leave empty for the region host. Set it only to reach a simulator or a proxy in front of Pendo.',
    }),
    sandbox: z.boolean().default(false).meta({
      title: 'Simulator connection',
      description: 'Allow a plain http base URL (local simulators only; never for a real subscription).',
    }),
  })
  .superRefine(httpsOnly(['baseUrl']));

export const secretsSchema = z.object({
  integrationKey: z.string().trim().min(1).meta({
    title: 'Integration key',
    description:
      'Settings → Integrations → Integration Keys in Pendo. Tick "Allow write access" if the hub should write account metadata.',
  }),
});

export type PendoSettings = z.output<typeof settingsSchema>;
export type PendoSecrets = z.output<typeof secretsSchema>;

/** The https base URL for the settings (http only for sandbox connections). */
export function baseUrlOf(settings: Pick<PendoSettings, 'region' | 'baseUrl' | 'sandbox'>): string {
  return normalizeBaseUrl(settings.baseUrl ?? PENDO_REGION_HOSTS[settings.region], { allowHttp: settings.sandbox });
}

/**
 * The budget a connection spends: region plus host. Nothing secret goes in (the integration key
 * would be the natural account id, but keys end up in logs and limiter tables).
 */
export function limitKey(settings: Pick<PendoSettings, 'region' | 'baseUrl' | 'sandbox'>): string {
  let host: string;
  try {
    host = new URL(baseUrlOf(settings)).host.toLowerCase();
  } catch {
    host = (settings.baseUrl ?? PENDO_REGION_HOSTS[settings.region]).toLowerCase();
  }
  return `${settings.region}:${host}`;
}
