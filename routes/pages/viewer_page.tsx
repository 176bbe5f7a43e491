import type { ImageDoc } from "../../projections/image_read_model.ts";
import type { Caller } from "../../src/http/mod.ts";
import { assetUrl } from "./assets.ts";

/** The viewer's own slim header: shown to a logged-in person, so their pages stay one click away. */
function ViewerHeader() {
  return (
    <header>
      <a href="/">Upload</a>
      <a href="/images">Your images</a>
    </header>
  );
}

/** Time left, in the unit a person would use: minutes, then hours, then days. */
function remaining(seconds: number): string {
  const [n, unit] = seconds < 3600
    ? [Math.max(1, Math.ceil(seconds / 60)), "minute"]
    : seconds < 172_800
    ? [Math.round(seconds / 3600), "hour"]
    : [Math.ceil(seconds / 86_400), "day"];
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

/** The image as this page shows it: the link's transforms applied, at its output size. */
export type PageImage = {
  url: string;
  mime: string;
  format: string;
  width: number;
  height: number;
};

export function ViewerPage(
  props: {
    doc: ImageDoc;
    image: PageImage;
    publicUrl: string;
    nowSeconds: number;
    /** Who is looking: the owner is offered delete, a logged-in person their header. */
    caller?: Caller;
  },
) {
  const { doc, image, publicUrl } = props;
  const loggedIn = props.caller?.kind === "account";
  const isOwner = props.caller?.kind === "account" && doc.owner === props.caller.accountId;
  const file = image.url;
  const title = doc.caption ?? `Image ${doc.id}`;
  const left = doc.expires_at === null ? null : Math.max(0, doc.expires_at - props.nowSeconds);
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        <link rel="canonical" href={`${publicUrl}/${doc.id}`} />
        <meta property="og:type" content="website" />
        <meta property="og:title" content={title} />
        <meta property="og:url" content={`${publicUrl}/${doc.id}`} />
        <meta property="og:image" content={file} />
        <meta property="og:image:type" content={image.mime} />
        <meta property="og:image:width" content={String(image.width)} />
        <meta property="og:image:height" content={String(image.height)} />
        <meta name="twitter:card" content="summary_large_image" />
        <meta name="twitter:title" content={title} />
        <meta name="twitter:image" content={file} />
        <link rel="icon" href="/favicon.ico" />
        <link rel="stylesheet" href={assetUrl("viewer.css")} />
      </head>
      <body>
        {loggedIn ? <ViewerHeader /> : null}
        <main>
          <h1>{title}</h1>
          <img
            src={file}
            width={image.width}
            height={image.height}
            alt={doc.caption ?? `Image ${doc.id}`}
          />
          {doc.metadata
            ? (
              <dl>
                {Object.entries(doc.metadata).map(([k, v]) => (
                  <>
                    <dt>{k}</dt>
                    <dd>{v}</dd>
                  </>
                ))}
              </dl>
            )
            : null}
          <p class="meta">
            {image.width}×{image.height} · {image.format.toUpperCase()} ·{" "}
            <a href={file} download={`${doc.id}.${image.format}`}>Download</a>
            {isOwner ? " · " : null}
            {isOwner ? <a href={`/images/${doc.id}/delete`}>Delete</a> : null}
          </p>
          {left !== null
            ? (
              <p class="notice">
                This image expires in {remaining(left)}{" "}
                ({new Date(doc.expires_at! * 1000).toUTCString()}). {doc.owner === null
                  ? <a href={`${publicUrl}/auth/register?from_cta=viewer`}>Create a free account</a>
                  : null}
                {doc.owner === null ? " to keep your uploads permanently." : null}
              </p>
            )
            : null}
        </main>
      </body>
    </html>
  );
}

export function GonePage(props: { id: string; caller?: Caller }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>Image gone</title>
        <link rel="icon" href="/favicon.ico" />
        <link rel="stylesheet" href={assetUrl("viewer.css")} />
      </head>
      <body>
        {props.caller?.kind === "account" ? <ViewerHeader /> : null}
        <main>
          <h1>This image is gone</h1>
          <p>Image {props.id} has expired or was deleted, and is no longer served.</p>
          <p>
            <a href="/">Upload a new image</a>
          </p>
        </main>
      </body>
    </html>
  );
}
