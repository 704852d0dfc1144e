import {
  type ConnectorDefinition,
  DELIVERED,
  type DeliveryOutcome,
  type EventDestinationDefinition,
} from '@synchub/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LeaseLostError } from '../db/postgres/leases.js';
import { deliverMapped } from './mapped.js';

// A process that lost its destination's lease mid-window (another hub holds it now) settles nothing: the lease
// error leaves deliverMapped as it is, for the engine to drop the lane, instead of becoming the events' fate.

const fence = { name: 'destination:d1', owner: 'paused-host:1:abc', epoch: 7 };

function setup(write: (records: unknown[]) => Promise<Array<{ ok: true; id: string }>>) {
  const writers = {
    people: {
      name: 'people',
      mode: 'upsert' as const,
      batchSize: 10,
      write: async ({ records }: { records: unknown[] }) => write(records),
    },
  };
  const connector = { id: 'acme', writers } as unknown as ConnectorDefinition;
  const definition = {
    title: 'Acme people',
    settings: z.object({}),
    messageTypes: ['identify'],
    merge: true,
    map: (message: { userId?: string; traits?: Record<string, unknown> }) => ({
      records: [{ writer: 'people', key: message.userId, record: { id: message.userId, ...message.traits } }],
    }),
  } as unknown as EventDestinationDefinition;
  const events = [1, 2, 3].map((id) => ({
    id,
    message: { type: 'identify', userId: `u${id % 2}`, traits: { n: id }, messageId: `m${id}` },
  })) as unknown as Parameters<typeof deliverMapped>[0]['events'];
  const told: Array<[number[], DeliveryOutcome]> = [];
  const run = () =>
    deliverMapped({
      events,
      definition,
      settings: {},
      target: { connector, settings: {}, secrets: {}, ctx: { fetch, now: () => 1_000 } },
      onOutcome: (ids, outcome) => told.push([ids, outcome]),
    });
  return { run, told };
}

describe('deliverMapped when the lease is lost', () => {
  it('delivers and tells each fate while the lease holds', async () => {
    const { run, told } = setup(async (records) => records.map((_, i) => ({ ok: true, id: `id-${i}` })));
    const outcomes = await run();
    expect([...outcomes.values()]).toEqual([DELIVERED, DELIVERED, DELIVERED]);
    expect(told.flatMap(([ids]) => ids).sort()).toEqual([1, 2, 3]);
  });

  it('throws the lease error from the write, and settles no event with it', async () => {
    const { run, told } = setup(async () => {
      throw new LeaseLostError(fence);
    });
    await expect(run()).rejects.toMatchObject({ name: 'LeaseLostError' });
    expect(told).toEqual([]);
  });
});
