import type { Hono } from 'hono';
import { badRequest, envelope, isPlainObject, jsonBody } from './envelope.js';
import { isPicklist, picklistOptions } from './picklists.js';
import { guard, type GainsightRuntime, requireObject } from './runtime.js';
import type { GainsightFieldDef, GainsightObjectDef } from './types.js';

function listEntry(o: GainsightObjectDef) {
  return {
    objectName: o.objectName,
    label: o.label,
    objectType: o.objectType,
    keyPrefix: o.keyPrefix,
    readable: o.readable,
    createable: o.createable,
  };
}

function describeField(objectName: string, field: GainsightFieldDef, withOptions = false) {
  return {
    fieldName: field.fieldName,
    label: field.label,
    dataType: field.dataType,
    objectName,
    meta: {
      createable: field.createable,
      updateable: field.updateable,
      required: field.required ?? false,
      nillable: !field.required,
      filterable: true,
      sortable: true,
    },
    // Picklist items only when asked for (POST describe with populatePickListOptions) [H, live-recorded].
    ...(withOptions && isPicklist(field) ? { options: picklistOptions(field) } : {}),
    // The lookup detail's shape is our guess [L]; the core facts above are documented.
    ...(field.lookupObject ? { lookupDetail: { lookupObjects: [{ objectName: field.lookupObject }] } } : {}),
  };
}

function describeObject(def: GainsightObjectDef, withOptions = false) {
  return {
    objectName: def.objectName,
    label: def.label,
    objectType: def.objectType,
    keyPrefix: def.keyPrefix,
    fields: def.fields.map((fd) => describeField(def.objectName, fd, withOptions)),
  };
}

export function registerMetaRoutes(app: Hono, rt: GainsightRuntime): void {
  // `?po=company&em=false` are accepted and ignored: the list is the whole tenant catalog.
  app.get('/v1/meta/services/objects/list', guard(rt), (c) => c.json(envelope(rt.state.objects.map(listEntry))));

  app.get('/v1/meta/services/objects/:name/describe', guard(rt), (c) => {
    const def = requireObject(rt, c.req.param('name'));
    return c.json(envelope([describeObject(def)]));
  });

  // "Post Describe OMD": `{objectNames:[…], populatePickListOptions:"true", …flags}`; the other flags
  // (includeChilds, host, sortFieldsByLabel…) are accepted and ignored. Flags are strings in the doc
  // sample; booleans are taken too.
  app.post('/v1/meta/services/objects/describe', guard(rt), async (c) => {
    const body = await jsonBody(c);
    const names = isPlainObject(body) ? body.objectNames : undefined;
    if (!Array.isArray(names) || names.length === 0 || !names.every((n) => typeof n === 'string' && n !== '')) {
      throw badRequest('objectNames must be a non-empty array of object names');
    }
    const flag = isPlainObject(body) ? body.populatePickListOptions : undefined;
    const withOptions = flag === true || flag === 'true';
    return c.json(envelope(names.map((name) => describeObject(requireObject(rt, name), withOptions))));
  });
}
