import type { ConnectorContext, PlannedRequest } from '@synchub/core';
import { createQualtricsSimulator, listen, type RunningServer } from '@synchub/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQualtricsClient } from './client.js';
import { settingsSchema } from './settings.js';
import { writers } from './writers.js';

describe('qualtrics in a dry run', () => {
  const sim = createQualtricsSimulator({ surveys: 2, responsesPerSurvey: 1 });
  const { apiToken, username, triggerPath } = sim.credentials;
  let server: RunningServer;
  const planned: PlannedRequest[] = [];
  const ctx: ConnectorContext = { fetch, now: Date.now, dryRun: { record: (request) => planned.push(request) } };
  const settings = () =>
    settingsSchema.parse({ baseUrl: server.url, sandbox: true, triggerUrl: server.url + triggerPath, username });

  beforeAll(async () => {
    server = await listen(sim.app);
  });
  afterAll(() => server.close());

  it('records the trigger with its Basic auth header and JSON body, fires no workflow, and still reads', async () => {
    const before = sim.control.requests.length;
    const results = await writers.trigger_event!.write({
      settings: settings(),
      secrets: { apiToken },
      ctx,
      records: [{ CompanyGSID: '1P02ABC', RenewalDate: '2026-01-01' }],
      options: {},
    });
    expect(results).toEqual([{ ok: true, id: 'dry-run', meta: { requestId: 'dry-run', status: 202 } }]);
    expect(sim.control.requests.length).toBe(before);
    expect(sim.state.events).toHaveLength(0);
    expect(planned).toEqual([
      {
        method: 'POST',
        url: server.url + triggerPath,
        headers: {
          accept: 'application/json',
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from(`${username}:${apiToken}`).toString('base64')}`,
        },
        body: { CompanyGSID: '1P02ABC', RenewalDate: '2026-01-01' },
      },
    ]);

    const surveys = await createQualtricsClient(settings(), { apiToken }, ctx).listSurveys();
    expect(surveys).toHaveLength(2);
    expect(sim.control.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /API/v3/surveys']);
    expect(planned).toHaveLength(1);
  });
});
