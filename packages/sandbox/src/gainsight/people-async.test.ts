import { describe, expect, it } from 'vitest';
import { createGainsightSimulator } from './index.js';
import { caller } from './test-helpers.js';

const ASYNC = '/v1/peoplemgmt/v1.0/people/async';

describe('gainsight simulator: async people upsert', () => {
  const sim = createGainsightSimulator({ companies: 5, people: 5, now: () => Date.UTC(2025, 4, 1, 12) });
  const call = caller(sim);
  const company = sim.state.rows('company')[0]?.Gsid as string;

  it('answers a job id, then INPROGRESS, then COMPLETED with one result per person', async () => {
    const before = sim.state.rows('person').length;
    const submitted = await call('PUT', ASYNC, [
      { Email: 'a1@async.example', FirstName: 'A', companies: [{ Company_ID: company }] },
      { Email: 'not-an-email' },
      { Email: 'a2@async.example' },
    ]);
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({ result: true, data: { status: 'INIT' } });
    const { jobId } = submitted.body.data;
    expect(jobId).toMatch(/^[0-9a-f-]{36}$/);

    const first = await call('GET', `${ASYNC}/${jobId}`);
    expect(first.body.data).toMatchObject({ jobId, status: 'INPROGRESS', totalCount: 3, results: [] });
    const done = await call('GET', `${ASYNC}/${jobId}`);
    expect(done.body.data).toMatchObject({ status: 'COMPLETED', totalCount: 3, successCount: 2, failureCount: 1 });
    const [one, bad, two] = done.body.data.results;
    expect(one).toMatchObject({
      Email: 'a1@async.example',
      success: true,
      Gsid: expect.stringMatching(/^[0-9A-Z]{36}$/),
    });
    expect(bad).toMatchObject({ Email: 'not-an-email', success: false, errors: { errorCode: 'GSOBJ_VDTEMAIL1001' } });
    expect(two).toMatchObject({ success: true });
    // One bad person does not stop the others.
    expect(sim.state.rows('person')).toHaveLength(before + 2);
    expect(sim.state.rows('company_person').some((l) => l.Person_ID === one.Gsid && l.Company_ID === company)).toBe(
      true,
    );
  });

  it('refuses more than 50 people, an empty body and unknown job ids', async () => {
    const many = Array.from({ length: 51 }, (_, i) => ({ Email: `bulk${i}@async.example` }));
    const tooMany = await call('PUT', ASYNC, { records: many });
    expect([tooMany.status, tooMany.body.errorCode]).toEqual([400, 'GSOBJ_1007']);
    expect(sim.state.rows('person').some((p) => p.Email === 'bulk0@async.example')).toBe(false);
    expect((await call('PUT', ASYNC, [])).status).toBe(400);
    const unknown = await call('GET', `${ASYNC}/no-such-job`);
    expect([unknown.status, unknown.body.result]).toEqual([404, false]);
  });
});

describe('gainsight simulator: bulk budget', () => {
  it('allows 10 async calls an hour and 100 a day, separately from the sync budget', async () => {
    let t = Date.UTC(2025, 4, 1, 0, 30);
    const sim = createGainsightSimulator({ companies: 1, people: 1, now: () => t });
    const call = caller(sim);
    const submit = (i: number) => call('PUT', ASYNC, [{ Email: `p${i}@bulk.example` }]);
    let sent = 0;
    for (let i = 0; i < 10; i++) expect((await submit(sent++)).status).toBe(200);
    const limited = await submit(sent);
    expect([limited.status, limited.body.errorCode]).toEqual([429, 'GS_APIG_2404']);
    // Sync calls (including polling) still go while the bulk window is full.
    expect((await call('GET', '/v1/meta/services/objects/list')).status).toBe(200);
    expect((await call('PUT', '/v1.0/api/people', { Email: 'sync@bulk.example' })).status).toBe(200);

    // Nine more hours of 10 calls each reach the day's 100.
    for (let hour = 1; hour <= 9; hour++) {
      t = Date.UTC(2025, 4, 1, hour, 30);
      for (let i = 0; i < 10; i++) expect((await submit(sent++)).status).toBe(200);
    }
    t = Date.UTC(2025, 4, 1, 10, 30);
    expect((await submit(sent)).status).toBe(429);
    t = Date.UTC(2025, 4, 2, 0, 0, 1);
    expect((await submit(sent)).status).toBe(200);
  });

  it('spends nothing for a call with a bad access key', async () => {
    const sim = createGainsightSimulator({ companies: 1, people: 1, limits: { bulkPerHour: 1 } });
    const call = caller(sim);
    expect((await call('PUT', ASYNC, [{ Email: 'x@bulk.example' }], { accesskey: 'wrong' })).status).toBe(401);
    expect((await call('PUT', ASYNC, [{ Email: 'x@bulk.example' }])).status).toBe(200);
    expect((await call('PUT', ASYNC, [{ Email: 'y@bulk.example' }])).status).toBe(429);
  });
});
