import { ConnectorError, httpsOnly } from '@synchub/core';
import { z } from 'zod';

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
    sandbox: z.boolean().default(false).meta({
      title: 'Simulator connection',
      description:
        'Allow plain http URLs (local simulators only). This is not a Salesforce sandbox org: for those use https://test.salesforce.com as the login URL.',
    }),
  })
  .superRefine(httpsOnly(['loginUrl']));

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
