import { dictionary } from "@zxcvbn-ts/language-common";

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;

/** What the register form says under the password field, and in every refusal's hint. */
export const PASSWORD_RULE =
  `At least ${PASSWORD_MIN} characters, and not one of the passwords people use most.`;

// zxcvbn-ts's list of ~49,000 passwords seen most often in breaches, compared case-insensitively:
// "Password1234" is as guessable as "password1234".
let common: Set<string> | undefined;
const commonPasswords = () =>
  common ??= new Set((dictionary["passwords-common"] as string[]).map((p) => p.toLowerCase()));

export type PasswordProblem = { message: string; hint: string };

/** Why a new password is refused, or null when it is acceptable. */
export function passwordProblem(password: string, email = ""): PasswordProblem | null {
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
  const local = email.toLowerCase().split("@")[0];
  if (lower === email.toLowerCase() || (local.length >= 4 && lower === local)) {
    return {
      message: "The password is your e-mail address.",
      hint: "Choose a password that is not your e-mail address.",
    };
  }
  return null;
}
