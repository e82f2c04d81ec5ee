// Workflow entry point bundled by the worker. Only deterministic code may be reachable from here.
export { tradingCycle } from './trading-cycle';
