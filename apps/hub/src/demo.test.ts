import { afterEach, describe, expect, it } from 'vitest';
import { type Demo, startDemo } from './demo.js';
import { WORKSPACE_FLOWS_DIR } from './hub.js';
import { createTestHub } from './test-support.js';

let t: Awaited<ReturnType<typeof createTestHub>>;
let demo: Demo | undefined;
afterEach(async () => {
  await demo?.close();
  await t.hub.close();
});

describe('demo pulls', { timeout: 30_000 }, () => {
  it('creates the accounts sync and the four Gainsight pulls once, with accounts synced and data that lines up', async () => {
    // The pulls come from the workspace's flow packages (packages/flows/gainsight-pulls).
    t = await createTestHub({ workspaceFlows: WORKSPACE_FLOWS_DIR });
    demo = await startDemo(t.hub);
    await demo.close();
    demo = await startDemo(t.hub);
    const pipelines = (await t.hub.pipelines.list()).filter((p) => p.name.startsWith('Demo '));
    expect(pipelines.map((p) => p.kind).sort()).toEqual([
      'gainsight.activity',
      'gainsight.company',
      'gainsight.surveys',
      'gainsight.usage',
      'salesforce.accounts',
    ]);
    const byKind = (kind: string) => pipelines.find((p) => p.kind === kind)?.id ?? '';
    const run = async (kind: string) => (await t.hub.runner.start(byKind(kind), 'manual')).done;
    expect(await run('gainsight.company')).toMatchObject({
      status: 'completed',
      counts: { read: 40, written: 36, skipped: 4 },
      details: { matchedBy: { sfdc_account_id: 36 } },
    });
    for (const kind of ['gainsight.activity', 'gainsight.surveys', 'gainsight.usage']) {
      const result = await run(kind);
      expect(result.status).toBe('completed');
      expect(result.counts.written).toBeGreaterThan(0);
    }
  });
});

describe('demo source', { timeout: 30_000 }, () => {
  it('keeps its write key across restarts (a new one only after a rotation elsewhere)', async () => {
    t = await createTestHub();
    demo = await startDemo(t.hub);
    const first = demo;
    expect(first.created).toBe(true);
    await first.close();
    demo = await startDemo(t.hub);
    expect(demo).toMatchObject({ created: false, writeKey: first.writeKey });
    const [source] = await t.hub.sources.list();
    expect(await t.hub.sources.authenticate(first.writeKey)).toBe(source?.id);

    // Rotated in the dashboard: the next start cannot know the new key, so it makes (and keeps) its own.
    await t.hub.sources.rotateKey(source?.id ?? '');
    await demo.close();
    demo = await startDemo(t.hub);
    expect(demo.writeKey).not.toBe(first.writeKey);
    expect(await t.hub.sources.authenticate(demo.writeKey)).toBe(source?.id);
    const key = demo.writeKey;
    await demo.close();
    demo = await startDemo(t.hub);
    expect(demo.writeKey).toBe(key);
  });
});
