/**
 * A ShareX custom uploader (`.sxcu`): ShareX posts the screenshot as the `file` part of a
 * multipart form to /v1/upload and reads the answer's `link` and `delete_url` with its
 * `{json:…}` syntax. With `key` the uploads are the account's (permanent, 70 MB); without
 * one they are anonymous and come with a delete link.
 */
export function sharexConfig(publicUrl: string, key?: string) {
  const host = new URL(publicUrl).host;
  return {
    Version: "15.0.0",
    Name: `imgpro (${host})`,
    DestinationType: "ImageUploader" as const,
    RequestMethod: "POST" as const,
    RequestURL: `${publicUrl}/v1/upload`,
    ...(key ? { Headers: { Authorization: `Bearer ${key}` } } : {}),
    Body: "MultipartFormData" as const,
    FileFormName: "file" as const,
    URL: "{json:link}",
    ThumbnailURL: "{json:link}?size=s",
    DeletionURL: "{json:delete_url}",
    ErrorMessage: "{json:message}",
  };
}
