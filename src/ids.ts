import { customAlphabet, nanoid } from "nanoid";

const ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export type IdGenerator = { imageId(): string; commandId(): string };

/** 10 characters of 62 symbols ≈ 59.5 bits: unguessable for links that are meant to be shared. */
export const randomIds: IdGenerator = {
  imageId: customAlphabet(ALPHANUMERIC, 10),
  commandId: () => nanoid(21),
};

export const IMAGE_ID = /^[0-9A-Za-z]{10}$/;
