// A planted fault for the scale suite's mutation run, loaded into each hub process by the harness
// (node --import), never part of the hub: a lease is taken whether or not its holder's time has run out
// (the guard of the acquiring statement, `WHERE leases.expires_at <= now OR leases.owner = …`, is made
// always true). Every process then takes every destination's lease from the others as it likes, so a
// holder's calls still in flight overlap the next holder's; the suite must notice it from the vendor's log.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../apps/hub/package.json', import.meta.url));
const pg = require('pg');
const original = pg.Client.prototype.query;
const guard = /WHERE\s+leases\.expires_at\s*<=/;

pg.Client.prototype.query = function query(config, values, callback) {
  const text = typeof config === 'string' ? config : config?.text;
  if (typeof text !== 'string' || !guard.test(text)) return original.call(this, config, values, callback);
  const rewritten = text.replace(guard, 'WHERE true OR leases.expires_at <=');
  return original.call(this, typeof config === 'string' ? rewritten : { ...config, text: rewritten }, values, callback);
};
