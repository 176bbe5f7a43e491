import { sharexConfig, uploaderScript } from "../../src/uploaders/mod.ts";

const dataUrl = (mime: string, text: string) => {
  let bin = "";
  for (const b of new TextEncoder().encode(text)) bin += String.fromCharCode(b);
  return `data:${mime};base64,${btoa(bin)}`;
};

/**
 * Screenshot-tool uploaders holding the key just made. The key is shown only once and stored
 * hashed, so the files are built into this page (data: links) rather than fetched later.
 */
export function UploaderDownloads(props: { publicUrl: string; apiKey: string }) {
  const host = new URL(props.publicUrl).hostname;
  const sxcu = JSON.stringify(sharexConfig(props.publicUrl, props.apiKey), null, 2);
  return (
    <p id="uploaders">
      Screenshot tools with this key:{" "}
      <a download={`${host}.sxcu`} href={dataUrl("application/json", sxcu)}>
        ShareX uploader (.sxcu)
      </a>{" "}
      ·{" "}
      <a
        download="imgpro-upload.sh"
        href={dataUrl("text/x-shellscript", uploaderScript(props.publicUrl, props.apiKey))}
      >
        Flameshot / Spectacle script
      </a>
    </p>
  );
}
