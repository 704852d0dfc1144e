// Loaded into each hub process by the scale harness (node --import), never by the hub itself: every
// outgoing request carries the harness's name for the process (`hub2#3`: slot 2, third life) and its pid,
// so the vendor simulator's log tells which process sent each call.
const name = process.env.SCALE_PROCESS ?? 'unknown';
const original = globalThis.fetch;
globalThis.fetch = (input, init = {}) => {
  const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
  headers.set('x-scale-process', name);
  headers.set('x-scale-pid', String(process.pid));
  return original(input, { ...init, headers });
};
