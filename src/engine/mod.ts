export { Engine, type EngineOptions } from "./engine.ts";
export { EngineError, type EngineErrorData } from "./engine_error.ts";
export type { Job, JobKind, JobResults } from "./jobs.ts";
