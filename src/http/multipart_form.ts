import {
  MaxFileSizeExceededError,
  MultipartParseError,
  parseMultipartRequest,
} from "@mjackson/multipart-parser";
import { fixError } from "./app_error.ts";

export type UploadForm = {
  file: Uint8Array | null;
  fileParts: number;
  fields: Record<string, string>;
};

const MAX_PARTS = 40;

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
  if (!/^multipart\/form-data\s*;.*boundary=/i.test(type)) {
    throw fixError(
      "validation_error",
      "Uploads are multipart/form-data with the image in a `file` field.",
      "Send the form as multipart/form-data, e.g. curl -F file=@photo.jpg.",
      "file",
    );
  }
  const form: UploadForm = { file: null, fileParts: 0, fields: {} };
  let parts = 0;
  try {
    for await (const part of parseMultipartRequest(request, { maxFileSize: opts.maxFileBytes })) {
      if (++parts > MAX_PARTS) {
        throw fixError(
          "validation_error",
          `A form may have at most ${MAX_PARTS} fields.`,
          "Send fewer fields.",
        );
      }
      const name = part.name ?? "";
      if (name === "file") {
        form.fileParts++;
        form.file = part.bytes;
      } else if (!part.isFile) {
        form.fields[name] = part.text;
      }
    }
  } catch (err) {
    if (err instanceof MaxFileSizeExceededError) throw opts.onTooLarge();
    if (err instanceof MultipartParseError) {
      throw fixError(
        "validation_error",
        `The multipart body could not be read: ${err.message}.`,
        "Send a well-formed multipart/form-data body.",
        "file",
      );
    }
    throw err;
  }
  return form;
}
