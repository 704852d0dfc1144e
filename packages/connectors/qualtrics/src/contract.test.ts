import { describeConnectorContract } from '@synchub/core/testing';
import { createQualtricsSimulator, listen } from '@synchub/sandbox';
import qualtrics from './index.js';

describeConnectorContract('qualtrics', async () => {
  const sim = createQualtricsSimulator({ surveys: 2, responsesPerSurvey: 45, exportPolls: 1 });
  const server = await listen(sim.app);
  const { apiToken, username, triggerPath } = sim.credentials;
  const surveyId = sim.state.surveys[0]?.id as string;
  let sent = 0;
  return {
    connector: qualtrics,
    settings: { baseUrl: server.url, sandbox: true, triggerUrl: server.url + triggerPath, username },
    secrets: { apiToken },
    badSecrets: { apiToken: 'NotTheRightToken0000000000000000000000000' },
    ctx: { fetch, now: Date.now },
    teardown: () => server.close(),
    requests: () => sim.control.requests,
    streams: {
      responses: {
        options: { surveyId, pageSize: 10, pollIntervalMs: 1 },
        expectPages: 5,
        incremental: true,
        // A respondent submits the survey after the first full read.
        mutate: () => {
          sim.addResponse(surveyId);
        },
        mutated: 1,
        recordKey: (r) => String(r.responseId),
      },
    },
    writers: {
      trigger_event: {
        options: {},
        sampleRecords: (n) =>
          Array.from({ length: n }, () => {
            sent += 1;
            return { CompanyGSID: `1P02CONTRACT${sent}`, RenewalDate: '2025-06-30' };
          }),
        // Over Qualtrics' 100 KB event limit.
        badRecord: () => ({ blob: 'x'.repeat(110 * 1024) }),
      },
    },
    // A rotated token answers 401; 429/5xx come from the simulator's fault map.
    inject: (fault) => {
      if (fault === 'auth') sim.state.apiToken = 'rotated-token-0000000000000000000000000000';
      else if (fault === 'rate_limit') sim.control.faults.set('*', { rateLimitBurst: 1_000 });
      else sim.control.faults.set('*', { errorRate: 1 });
    },
    clearFaults: () => {
      sim.control.faults.clear();
      sim.state.apiToken = apiToken;
    },
    retryAtOnRateLimit: true,
  };
});
