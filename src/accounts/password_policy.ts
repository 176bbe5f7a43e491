import { dictionary } from "@zxcvbn-ts/language-common";

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;

/** What the register form says under the password field, and in every refusal's hint. */
export const PASSWORD_RULE =
  `At least ${PASSWORD_MIN} characters, not a simple pattern, and not one of the passwords ` +
  "people use most.";

// zxcvbn-ts's list of ~49,000 passwords seen most often in breaches, compared case-insensitively:
// "Password1234" is as guessable as "password1234".
let common: Set<string> | undefined;
const commonPasswords = () =>
  common ??= new Set((dictionary["passwords-common"] as string[]).map((p) => p.toLowerCase()));

export type PasswordProblem = { message: string; hint: string };

/** Why a new password is refused, or null when it is acceptable. */
export function passwordProblem(typed: string, email = ""): PasswordProblem | null {
  // Judged as it is hashed (src/accounts/passwords.ts): "e" + a combining accent is one character.
  const password = typed.normalize("NFKC");
  const length = [...password].length;
  if (length < PASSWORD_MIN) {
    return {
      message: `The password is ${length} characters long; it needs at least ${PASSWORD_MIN}.`,
      hint: "Choose a longer password; a few unrelated words are easy to remember.",
    };
  }
  if (length > PASSWORD_MAX) {
    return {
      message: `The password is longer than ${PASSWORD_MAX} characters.`,
      hint: `Choose a password of at most ${PASSWORD_MAX} characters.`,
    };
  }
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower)) {
    return {
      message: "This password is on the list of the most common passwords, so it is guessed first.",
      hint: "Choose another password; a few unrelated words are easy to remember.",
    };
  }
  if (new Set(password).size < MIN_DISTINCT || repeatsShortPart(lower) || isRun(lower)) {
    return {
      message: "The password is a pattern (one character, a short part repeated, or a run such " +
        "as 0987654321 or a keyboard row), so it is guessed first.",
      hint: "Choose another password; a few unrelated words are easy to remember.",
    };
  }
  const local = email.toLowerCase().split("@")[0];
  if (lower === email.toLowerCase() || (local.length >= 4 && lower === local)) {
    return {
      message: "The password is your e-mail address.",
      hint: "Choose a password that is not your e-mail address.",
    };
  }
  return null;
}

/** Fewer different characters than this is a pattern, however long ("          ", "aaaaaaaaab"). */
const MIN_DISTINCT = 4;

/** "abababababab", "qwertyqwerty": a part too short to be a password on its own, repeated. */
function repeatsShortPart(password: string): boolean {
  const chars = [...password];
  for (let size = 1; size < PASSWORD_MIN && size <= chars.length / 2; size++) {
    if (chars.length % size) continue;
    const part = chars.slice(0, size).join("");
    if (part.repeat(chars.length / size) === password) return true;
  }
  return false;
}

const ROWS = [
  "`1234567890-=",
  "qwertyuiop[]\\",
  "asdfghjkl;'",
  "zxcvbnm,./",
  "abcdefghijklmnopqrstuvwxyz",
];

/** Consecutive code points ("0987654321", "abcdefghij") or a stretch of a keyboard row. */
function isRun(password: string): boolean {
  const points = [...password].map((c) => c.codePointAt(0)!);
  const step = points[1] - points[0];
  if (Math.abs(step) === 1 && points.every((p, i) => i === 0 || p - points[i - 1] === step)) {
    return true;
  }
  const reversed = [...password].reverse().join("");
  return ROWS.some((row) => row.includes(password) || row.includes(reversed));
}
