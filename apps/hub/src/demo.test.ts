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
