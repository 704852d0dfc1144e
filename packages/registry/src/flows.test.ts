import path from 'node:path';
import type { FlowDestination, PipelineKindDefinition } from '@synchub/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { findConnectorPackages } from './find.js';
import { checkFlows, collectContributions, loadFlows } from './flows.js';
import { loadConnectors } from './load.js';
import { createTempRoot, flowsSource, kindSource, pluginSource, type TempRoot } from './test-plugins.js';

let tmp: TempRoot;
let nodeModules: string;
beforeEach(async () => {
  tmp = await createTempRoot();
  nodeModules = path.join(tmp.root, 'node_modules');
});
afterEach(() => tmp.remove());

const FLOWS_KEY = { flows: './index.mjs' };

describe('loadFlows', () => {
  it('loads a flows-only package; the connector finder leaves it alone', async () => {
    await tmp.write({
      dir: 'node_modules/@acme/flows',
      name: '@acme/flows',
      synchub: FLOWS_KEY,
      source: flowsSource('acme'),
    });
    const { flows, errors } = await loadFlows({ dirs: [nodeModules] });
    expect(errors).toEqual([]);
    const loaded = flows.get('acme');
    expect(loaded?.packageName).toBe('@acme/flows');
    expect(loaded?.definition.kinds?.map((k) => k.kind)).toEqual(['acme.pull']);
    expect(loaded?.definition.destinations?.[0]?.kind).toBe('acme-events');
    expect(loaded?.definition.mount).toBe('acme');
    // The original object: schemas and functions intact.
    expect(loaded?.definition.kinds?.[0]?.settings.parse({})).toEqual({ object: 'Account' });
    expect(await findConnectorPackages([nodeModules])).toEqual({ packages: [], errors: [] });
  });

  it('loads both entries of a package that declares a connector and flows', async () => {
    await tmp.write({
      dir: 'node_modules/@acme/both',
      name: '@acme/both',
      synchub: { connector: './index.mjs', flows: './flows.mjs' },
      source: pluginSource('acme'),
      files: { 'flows.mjs': flowsSource('acme-flows') },
    });
    const connectors = await loadConnectors({ dirs: [nodeModules] });
    const flows = await loadFlows({ dirs: [nodeModules] });
    expect([...connectors.connectors.keys()]).toEqual(['acme']);
    expect([...flows.flows.keys()]).toEqual(['acme-flows']);
    expect([...connectors.errors, ...flows.errors]).toEqual([]);
  });

  it('reports a broken flows entry with the package name and every problem, and loads the others', async () => {
    const patch = `
      flows.id = 'Bad Id';
      flows.kinds[0].run = 'not a function';
      flows.kinds[0].settings = { parse() {} };
      flows.destinations[0].messageTypes = [];
      delete flows.destinations[0].connectorId;
      flows.mount = 'a/b';
      flows.migrations['0002'] = { up: 1 };
      flows.service = {};
      flows.pages = [{ id: 'x' }];`;
    await tmp.write({
      dir: 'node_modules/@acme/broken',
      name: '@acme/broken',
      synchub: FLOWS_KEY,
      source: flowsSource('x', patch),
    });
    await tmp.write({ dir: 'node_modules/@acme/ok', name: '@acme/ok', synchub: FLOWS_KEY, source: flowsSource('ok') });
    const { flows, errors } = await loadFlows({ dirs: [nodeModules] });
    expect([...flows.keys()]).toEqual(['ok']);
    expect(errors.map((e) => [e.code, e.packageName])).toEqual([['invalid_definition', '@acme/broken']]);
    const message = errors[0]?.message ?? '';
    expect(message).toMatch(/^@acme\/broken does not export a valid flows definition: /);
    for (const problem of [
      'id: must be a lowercase slug',
      'kinds.0.run: must be a function',
      'kinds.0.settings: must be a zod 4 schema',
      'destinations.0.messageTypes: must name at least one message type',
      'destinations.0.connectorId:',
      'mount: must be one lowercase path segment',
      'migrations.0002.up: must be a function',
      'service: must be a function',
      'pages.0.title:',
    ]) {
      expect(message).toContain(problem);
    }
  });

  it('rejects another contract version, a missing default export, an import that throws and a missing entry', async () => {
    await tmp.write({
      dir: 'node_modules/v2',
      name: 'v2',
      synchub: FLOWS_KEY,
      source: flowsSource('v2', 'flows.contractVersion = 2;'),
    });
    await tmp.write({
      dir: 'node_modules/nodefault',
      name: 'nodefault',
      synchub: FLOWS_KEY,
      source: 'export const x = 1;\n',
    });
    await tmp.write({
      dir: 'node_modules/boom',
      name: 'boom',
      synchub: FLOWS_KEY,
      source: "throw new Error('kaboom');\n",
    });
    await tmp.write({ dir: 'node_modules/nofile', name: 'nofile', synchub: FLOWS_KEY });
    const { flows, errors } = await loadFlows({ dirs: [nodeModules] });
    expect(flows.size).toBe(0);
    expect(errors.map((e) => [e.packageName, e.code])).toEqual([
      ['nofile', 'invalid_package'],
      ['boom', 'import_failed'],
      ['nodefault', 'invalid_definition'],
      ['v2', 'contract_mismatch'],
    ]);
    expect(errors[0]?.message).toContain("nofile's synchub.flows entry ./index.mjs does not exist");
    expect(errors[1]?.message).toMatch(/^boom could not be imported from .*: kaboom$/);
    expect(errors[3]?.message).toBe('v2 targets flow contract 2; this hub implements contract 1');
  });

  it('keeps the first of two packages declaring one plugin id', async () => {
    await tmp.write({
      dir: 'builtin/pulls',
      name: '@synchub/flow-pulls',
      synchub: FLOWS_KEY,
      source: flowsSource('pulls'),
    });
    await tmp.write({
      dir: 'node_modules/@acme/pulls',
      name: '@acme/pulls',
      synchub: FLOWS_KEY,
      source: flowsSource('pulls'),
    });
    const { flows, errors } = await loadFlows({ dirs: [path.join(tmp.root, 'builtin'), nodeModules] });
    expect(flows.get('pulls')?.packageName).toBe('@synchub/flow-pulls');
    expect(errors.map((e) => [e.code, e.packageName])).toEqual([['duplicate_id', '@acme/pulls']]);
  });

  it('an empty synchub key names the missing entry', async () => {
    await tmp.write({ dir: 'node_modules/empty', name: 'empty', synchub: {} });
    const found = await findConnectorPackages([nodeModules]);
    expect(found.errors[0]?.message).toContain('synchub.connector: required unless synchub.flows names a flows entry');
  });
});

