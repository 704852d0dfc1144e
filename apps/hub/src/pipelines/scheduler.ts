import type { Db } from '../db/index.js';
import type { HubLogger } from '../logger.js';
import type { Runner } from './runner.js';

/**
 * Starts due pipelines. Next-run times are persisted, so a run missed while the hub was down is due
 * at start and runs once (then the schedule continues from now, no catch-up storm).
 */
export function createScheduler(deps: {
  db: Db;
  runner: Runner;
  logger: HubLogger;
  now: () => number;
  tickMs?: number;
}) {
  const { db, runner, logger, now } = deps;
  let timer: NodeJS.Timeout | undefined;
  let stopped = true;
  let first = true;

  async function tick(): Promise<string[]> {
    const due = await db
      .selectFrom('pipelines')
      .select(['id'])
      .where('enabled', '=', 1)
      .where('next_run_at', '<=', now())
      .execute();
    const started: string[] = [];
    for (const { id } of due) {
      if (runner.isRunning(id)) continue;
      try {
        await runner.start(id, first ? 'startup' : 'schedule');
        started.push(id);
      } catch (error) {
        logger.warn('Scheduled run not started', { pipelineId: id, error });
      }
    }
    first = false;
    return started;
  }

  const loop = () => {
    if (stopped) return;
    timer = setTimeout(async () => {
      await tick().catch((error) => logger.error('Scheduler tick failed', { error }));
      loop();
    }, deps.tickMs ?? 5000);
  };

  return {
    tick,
    async start() {
      const recovered = await runner.recover();
      if (recovered > 0)
        logger.warn('Runs interrupted by a restart were marked failed and will be retried', { count: recovered });
      stopped = false;
      await tick().catch((error) => logger.error('Scheduler tick failed', { error }));
      loop();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await runner.stop();
    },
  };
}

export type Scheduler = ReturnType<typeof createScheduler>;
