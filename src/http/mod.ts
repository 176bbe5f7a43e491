// The public face of src/http/: other folders import from here, never from its files.
export { perCallerShare } from "./body_gate.ts";
export { DEFAULT_BODY_MAX_BYTES } from "./body_limit.ts";
export { type Caller, maxBytesFor, ownerOf, requireAccount } from "./caller.ts";
export { type Action, ACTION_MEANING, ERROR_CATALOGUE, errorEntry } from "./error_catalogue.ts";
export { type ErrorContext, problemOf } from "./error_mapping.ts";
export { readUploadForm } from "./multipart_form.ts";
export { apiReferenceCsp, pageCsp } from "./page_csp.ts";
export { type AppDeps, type AppEnv } from "./types.ts";
