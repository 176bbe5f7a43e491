import { EngineError } from "../engine/mod.ts";
import { AppError } from "./app_error.ts";

/** An engine job's failure as the envelope the HTTP layer renders: same code, message, action. */
export function fromEngineError(err: EngineError): AppError {
  return new AppError(err.code, err.message, err.details.action, err.details.extra ?? {});
}

/** Awaits an engine call, answering its failures as AppErrors (what routes and MCP expect). */
export async function engineCall<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    throw err instanceof EngineError ? fromEngineError(err) : err;
  }
}
