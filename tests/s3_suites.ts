/**
 * `deno task test:s3`: the HTTP suites for upload, delivery, transforms, delete and expiry again,
 * with every image's bytes in a real s3rver on loopback (BLOB_BACKEND=s3).
 */
import { startS3rver } from "./support/s3rver.ts";

export const S3_SUITES = [
  "tests/upload_http_test.ts",
  "tests/delivery_http_test.ts",
  "tests/transforms_http_test.ts",
  "tests/images_api_http_test.ts",
  "tests/anonymous_http_test.ts",
  "tests/formats_http_test.ts",
  "tests/quota_http_test.ts",
  "tests/concurrency_blob_gc_test.ts",
  "tests/concurrency_expiry_test.ts",
  "tests/concurrency_uploads_test.ts",
];

const s3 = await startS3rver();
let code = 1;
try {
  const run = new Deno.Command(Deno.execPath(), {
    args: [
      "test",
      "--allow-net=127.0.0.1,localhost",
      "--allow-env",
      "--allow-read",
      "--allow-write=./data",
      "--allow-run",
      ...(Deno.args.length ? Deno.args : S3_SUITES),
    ],
    env: { TEST_S3_ENDPOINT: s3.endpoint },
    stdout: "inherit",
    stderr: "inherit",
  });
  code = (await run.output()).code;
} finally {
  await s3.close();
}
Deno.exit(code);
