import type { KeyPart } from "./projection.ts";

/**
 * The secondary keys of an image document. They live beside the document in the image
 * projection rather than in projections of their own: every separate document is one more KV
 * area an append touches, and on a file KV each area costs a page write per commit.
 *
 * - `["expiry", expires_at]`: live images that will expire, by time (what the expiry job scans);
 * - `["blob", hash]`: which live images use a blob (a blob with none may be deleted);
 * - `["owner", account, created_at]`: the owner's list, newest last.
 */
export function imageIndexes(
  doc: {
    status: string;
    expires_at: number | null;
    blob: { hash: string };
    owner: string | null;
    created_at: number;
  },
): KeyPart[][] {
  if (doc.status !== "live") return [];
  const out: KeyPart[][] = [["blob", doc.blob.hash]];
  if (doc.expires_at !== null) out.push(["expiry", doc.expires_at]);
  if (doc.owner !== null) out.push(["owner", doc.owner, doc.created_at]);
  return out;
}
