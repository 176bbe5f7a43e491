import type { ImageDoc } from "../projections/image_read_model.ts";

const STYLE = `body{margin:0;font-family:system-ui,sans-serif;background:#111;color:#eee}
main{max-width:1100px;margin:0 auto;padding:24px;display:flex;flex-direction:column;gap:16px;align-items:center}
img{max-width:100%;max-height:80vh;height:auto;background:repeating-conic-gradient(#222 0 25%,#2a2a2a 0 50%) 0 0/20px 20px}
a{color:#8cf}.meta{color:#aaa;font-size:14px}dl{display:grid;grid-template-columns:auto 1fr;gap:4px 12px;margin:0}
dt{color:#888}dd{margin:0}.notice{background:#332;padding:8px 12px;border-radius:6px;font-size:14px}`;

/** The image as this page shows it: the link's transforms applied, at its output size. */
export type PageImage = {
  url: string;
  mime: string;
  format: string;
  width: number;
  height: number;
};

export function ViewerPage(
  props: { doc: ImageDoc; image: PageImage; publicUrl: string; nowSeconds: number },
) {
  const { doc, image, publicUrl } = props;
  const file = image.url;
  const title = doc.caption ?? `Image ${doc.id}`;
  const days = doc.expires_at === null
    ? null
    : Math.max(0, Math.ceil((doc.expires_at - props.nowSeconds) / 86400));
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
        <style>{STYLE}</style>
      </head>
      <body>
        <main>
          <img src={file} width={image.width} height={image.height} alt={doc.caption ?? ""} />
          {doc.caption ? <p>{doc.caption}</p> : null}
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
          </p>
          {days !== null
            ? (
              <p class="notice">
                This image expires in {days} day{days === 1 ? "" : "s"}. {doc.owner === null
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

export function GonePage(props: { id: string }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>Image gone</title>
        <style>{STYLE}</style>
      </head>
      <body>
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
