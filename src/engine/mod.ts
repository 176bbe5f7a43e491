export { Engine, type EngineOptions } from "./engine.ts";

export type { Job, JobKind, JobResults } from "./jobs.ts";
