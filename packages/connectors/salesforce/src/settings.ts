import { ConnectorError, httpsOnly } from '@synchub/core';
import { z } from 'zod';

/** Defaults of the org budget settings (percent of the org's daily API calls, all integrations together). */
export const DEFAULT_SLOWDOWN_PERCENT = 50;
export const DEFAULT_STOP_PERCENT = 90;

export const settingsSchema = z
  .object({
    loginUrl: z.string().trim().min(1).default('https://login.salesforce.com').meta({
      title: 'Login URL',
      description:
        'Where tokens are requested: https://login.salesforce.com (production), https://test.salesforce.com (a Salesforce sandbox org) or your My Domain URL (https://<domain>.my.salesforce.com, required for the client credentials flow).',
    }),
    authFlow: z.enum(['refresh_token', 'client_credentials']).default('refresh_token').meta({
      title: 'Authentication flow',
      description:
        'refresh_token: a connected app plus a refresh token issued to the integration user. client_credentials: the connected app runs as its configured "run as" user (My Domain URL only).',
    }),
    clientId: z.string().trim().min(1).meta({
      title: 'Consumer key',
      description: "The connected app's consumer key (client id).",
    }),
    apiVersion: z
      .string()
      .trim()
      .regex(/^v\d{2}\.0$/, 'an API version looks like v60.0')
      .default('v60.0')
      .meta({ title: 'API version', description: 'REST API version used for every call, e.g. v60.0.' }),
    dailyApiSlowdownPercent: z.number().min(0).max(100).default(DEFAULT_SLOWDOWN_PERCENT).meta({
      title: "Slow down at (% of the org's daily API calls)",
      description:
        "The daily API budget is the org's (a rolling 24 hours: 15,000 calls on developer orgs, more on paid editions), shared with every other integration and user of the org. Once the org has used this share of it, as Salesforce reports in every answer (Sforce-Limit-Info), the hub spaces its calls so that the calls left up to the stop line would last a whole day.",
    }),
    dailyApiStopPercent: z.number().min(1).max(100).default(DEFAULT_STOP_PERCENT).meta({
      title: "Stop at (% of the org's daily API calls)",
      description:
        'The hub makes no Salesforce call once the org has used this share of its daily API calls, leaving the rest to the org\'s other integrations and users. It checks again with one call an hour and carries on once the rolling 24 hours have freed calls; a run stopped meanwhile fails with "Salesforce org API limit reached" and runs again at its next schedule.',
    }),
    sandbox: z.boolean().default(false).meta({
      title: 'Simulator connection',
      description:
        'Allow plain http URLs (local simulators only). This is not a Salesforce sandbox org: for those use https://test.salesforce.com as the login URL.',
    }),
  })
  .superRefine(httpsOnly(['loginUrl']))
  .superRefine((value, ctx) => {
    if (value.dailyApiSlowdownPercent > value.dailyApiStopPercent) {
      ctx.addIssue({
        code: 'custom',
        path: ['dailyApiSlowdownPercent'],
        message: `must not be above the stop line (${value.dailyApiStopPercent}%)`,
      });
    }
  });

export const secretsSchema = z.object({
  clientSecret: z.string().min(1).meta({
    title: 'Consumer secret',
    description: "The connected app's consumer secret.",
  }),
  refreshToken: z.string().min(1).optional().meta({
    title: 'Refresh token',
    description: "The integration user's refresh token. Required for the refresh_token flow.",
  }),
});

export type SalesforceSettings = z.output<typeof settingsSchema>;
export type SalesforceSecrets = z.output<typeof secretsSchema>;

/**
 * Settings and secrets are separate schemas, so the one rule that spans both lives here:
 * the refresh_token flow cannot work without a refresh token.
 */
export function assertCredentials(settings: SalesforceSettings, secrets: SalesforceSecrets): void {
  if (settings.authFlow === 'refresh_token' && !secrets.refreshToken) {
    throw new ConnectorError(
      'config',
      'The refresh_token flow needs a refresh token: add one to the secrets, or switch the authentication flow to client_credentials with your My Domain URL',
    );
  }
}
