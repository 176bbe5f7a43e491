import type { ImageDoc } from "../../projections/image_read_model.ts";

export type ImageObject = {
  id: string;
  link: string;
  extension: ImageDoc["extension"];
  width: number;
  height: number;
  filesize: number;
  created_at: number;
  /** Ready links to the named sizes (SPEC §5): short side 320, 640, 1080; 1200×630. */
  sizes: { s: string; m: string; l: string; social: string };
  thumbhash?: string;
  dominant_color?: string;
  caption?: string;
  metadata?: Record<string, string>;
  expires_at?: number;
  upgrade?: { type: "register"; url: string; message: string; label: string };
  delete_url?: string;
};

export const registerUrl = (publicUrl: string) => `${publicUrl}/auth/register?from_cta=api`;

/** How long an anonymous image lives, in words, from its own upload and expiry (its `ttl`). */
function lifetime(seconds: number): string {
  const [n, unit] = seconds % 86_400 === 0
    ? [seconds / 86_400, "day"]
    : seconds % 3600 === 0
    ? [seconds / 3600, "hour"]
    : [Math.round(seconds / 60), "minute"];
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

const expiryMessage = (doc: ImageDoc) =>
  doc.expires_at === null
    ? "A free account keeps images permanently."
    : `This image expires ${lifetime(doc.expires_at - doc.created_at)} after upload, at ${
      new Date(doc.expires_at * 1000).toISOString().replace(".000", "")
    }. A free account keeps images permanently.`;

/** The image object of SPEC §2, as every endpoint returns it. */
export function imageObject(doc: ImageDoc, publicUrl: string, deleteUrl?: string): ImageObject {
  const link = `${publicUrl}/${doc.id}`;
  const out: ImageObject = {
    id: doc.id,
    link,
    extension: doc.extension,
    width: doc.width,
    height: doc.height,
    filesize: doc.blob.size,
    created_at: doc.created_at,
    sizes: {
      s: `${link}?size=s`,
      m: `${link}?size=m`,
      l: `${link}?size=l`,
      social: `${link}?size=social`,
    },
  };
  if (doc.thumbhash !== undefined) out.thumbhash = doc.thumbhash;
  if (doc.dominant_color !== undefined) out.dominant_color = doc.dominant_color;
  if (doc.caption !== undefined) out.caption = doc.caption;
  if (doc.metadata !== undefined) out.metadata = doc.metadata;
  if (doc.expires_at !== null) out.expires_at = doc.expires_at;
  if (deleteUrl) out.delete_url = deleteUrl;
  if (doc.owner === null) {
    out.upgrade = {
      type: "register",
      url: registerUrl(publicUrl),
      message: expiryMessage(doc),
      label: "Create a free account",
    };
  }
  return out;
}

/** Reads check the time themselves: an image is never served after `expires_at`, cron or not. */
export function isLive(doc: ImageDoc, nowSeconds: number): boolean {
  return doc.status === "live" && (doc.expires_at === null || doc.expires_at > nowSeconds);
}
