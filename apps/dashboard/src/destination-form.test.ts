import { describe, expect, it } from 'vitest';
import {
  buildInput,
  cellKey,
  initialForm,
  newTraitRow,
  newVersionRow,
  routeDestinationIssues,
} from './destination-form.js';
import type { GainsightDestination } from './types.js';

const existing: GainsightDestination = {
  id: 'd1',
  name: 'Gainsight prod',
  kind: 'gainsight',
  connectionId: 'c1',
  enabled: false,
  createdAt: '2024-01-01T00:00:00.000Z',
  updatedAt: '2024-01-01T00:00:00.000Z',
  settings: {
    personFieldMap: [{ trait: 'plan', field: 'Plan__gc' }],
    companyFieldMap: [],
    topicName: 'product',
    eventVersions: [{ event: 'signup', version: 'v01' }],
    flushWindowMs: 500,
    maxAttempts: 3,
  },
};

describe('destination form', () => {
  it('round-trips a stored destination into the same request body', () => {
    const { input, errors } = buildInput(initialForm(existing));
    expect(errors).toEqual({});
    expect(input).toEqual({
      name: 'Gainsight prod',
      kind: 'gainsight',
      connectionId: 'c1',
      enabled: false,
      settings: {
        personFieldMap: [{ trait: 'plan', field: 'Plan__gc' }],
        companyFieldMap: [],
        eventVersions: [{ event: 'signup', version: 'v01' }],
        topicName: 'product',
        flushWindowMs: 500,
        maxAttempts: 3,
      },
    });
  });

  it('leaves out blank rows and blank optional values, trims the rest, keeps half-filled rows for the hub', () => {
    const form = initialForm(undefined, 'c1');
    form.name = ' New ';
    form.personFieldMap = [newTraitRow(' ', ''), newTraitRow(' tier ', '')];
    form.eventVersions = [newVersionRow('signup', '  ', 'v02')];
    form.topicName = '  ';
    const { input } = buildInput(form);
    expect(input.name).toBe('New');
    expect(input.settings).toEqual({
      personFieldMap: [{ trait: 'tier', field: '' }],
      companyFieldMap: [],
      eventVersions: [{ event: 'signup', version: 'v02' }],
      flushWindowMs: 2000,
      maxAttempts: 20,
    });
  });

  it('refuses numbers that are not whole before sending', () => {
    const form = initialForm(undefined, 'c1');
    form.flushWindowMs = '1.5';
    form.maxAttempts = 'many';
    expect(buildInput(form).errors).toEqual({
      flushWindowMs: 'Enter a whole number.',
      maxAttempts: 'Enter a whole number.',
    });
  });

  it("puts the hub's row issues on the row the user sees, even when blank rows were skipped", () => {
    const form = initialForm(undefined, 'c1');
    const blank = newTraitRow();
    const bad = newTraitRow('plan', 'Plan');
    const version = newVersionRow('signup', '', '');
    form.personFieldMap = [blank, bad];
    form.eventVersions = [version];
    const { sent } = buildInput(form);
    const routed = routeDestinationIssues(
      [
        { path: 'settings.personFieldMap.0.field', message: 'must end in __gc' },
        { path: 'settings.eventVersions.0.version', message: 'version is required' },
        { path: 'settings.flushWindowMs', message: 'too small' },
        { path: 'name', message: 'already in use' },
        { path: 'connectionId', message: 'a gainsight destination needs a gainsight connection' },
        { path: 'settings.mystery', message: 'unrecognized key' },
      ],
      sent,
    );
    expect(routed.byField).toEqual({
      [cellKey('personFieldMap', bad.key, 'field')]: 'must end in __gc',
      [cellKey('eventVersions', version.key, 'version')]: 'version is required',
      flushWindowMs: 'too small',
      name: 'already in use',
      connectionId: 'a gainsight destination needs a gainsight connection',
    });
    expect(routed.other).toEqual(['settings.mystery: unrecognized key']);
  });

  it('joins two issues on the same cell and lists issues for rows it never sent', () => {
    const routed = routeDestinationIssues(
      [
        { path: 'settings.companyFieldMap.0.field', message: 'a' },
        { path: 'settings.companyFieldMap.0.field', message: 'b' },
        { path: 'settings.companyFieldMap.3.trait', message: 'c' },
      ],
      { personFieldMap: [], companyFieldMap: [42], eventVersions: [] },
    );
    expect(routed.byField).toEqual({ 'companyFieldMap.42.field': 'a; b' });
    expect(routed.other).toEqual(['settings.companyFieldMap.3.trait: c']);
  });
});
