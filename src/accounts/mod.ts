// The public face of src/accounts/: other folders import from here, never from its files.
export { PASSWORD_MAX, PASSWORD_MIN, PASSWORD_RULE, passwordProblem } from "./password_policy.ts";
export { SESSION_TTL_MS, sessionCookieName } from "./sessions.ts";
export { upgradeUrl, verifyUpgrade } from "./upgrade_links.ts";
export { usageOf } from "./usage.ts";
