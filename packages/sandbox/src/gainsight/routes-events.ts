import type { Hono } from 'hono';
import { CODES } from './envelope.js';
import { type GainsightRuntime, limitOrNull } from './runtime.js';

const SUCCESS_MESSAGE = 'Successfully received event, please keep the event Id for further reference';
const OOPS = 'Oops, something went wrong! Please contact Tech Support to report. ';

function eventFailure(status: 400 | 401, errorCode: string, errorDesc: string, message: string): Response {
  const body = { result: false, errorCode, errorDesc, requestId: crypto.randomUUID(), message, messages: [message] };
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/**
 * Events Framework publish. Authenticated by the org's shared secret (no access key); the event must be
 * registered under its name and version (and topic, when the registration names one).
 */
export function registerEventRoutes(app: Hono, rt: GainsightRuntime): void {
  app.post('/v1.0/api/eventManager/event', async (c) => {
    const secret = c.req.header('sharedsecret');
    const tenantId = c.req.header('tenantid');
    if (secret !== rt.state.sharedSecret || tenantId !== rt.state.tenantId) {
      // The 401 for a wrong secret/tenant is undocumented; gateway-style body. [L]
      return eventFailure(401, CODES.unauthorized, 'Unauthorized', 'Invalid sharedSecret or tenantId');
    }
    const limited = limitOrNull(rt);
    if (limited) return limited;

    const text = await c.req.text();
    let body: unknown;
    try {
      body = text.trim() === '' ? {} : JSON.parse(text);
    } catch {
      return eventFailure(400, CODES.badRequest, OOPS, 'Request body is not valid JSON');
    }

    const eventName = c.req.header('eventname') ?? '';
    const eventVersion = c.req.header('eventversion') ?? '';
    const topicName = c.req.header('topicname');
    const registered = rt.state.registeredEvents.some(
      (r) =>
        r.eventName === eventName &&
        r.eventVersion === eventVersion &&
        (r.topicName === undefined || topicName === undefined || r.topicName === topicName),
    );
    if (!registered) return eventFailure(400, CODES.eventNotRegistered, OOPS, 'Event is not registered');

    const eventId = crypto.randomUUID();
    rt.state.events.push({
      eventId,
      at: rt.now(),
      eventName,
      eventVersion,
      tenantId,
      topicName,
      contractId: c.req.header('contractid'),
      body,
    });
    return c.json({ result: true, data: { eventId }, message: SUCCESS_MESSAGE, messages: [SUCCESS_MESSAGE] });
  });
}
