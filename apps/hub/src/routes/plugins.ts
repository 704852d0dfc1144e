import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { describePackages, type LoadedPlugins } from '../host/plugins.js';
import type { MountPlace, PluginRuntime } from '../host/runtime.js';
import { documenter } from '../openapi/describe.js';

/**
 * `GET /api/plugins`: every package the hub loaded and what it contributes (connectors, pipeline kinds,
 * destination kinds, a service's mount, dashboard pages), and every problem (a plugin that did not load,
 * a clash, a failed migration, a refused mount). The dashboard shows vendor pages from `pages`.
 */
export function pluginRoutes(deps: { plugins: LoadedPlugins; pluginRuntime: PluginRuntime }) {
  const app = new Hono();
  documenter(app, 'Plugins').get('/', {
    summary: 'Loaded plugin packages, what each contributes, and every problem',
    answer: (a) =>
      z.object({
        plugins: z.array(a.PluginPackage),
        errors: z.array(z.object({ packageName: z.string().nullable(), code: z.string(), message: z.string() })),
      }),
  });
  app.get('/', (c) =>
    c.json({
      plugins: describePackages(deps.plugins, deps.pluginRuntime.mounts()),
      errors: deps.plugins.problems.map((p) => ({
        packageName: p.packageName ?? null,
        code: p.code,
        message: p.message,
      })),
    }),
  );
  return app;
}

/** Hands `/<place>/<mount>/*` to the running service with that mount (the request as it came, full URL). */
export function serviceDispatch(runtime: PluginRuntime, place: MountPlace) {
  return async (c: Context) => {
    const handler = runtime.handler(place, c.req.param('mount') ?? '');
    if (!handler) return c.notFound();
    return handler(c.req.raw);
  };
}
