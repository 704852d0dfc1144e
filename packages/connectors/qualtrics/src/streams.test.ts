import type { ConnectorContext, RecordPage } from '@synchub/core';
import { createQualtricsSimulator, listen, type RunningServer } from '@synchub/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsSchema } from './settings.js';
import { streams } from './streams.js';

const NOW = Date.UTC(2025, 0, 15, 12);

describe('qualtrics responses stream', () => {
  let clock = NOW;
  const sim = createQualtricsSimulator({ surveys: 3, responsesPerSurvey: 30, exportPolls: 1, now: () => clock });
  let server: RunningServer;
  const [first, second, third] = sim.state.surveys;
  if (!first || !second || !third) throw new Error('seed');
  beforeAll(async () => {
    server = await listen(sim.app);
  });
  afterAll(() => server.close());

  async function read(
    options: Record<string, unknown>,
    cursor: string | null = null,
    ctx: ConnectorContext = { fetch, now: Date.now },
  ) {
    const pages: RecordPage[] = [];
    const settings = settingsSchema.parse({ baseUrl: server.url, sandbox: true });
    const secrets = { apiToken: sim.credentials.apiToken };
    const iterable = streams.responses!.read({
      settings,
      secrets,
      ctx,
      cursor,
      options: { pollIntervalMs: 1, ...options },
    });
    for await (const page of iterable) pages.push(page);
    return { pages, records: pages.flatMap((p) => p.records), last: pages.at(-1)?.cursor ?? null };
  }
  const exportsStarted = () =>
    sim.control.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/export-responses'));

  it('reads every response in recorded order, flattened, in pages with a high-water cursor', async () => {
    const { pages, records, last } = await read({ surveyId: first.id, pageSize: 7 });
    expect(pages.map((p) => p.records.length)).toEqual([7, 7, 7, 7, 2]);
    expect(records.map((r) => r.responseId)).toEqual(first.responses.map((r) => r.responseId));
    const source = first.responses[4]!;
    expect(records[4]).toMatchObject({
      ...source.values,
      surveyId: first.id,
      responseId: source.responseId,
      recordedDate: source.values.recordedDate,
      finished: source.values.finished === 1,
    });
    const newest = first.responses.at(-1)!;
    expect(JSON.parse(last as string)).toEqual({ after: newest.values.recordedDate, ids: [newest.responseId] });
    expect(exportsStarted().at(-1)?.body).toEqual({ format: 'json', compress: false });
  });

  it('yields nothing from the final cursor, then only a response recorded later', async () => {
    const { last } = await read({ surveyId: first.id });
    const again = await read({ surveyId: first.id }, last);
    expect(again.records).toEqual([]);
    const newest = first.responses.at(-1)!;
    const startDate = new Date(Math.floor(Date.parse(String(newest.values.recordedDate)) / 1000) * 1000)
      .toISOString()
      .replace('.000Z', 'Z');
    expect(exportsStarted().at(-1)?.body).toEqual({ format: 'json', compress: false, startDate });

    clock = NOW + 5_000;
    const added = sim.addResponse(first.id);
    const picked = await read({ surveyId: first.id }, last);
    expect(picked.records.map((r) => r.responseId)).toEqual([added.responseId]);
    expect(JSON.parse(picked.last as string)).toEqual({
      after: new Date(NOW + 5_000).toISOString(),
      ids: [added.responseId],
    });
    expect((await read({ surveyId: first.id }, picked.last)).records).toEqual([]);
  });

  it('picks up a response recorded at the same instant as the cursor, without repeating the seen one', async () => {
    const at = NOW + 60_000;
    const a = sim.addResponse(second.id, { recordedAt: at });
    const { last } = await read({ surveyId: second.id });
    expect(JSON.parse(last as string)).toEqual({ after: new Date(at).toISOString(), ids: [a.responseId] });
    const b = sim.addResponse(second.id, { recordedAt: at });
    const next = await read({ surveyId: second.id }, last);
    expect(next.records.map((r) => r.responseId)).toEqual([b.responseId]);
    expect(JSON.parse(next.last as string).ids.sort()).toEqual([a.responseId, b.responseId].sort());
  });

  it('resumes from a mid cursor with exactly the rest', async () => {
    const full = await read({ surveyId: third.id, pageSize: 6 });
    const resumed = await read({ surveyId: third.id, pageSize: 6 }, full.pages[1]?.cursor ?? null);
    expect(resumed.records).toEqual(full.records.slice(12));
  });

  it('honours startDate on the first run only', async () => {
    const startDate = new Date(NOW - 20 * 86_400_000).toISOString();
    const { records } = await read({ surveyId: third.id, startDate });
    const expected = third.responses.filter((r) => String(r.values.recordedDate) >= startDate);
    expect(expected.length).toBeLessThan(third.responses.length);
    expect(records.map((r) => r.responseId)).toEqual(expected.map((r) => r.responseId));
  });

  it('polls with a doubling interval and gives up as transient after maxWaitMs (by ctx.now)', async () => {
    const slow = createQualtricsSimulator({ surveys: 1, responsesPerSurvey: 2, exportPolls: 1_000 });
    const slowServer = await listen(slow.app);
    try {
      let fake = 0;
      const ctx: ConnectorContext = {
        now: () => fake,
        // Each poll costs 10 ms of the fake clock; the sleeps between polls are real.
        fetch: async (input, init) => {
          if (init?.method === 'GET') fake += 10;
          return fetch(input, init);
        },
      };
      const settings = settingsSchema.parse({ baseUrl: slowServer.url, sandbox: true });
      const options = { surveyId: slow.state.surveys[0]!.id, pollIntervalMs: 20, maxWaitMs: 60 };
      const iterable = streams.responses!.read({
        settings,
        secrets: { apiToken: slow.credentials.apiToken },
        ctx,
        cursor: null,
        options,
      });
      const error = await (async () => {
        for await (const _ of iterable) {
          /* never reached */
        }
      })().catch((e) => e);
      expect(error).toMatchObject({ name: 'ConnectorError', code: 'transient' });
      expect(error.message).toMatch(/not ready within 60 ms/);
      // t=10: wait 20 → t=20: wait 40 → t=30: 30 + 80 > 60, give up.
      const polls = slow.control.requests.filter((r) => r.method === 'GET').map((r) => r.at);
      expect(polls).toHaveLength(3);
      expect(polls[1]! - polls[0]!).toBeGreaterThanOrEqual(19);
      expect(polls[2]! - polls[1]!).toBeGreaterThanOrEqual(39);
    } finally {
      await slowServer.close();
    }
  });

  it('stops waiting when the run is cancelled', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    const sim2 = createQualtricsSimulator({ surveys: 1, exportPolls: 1_000 });
    const server2 = await listen(sim2.app);
    try {
      const settings = settingsSchema.parse({ baseUrl: server2.url, sandbox: true });
      const iterable = streams.responses!.read({
        settings,
        secrets: { apiToken: sim2.credentials.apiToken },
        ctx: { fetch, now: Date.now, signal: controller.signal },
        cursor: null,
        options: { surveyId: sim2.state.surveys[0]!.id, pollIntervalMs: 10_000 },
      });
      const error = await iterable[Symbol.asyncIterator]()
        .next()
        .catch((e) => e);
      expect(error).toMatchObject({ code: 'transient', message: 'Call cancelled' });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await server2.close();
    }
  });

  it('maps a failed export to transient, an unknown survey to not_found, bad options and cursors to config', async () => {
    sim.state.failSurveyIds.add(third.id);
    try {
      expect(await read({ surveyId: third.id }).catch((e) => e)).toMatchObject({
        code: 'transient',
        message: expect.stringMatching(/export failed/),
      });
    } finally {
      sim.state.failSurveyIds.delete(third.id);
    }
    expect(await read({ surveyId: 'SV_nope' }).catch((e) => e)).toMatchObject({ code: 'not_found' });
    for (const options of [{}, { surveyId: first.id, startDate: 'yesterday' }, { surveyId: first.id, pageSize: 0 }]) {
      expect(await read(options).catch((e) => e), JSON.stringify(options)).toMatchObject({ code: 'config' });
    }
    expect(await read({ surveyId: first.id }, '{"after":"soon","ids":[]}').catch((e) => e)).toMatchObject({
      code: 'config',
      message: expect.stringMatching(/not a Qualtrics responses cursor/),
    });
  });
});
