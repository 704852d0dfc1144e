import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestHub, type TestHub } from '@synchub/hub/testing';
import { afterEach, describe, expect, it } from 'vitest';

// biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field by the assertions
type Json = Record<string, any>;

/** The folder of this package and its siblings, as the hub scans it for built-in flows. */
const FLOWS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let t: TestHub | undefined;
afterEach(() => t?.close());

describe('the package as the hub finds it', { timeout: 30_000 }, () => {
  it('is loaded from its package.json like any flow plugin: kinds, migrations, the /api/pulls service', async () => {
    t = await createTestHub({ workspaceFlows: FLOWS_DIR });
    const mine = t.hub.plugins.flows.find((f) => f.definition.id === 'gainsight-pulls');
    expect(mine).toMatchObject({ packageName: '@synchub/flow-gainsight-pulls', mount: 'pulls' });
    expect(t.hub.plugins.problems.filter((p) => p.packageName === '@synchub/flow-gainsight-pulls')).toEqual([]);
    const kinds = ((await (await t.request('GET', '/api/pipelines/kinds')).json()) as Json).kinds as Json[];
    expect(kinds.map((k) => k.kind)).toEqual(
      expect.arrayContaining([
        'salesforce.accounts',
        'gainsight.company',
        'gainsight.activity',
        'gainsight.surveys',
        'gainsight.usage',
      ]),
    );
    const tables = (await t.hub.db.introspection.getTables()).map((x) => x.name);
    expect(tables).toEqual(expect.arrayContaining(['pull_common', 'cs_companies']));
    // The service answers under its mount (a connection it does not know: its own 404).
    const res = await t.request('GET', '/api/pulls/nope/common');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'No connection with id nope' } });
  });
});
