import { ConnectorError, type ConnectorDefinition } from '@synchub/core';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestHub, type TestHub } from '../testing.js';
import { addMemoConnection, createMemo, testFlows, testKind } from './test-plugins.js';

/**
 * A plugin's failure is the plugin's: whatever a connector, a kind or a destination throws (a branded
 * ConnectorError or a plain Error) becomes that operation's failure with the plugin's message, and what
 * hangs is cut off by the operation's deadline (50 ms here). Never the hub's generic 500.
 */

// biome-ignore lint/suspicious/noExplicitAny: answers are checked by the assertions themselves
type Json = Record<string, any>;

let t: TestHub | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const json = async (res: Response | Promise<Response>) => {
  const answer = await res;
  return { status: answer.status, body: (await answer.json()) as Json };
};
const never = () => new Promise<never>(() => {});
const DEADLINE = 50;

async function hubWith(options: { connector?: Partial<ConnectorDefinition>; kinds?: ReturnType<typeof testKind>[] }) {
  const memo = createMemo(options.connector);
  t = await createTestHub({
    operationTimeoutMs: DEADLINE,
    extraConnectors: [memo.connector],
    extraFlows: [testFlows('failing', { kinds: options.kinds ?? [] })],
  });
  return { hub: t, memo, connectionId: await addMemoConnection(t) };
}

describe("a kind's validate", () => {
  it('that throws refuses the save with its message as an issue (a plain Error or a ConnectorError)', async () => {
    const { hub, connectionId } = await hubWith({
      kinds: [
        testKind('failing.plain', {
          validate: async () => {
            throw new Error('Acme has no object Widget');
          },
        }),
        testKind('failing.vendor', {
          validate: async () => {
            throw new ConnectorError('auth', 'Acme refused the token');
          },
        }),
      ],
    });
    const plain = await json(hub.request('POST', '/api/pipelines', { kind: 'failing.plain', name: 'P', connectionId }));
    expect(plain).toEqual({
      status: 400,
      body: {
        error: {
          code: 'invalid_input',
          message: 'settings: Acme has no object Widget',
          issues: [{ path: 'settings', message: 'Acme has no object Widget' }],
        },
      },
    });
    const vendor = await json(
      hub.request('POST', '/api/pipelines', { kind: 'failing.vendor', name: 'V', connectionId }),
    );
    expect(vendor.status).toBe(400);
    expect(vendor.body.error.issues).toEqual([{ path: 'settings', message: 'Acme refused the token' }]);
    // The preview of unsaved settings is refused the same way.
    const preview = await json(
      hub.request('POST', '/api/pipelines/preview', { kind: 'failing.plain', name: 'P', connectionId }),
    );
    expect(preview.status).toBe(400);
  });

  it('that hangs is cut off at the deadline, its signal aborted', async () => {
    let signal: AbortSignal | undefined;
    const { hub, connectionId } = await hubWith({
      kinds: [
        testKind('failing.slow', {
          validate: async (args) => {
            signal = args.signal;
            return never();
          },
        }),
      ],
    });
    const slow = await json(hub.request('POST', '/api/pipelines', { kind: 'failing.slow', name: 'S', connectionId }));
    expect(slow.status).toBe(400);
    expect(slow.body.error.issues).toEqual([
      { path: 'settings', message: 'The checks of Kind failing.slow did not finish within 50 ms' },
    ]);
    expect(signal?.aborted).toBe(true);
  });
});

describe("a kind's gate and run", () => {
  it('fail the run with the plugin’s message; a gate that hangs fails it at the deadline', async () => {
    const behaviour: { gate?: () => Promise<string | undefined>; run?: () => Promise<void> } = {};
    const { hub, connectionId } = await hubWith({
      kinds: [
        testKind('failing.run', {
          gate: () => behaviour.gate?.() ?? Promise.resolve(undefined),
          run: async () => behaviour.run?.(),
        }),
      ],
    });
    const created = await json(hub.request('POST', '/api/pipelines', { kind: 'failing.run', name: 'R', connectionId }));
    const id = created.body.pipeline.id as string;
    const run = async () => (await hub.hub.runner.start(id, 'manual')).done;

    behaviour.gate = async () => {
      throw new Error('gate exploded');
    };
    expect(await run()).toMatchObject({ status: 'failed', error: { code: 'plugin_failed', message: 'gate exploded' } });
    behaviour.gate = never;
    expect(await run()).toMatchObject({
      status: 'failed',
      error: { code: 'timeout', message: 'The gate of Kind failing.run did not finish within 50 ms' },
    });
    behaviour.gate = async () => 'the CRM has not synced yet';
    expect(await run()).toMatchObject({
      status: 'failed',
      error: { code: 'gated', message: 'the CRM has not synced yet' },
    });
    behaviour.gate = undefined;
    behaviour.run = async () => {
      throw new TypeError("Cannot read properties of undefined (reading 'id')");
    };
    expect(await run()).toMatchObject({
      status: 'failed',
      error: { code: 'plugin_failed', message: "Cannot read properties of undefined (reading 'id')" },
    });
    behaviour.run = async () => {
      throw new ConnectorError('rate_limited', 'Acme says slow down', { status: 429 });
    };
    expect(await run()).toMatchObject({
      status: 'failed',
      error: { code: 'rate_limited', message: 'Acme says slow down', status: 429 },
    });
    // Through the API too: a failed run, not a 500.
    behaviour.run = async () => {
      throw 'a string';
    };
    const started = await json(hub.request('POST', `/api/pipelines/${id}/run`));
    expect(started.status).toBe(202);
    await hub.hub.runner.stop();
    const runs = await json(hub.request('GET', `/api/pipelines/${id}/runs`));
    expect(runs.body.runs[0]).toMatchObject({
      status: 'failed',
      error: { code: 'plugin_failed', message: 'a string' },
    });
  });
});

