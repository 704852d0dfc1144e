import { seededRandom } from '@synchub/sandbox';

export interface WorkloadOptions {
  events: number;
  people: number;
  companies: number;
  /** Shares of identify / group / track (the rest of 1 is track). */
  identifyShare: number;
  groupShare: number;
  seed?: number;
}

/** A deterministic mixed workload of Segment-spec calls over a fixed population. */
export function mixedWorkload(o: WorkloadOptions): Array<Record<string, unknown>> {
  const random = seededRandom(o.seed ?? 42);
  const pick = (n: number) => Math.floor(random() * n);
  const out: Array<Record<string, unknown>> = [];
  for (let i = 0; i < o.events; i++) {
    const p = pick(o.people);
    const email = `person${p}@example.com`;
    const r = random();
    const base = { messageId: `bench-${o.seed ?? 42}-${i}`, userId: `user-${p}` };
    if (r < o.identifyShare) {
      out.push({
        ...base,
        type: 'identify',
        traits: { email, firstName: `First${p}`, lastName: `Last${p}`, comments: `visit ${i}` },
      });
    } else if (r < o.identifyShare + o.groupShare) {
      const c = p % o.companies; // a person belongs to one company
      out.push({
        ...base,
        type: 'group',
        groupId: `company-${c}`,
        traits: { name: `Company ${c}`, employees: 10 + pick(1000) },
        context: { traits: { email } },
      });
    } else {
      out.push({ ...base, type: 'track', event: 'Feature Used', properties: { feature: `f${pick(20)}` } });
    }
  }
  return out;
}

/** What RudderStack's Gainsight destination spends on the same calls: identify 1, group 3, track 1. */
export function rudderStackCalls(events: Array<Record<string, unknown>>): number {
  return events.reduce((n, e) => n + (e.type === 'group' ? 3 : 1), 0);
}
