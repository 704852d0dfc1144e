// The hub's own tests use the helper it exports to plugin packages (`@synchub/hub/testing`).
export { createTestHub, TEST_TOKEN, type TestHub } from './testing.js';
