/** `POST /services/oauth2/token`: the refresh-token and client-credentials grants. */
import { createHmac, randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { INTEGRATION_USER_ID, ORG_ID } from './data.js';
import type { SalesforceContext, SalesforceSession } from './state.js';

type TokenError = { error: string; error_description: string };

const tokenError = (error: string, error_description: string): TokenError => ({ error, error_description });

/**
 * The token endpoint of one host. `myDomain` says which host this is: the org's My Domain accepts both
 * grants, the shared login host (login.salesforce.com) refuses client_credentials.
 */
export function tokenRoutes(sim: SalesforceContext, options: { myDomain: boolean }): Hono {
  const app = new Hono();
  app.post('/services/oauth2/token', async (c) => {
    // Salesforce reads token parameters from a form body only; a JSON body reads as "no grant_type".
    const isForm = (c.req.header('content-type') ?? '').includes('application/x-www-form-urlencoded');
    const form = isForm ? new URLSearchParams(await c.req.text()) : new URLSearchParams();
    const grant = form.get('grant_type');
    const { credentials, state } = sim;
    if (grant !== 'refresh_token' && grant !== 'client_credentials') {
      return c.json(tokenError('unsupported_grant_type', 'grant type not supported'), 400);
    }
    if (grant === 'client_credentials' && !options.myDomain) {
      return c.json(tokenError('invalid_grant', 'request not supported on this domain'), 400);
    }
    if (form.get('client_id') !== credentials.clientId) {
      return c.json(tokenError('invalid_client_id', 'client identifier invalid'), 400);
    }
    if (form.get('client_secret') !== credentials.clientSecret) {
      return c.json(tokenError('invalid_client', 'invalid client credentials'), 400);
    }
    if (grant === 'refresh_token' && form.get('refresh_token') !== credentials.refreshToken) {
      return c.json(tokenError('invalid_grant', 'expired access/refresh token'), 400);
    }
    if (grant === 'client_credentials' && !state.clientCredentialsEnabled) {
      return c.json(tokenError('invalid_grant', 'no client credentials user enabled'), 400);
    }
    const now = sim.now();
    const session: SalesforceSession = {
      token: `${ORG_ID.slice(0, 15)}!AQ${randomBytes(48).toString('base64url')}`,
      grant,
      issuedAt: now,
      lastUsedAt: now,
      userId: INTEGRATION_USER_ID,
    };
    state.sessions.set(session.token, session);
    // The answer names the org's instance: this very server, as the caller addressed it.
    const origin = new URL(c.req.url).origin;
    const id = `${origin}/id/${ORG_ID}/${session.userId}`;
    const issuedAt = String(now);
    return c.json({
      access_token: session.token,
      signature: sign(credentials.clientSecret ?? '', id, issuedAt),
      scope: grant === 'refresh_token' ? 'refresh_token api' : 'api',
      instance_url: origin,
      id,
      token_type: 'Bearer',
      issued_at: issuedAt,
    });
  });
  return app;
}

/** Salesforce's signature: base64 HMAC-SHA256 of id + issued_at keyed with the client secret. */
function sign(secret: string, id: string, issuedAt: string): string {
  return createHmac('sha256', secret)
    .update(id + issuedAt)
    .digest('base64');
}
