import { AppError, fixError } from "../../domain/errors.ts";
import type { Config } from "../config.ts";
import { formatBytes } from "../format_bytes.ts";

/** The largest upload or import an owner (null: an anonymous caller) may send. */
export const maxUploadBytes = (limits: Config["limits"], owner: string | null): number =>
  owner === null ? limits.anonMaxBytes : limits.accountMaxBytes;

/** Over the caller's byte limit: an account lifts the anonymous one, nothing lifts an account's. */
export function fileTooLarge(limits: Config["limits"], owner: string | null): AppError {
  const size = formatBytes(maxUploadBytes(limits, owner));
  if (owner !== null) {
    return fixError(
      "file_too_large",
      `The file is larger than ${size}.`,
      `Send a file of at most ${size}.`,
      "file",
    );
  }
  return new AppError("file_too_large", `The file is larger than ${size}, the anonymous limit.`, {
    register: true,
  });
}