describe('a connector that carries a pipeline kind', () => {
  it('loads, its kind checked with the connector', async () => {
    await tmp.write({
      dir: 'node_modules/small',
      name: 'small',
      source: pluginSource('small', `definition.kinds = [${kindSource('small.accounts')}];`),
    });
    await tmp.write({
      dir: 'node_modules/bad-kind',
      name: 'bad-kind',
      source: pluginSource('bad-kind', `definition.kinds = [${kindSource('Bad Kind', 'gate: 3,')}];`),
    });
    const { connectors, errors } = await loadConnectors({ dirs: [nodeModules] });
    expect(connectors.get('small')?.definition.kinds?.map((k) => k.kind)).toEqual(['small.accounts']);
    expect(errors.map((e) => e.packageName)).toEqual(['bad-kind']);
    expect(errors[0]?.message).toContain('kinds.0.kind: must be a lowercase id');
    expect(errors[0]?.message).toContain('kinds.0.gate: must be a function');
  });
});

describe('checkFlows', () => {
  it('accepts the smallest plugin and keeps the object', () => {
    const definition = { id: 'tiny', name: 'Tiny', version: '0.1.0', contractVersion: 1 };
    const checked = checkFlows(definition);
    expect(checked.ok && checked.definition).toBe(definition);
  });

  it('refuses a kind or destination id repeated inside one plugin', () => {
    const kind = {
      kind: 'x.y',
      title: 'X',
      description: '',
      group: 'X',
      connectorId: 'x',
      settings: z.object({}),
      defaultSchedule: '0 * * * *',
      run: async () => {},
    };
    const checked = checkFlows({ id: 'x', name: 'X', version: '1.0.0', contractVersion: 1, kinds: [kind, kind] });
    expect(checked.ok ? [] : checked.problems).toEqual(["kinds.1: repeats 'x.y'"]);
  });

  it('refuses a settings form that cannot be turned into JSON Schema, unless told not to convert forms', () => {
    const kind = {
      kind: 'x.y',
      title: 'X',
      description: '',
      group: 'X',
      connectorId: 'x',
      // A BigInt in the metadata: zod cannot write it as JSON.
      settings: z.object({ a: z.string().meta({ examples: [1n] }) }),
      defaultSchedule: '0 * * * *',
      run: async () => {},
    };
    const definition = { id: 'x', name: 'X', version: '1.0.0', contractVersion: 1, kinds: [kind] };
    const checked = checkFlows(definition);
    expect(checked.ok ? [] : checked.problems).toEqual([
      'kinds.0.settings: cannot be turned into JSON Schema: Error converting schema to JSON.',
    ]);
    expect(checkFlows(definition, { forms: false }).ok).toBe(true);
  });
});

describe('collectContributions', () => {
  const kind = (id: string) => ({ kind: id }) as PipelineKindDefinition;
  const destination = (id: string) => ({ kind: id }) as FlowDestination;

  it('keeps the first of each kind and destination id and reports the others', () => {
    const { kinds, destinations, errors } = collectContributions([
      { packageName: '@synchub/hub', kinds: [kind('sync'), kind('gainsight.company')] },
      { packageName: '@synchub/connector-acme', destinations: [destination('acme')] },
      {
        packageName: '@synchub/flow-pulls',
        kinds: [kind('gainsight.company'), kind('gainsight.activity')],
        destinations: [destination('acme'), destination('acme-events')],
      },
    ]);
    expect(kinds.map((k) => [k.definition.kind, k.packageName])).toEqual([
      ['sync', '@synchub/hub'],
      ['gainsight.company', '@synchub/hub'],
      ['gainsight.activity', '@synchub/flow-pulls'],
    ]);
    expect(destinations.map((d) => [d.definition.kind, d.packageName])).toEqual([
      ['acme', '@synchub/connector-acme'],
      ['acme-events', '@synchub/flow-pulls'],
    ]);
    expect(errors.map((e) => [e.code, e.packageName, e.message])).toEqual([
      [
        'duplicate_id',
        '@synchub/flow-pulls',
        "pipeline kind 'gainsight.company' is declared by both @synchub/hub and @synchub/flow-pulls; keeping @synchub/hub's",
      ],
      [
        'duplicate_id',
        '@synchub/flow-pulls',
        "destination kind 'acme' is declared by both @synchub/connector-acme and @synchub/flow-pulls; keeping @synchub/connector-acme's",
      ],
    ]);
  });
});
