export * from "./actor_runtime.ts";
