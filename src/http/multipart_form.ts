import {
  getMultipartBoundary,
  MaxFileSizeExceededError,
  MultipartParseError,
  type MultipartPart,
  parseMultipartStream,
} from "@mjackson/multipart-parser";
import { AppError, fixError } from "../../domain/errors.ts";
import { bodyInterruptedError } from "./ingest_gate.ts";

export type UploadForm = {
  file: Uint8Array | null;
  fileParts: number;
  /** Built without a prototype: a field named `__proto__` is data, never a setter. */
  fields: Record<string, string>;
};

const MAX_PARTS = 40;

/**
 * Field names that are refused rather than stored. They match the metadata name rule, but an
 * object key of that name is dropped or misread by code that treats metadata as a plain object
 * (zod's record leaves `__proto__` out of its output), so keeping them is not safe end to end.
 * Refusing them with a 422 that names the field is explicit; dropping them silently is not.
 */
const RESERVED_NAMES = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Reads a multipart upload from the request stream in one pass. The file part is assembled
 * once from the chunks as they arrive (Request.formData() and Hono's form validator each hold
 * the whole body a second and third time), and a file over `maxFileBytes` stops the read
 * right there.
 */
export async function readUploadForm(
  request: Request,
  opts: { maxFileBytes: number; onTooLarge: () => Error },
): Promise<UploadForm> {
  const type = request.headers.get("content-type") ?? "";
  const boundary = getMultipartBoundary(type);
  if (!/^multipart\/form-data\s*;.*boundary=/i.test(type) || !boundary) {
    throw fixError(
      "validation_error",
      "Uploads are multipart/form-data with the image in a `file` field.",
      "Send the form as multipart/form-data, e.g. curl -F file=@photo.jpg.",
      "file",
    );
  }
  const form: UploadForm = {
    file: null,
    fileParts: 0,
    fields: Object.create(null) as Record<string, string>,
  };
  if (!request.body) throw malformed("Request body is empty");
  const body = tapErrors(request.body);
  let parts = 0;
  try {
    for await (
      const part of parseMultipartStream(body.stream, { boundary, maxFileSize: opts.maxFileBytes })
    ) {
      if (++parts > MAX_PARTS) {
        throw fixError(
          "validation_error",
          `A form may have at most ${MAX_PARTS} fields.`,
          "Send fewer fields.",
        );
      }
      const name = partName(part);
      if (name === "file") {
        form.fileParts++;
        form.file = part.bytes;
      } else if (!part.isFile) {
        if (RESERVED_NAMES.has(name)) {
          throw fixError(
            "validation_error",
            `The field name \`${name}\` is reserved.`,
            "Rename the field, e.g. to `source` or `author`.",
            name,
          );
        }
        form.fields[name] = partText(part, name);
      }
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    if (err instanceof MaxFileSizeExceededError) throw opts.onTooLarge();
    if (err instanceof MultipartParseError) throw malformed(err.message);
    // The body stream itself failed (the client went away): the client's doing, not a fault.
    if (body.failed()) throw bodyInterruptedError();
    throw err;
  }
  return form;
}

function malformed(detail: string): AppError {
  return fixError(
    "validation_error",
    `The multipart body could not be read: ${detail}.`,
    "Send a well-formed multipart/form-data body.",
    "file",
  );
}

/** Part headers are decoded as strict UTF-8, so a bad byte in them throws a TypeError. */
function partName(part: MultipartPart): string {
  try {
    return part.name ?? "";
  } catch {
    throw malformed("a part's headers are not valid UTF-8");
  }
}

function partText(part: MultipartPart, name: string): string {
  try {
    return part.text;
  } catch {
    throw fixError(
      "validation_error",
      `The field \`${name}\` is not valid UTF-8 text.`,
      "Send text fields encoded as UTF-8.",
      name,
    );
  }
}

/** Passes the body through and remembers whether reading it failed. */
function tapErrors(source: ReadableStream<Uint8Array>) {
  const reader = source.getReader();
  let failed = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(c) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (err) {
        failed = true;
        c.error(err);
        return;
      }
      if (chunk.done) c.close();
      else c.enqueue(chunk.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return { stream, failed: () => failed };
}
