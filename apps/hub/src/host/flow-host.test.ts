import { afterEach, describe, expect, it } from 'vitest';
import { createTestHub, type TestHub } from '../testing.js';
import { addMemoConnection, createMemo, testFlows, testKind } from './test-plugins.js';

let t: TestHub | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('FlowHost', () => {
  it('lists connections and pipelines (by kind and connection, with when each last completed)', async () => {
    let clock = Date.UTC(2026, 4, 1);
    t = await createTestHub({
      now: () => clock,
      extraConnectors: [createMemo().connector],
      extraFlows: [testFlows('lister', { kinds: [testKind('lister.a'), testKind('lister.b')] })],
    });
    const first = await addMemoConnection(t, 'First');
    clock += 1000;
    const second = await addMemoConnection(t, 'Second');
    const create = async (kind: string, name: string, connectionId: string) => {
      const res = await t!.request('POST', '/api/pipelines', { kind, name, connectionId, settings: { note: name } });
      clock += 1000;
      return ((await res.json()) as { pipeline: { id: string } }).pipeline.id;
    };
    const a1 = await create('lister.a', 'A1', first);
    const b2 = await create('lister.b', 'B2', second);
    await (await t.hub.runner.start(a1, 'manual')).done;

    const host = t.hub.pluginRuntime.hostOf(t.hub.plugins.kinds.find((k) => k.kind === 'lister.a')!);
    expect((await host.connections.list()).map((c) => [c.name, c.connectorId])).toEqual([
      ['First', 'memo'],
      ['Second', 'memo'],
    ]);
    expect(await host.connections.list({ connectorId: 'nope' })).toEqual([]);
    const resolved = await host.connections.get(second);
    expect(resolved).toMatchObject({ id: second, name: 'Second', settings: { label: 'memo' } });
    expect(resolved.connector.id).toBe('memo');
    await expect(host.connections.get('missing')).rejects.toThrow('No connection with id missing');

    const all = await host.pipelines.list();
    expect(all.map((p) => [p.name, p.kind, p.settings, p.lastCompletedAt])).toEqual([
      ['A1', 'lister.a', { note: 'A1' }, clock],
      ['B2', 'lister.b', { note: 'B2' }, null],
    ]);
    expect((await host.pipelines.list({ kinds: ['lister.b'] })).map((p) => p.id)).toEqual([b2]);
    expect((await host.pipelines.list({ connectionId: first })).map((p) => p.id)).toEqual([a1]);
    expect(await host.pipelines.list({ kinds: [] })).toEqual([]);
    expect(host.now()).toBe(clock);
    host.log('info', 'hello from a flow', { n: 1 });
    expect(t.lines.some((l) => l.includes('hello from a flow') && l.includes('"plugin":"lister"'))).toBe(true);
  });
});
