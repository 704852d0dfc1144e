import type { Hono } from 'hono';
import { envelope } from './envelope.js';
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

function describeField(objectName: string, field: GainsightFieldDef) {
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
    // Shapes of the picklist/lookup details are our guess [L]; the core facts above are documented.
    ...(field.picklist ? { picklistDetails: { values: field.picklist.map((v) => ({ label: v, value: v })) } } : {}),
    ...(field.lookupObject ? { lookupDetail: { lookupObjects: [{ objectName: field.lookupObject }] } } : {}),
  };
}

export function registerMetaRoutes(app: Hono, rt: GainsightRuntime): void {
  // `?po=company&em=false` are accepted and ignored: the list is the whole tenant catalog.
  app.get('/v1/meta/services/objects/list', guard(rt), (c) => c.json(envelope(rt.state.objects.map(listEntry))));

  app.get('/v1/meta/services/objects/:name/describe', guard(rt), (c) => {
    const def = requireObject(rt, c.req.param('name'));
    return c.json(
      envelope([
        {
          objectName: def.objectName,
          label: def.label,
          objectType: def.objectType,
          keyPrefix: def.keyPrefix,
          fields: def.fields.map((fd) => describeField(def.objectName, fd)),
        },
      ]),
    );
  });
}