describe("a connector's check and discover", () => {
  it('that throw a plain Error: the check answers ok:false, discover 502 plugin_failed', async () => {
    const { hub, connectionId } = await hubWith({
      connector: {
        check: async () => {
          throw new Error('socket closed by Acme');
        },
        discover: async () => {
          throw new RangeError('bad page size');
        },
      },
    });
    const check = await json(hub.request('POST', `/api/connections/${connectionId}/validate`));
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({ ok: false, error: { code: 'plugin_failed', message: 'socket closed by Acme' } });
    const discover = await json(hub.request('POST', `/api/connections/${connectionId}/discover`, {}));
    expect(discover).toEqual({
      status: 502,
      body: { error: { code: 'plugin_failed', message: 'bad page size', connector: 'memo' } },
    });
  });

  it('that hang are cut off at the deadline: ok:false timeout, and 504', async () => {
    const { hub, connectionId } = await hubWith({ connector: { check: never, discover: never } });
    const check = await json(hub.request('POST', `/api/connections/${connectionId}/validate`));
    expect(check.body).toMatchObject({
      ok: false,
      error: { code: 'timeout', message: "Memo's check did not finish within 50 ms" },
    });
    const discover = await json(hub.request('POST', `/api/connections/${connectionId}/discover`, {}));
    expect(discover).toEqual({
      status: 504,
      body: { error: { code: 'timeout', message: "Memo's discover did not finish within 50 ms" } },
    });
  });
});

describe("a flow plugin's event destination", () => {
  it('joins the destination kinds; what it throws fails the events with its message', async () => {
    const memo = createMemo();
    t = await createTestHub({
      extraConnectors: [memo.connector],
      extraFlows: [
        testFlows('dest', {
          destinations: [
            {
              kind: 'memo-events',
              connectorId: 'memo',
              title: 'Memo events',
              settings: z.object({}),
              messageTypes: ['track'],
              merge: false,
              map(message) {
                if (message.event === 'Bad') throw new Error('cannot map Bad');
                return { records: [{ writer: 'items', record: { event: message.event } }] };
              },
            },
            {
              kind: 'memo-deliver',
              connectorId: 'memo',
              title: 'Memo deliver',
              settings: z.object({}),
              messageTypes: ['track'],
              merge: false,
              deliver: async () => {
                throw new Error('Acme bulk endpoint is gone');
              },
            },
          ],
        }),
      ],
    });
    const connectionId = await addMemoConnection(t);
    const route = async (kind: string) => {
      const dest = await json(t!.request('POST', '/api/destinations', { name: kind, kind, connectionId }));
      expect(dest.status).toBe(201);
      const src = await json(
        t!.request('POST', '/api/sources', { name: `${kind} app`, destinationId: dest.body.destination.id }),
      );
      return async (events: string[]) => {
        const res = await t!.hub.app.request('/v1/batch', {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Basic ${Buffer.from(`${src.body.writeKey}:`).toString('base64')}`,
          },
          body: JSON.stringify({
            batch: events.map((event, i) => ({ type: 'track', event, userId: 'u', messageId: `${kind}-${i}` })),
          }),
        });
        expect(res.status).toBe(200);
      };
    };
    const kinds = await json(t.request('GET', '/api/destinations/kinds'));
    expect(kinds.body.kinds.map((k: Json) => k.kind)).toEqual(expect.arrayContaining(['memo-events', 'memo-deliver']));

    await (await route('memo-events'))(['Signed Up', 'Bad']);
    await (await route('memo-deliver'))(['Signed Up']);
    await t.hub.engine.drain();
    const rows = await t.hub.db.selectFrom('events').select(['state', 'last_error_json']).orderBy('id').execute();
    expect(rows.map((r) => [r.state, JSON.parse(r.last_error_json ?? 'null')?.message ?? null])).toEqual([
      ['delivered', null],
      ['failed', 'cannot map Bad'],
      ['failed', 'Acme bulk endpoint is gone'],
    ]);
    expect(memo.written).toEqual([{ event: 'Signed Up' }]);
  });
});
