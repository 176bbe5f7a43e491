import type { ImageDoc } from "../../projections/image_read_model.ts";
import { formatBytes } from "../../src/format_bytes.ts";
import type { ImageObject } from "../../src/images/mod.ts";
import { Layout } from "./layout.tsx";

const date = (s: number) => new Date(s * 1000).toISOString().slice(0, 10);

/** What a thumbnail link is called for a screen reader: the caption, else the id. */
const nameOf = (img: { id: string; caption?: string }) => img.caption ?? `Image ${img.id}`;

/** The dashboard's list: thumbnail, link with a copy button, size, expiry and a delete action. */
export function ImagesTable(props: { images: ImageObject[] }) {
  return (
    <table class="images">
      {props.images.map((img) => (
        <tr>
          <td>
            <a href={img.link}>
              <img
                class="thumb"
                src={`${img.link}.${img.extension}`}
                width={80}
                height={80}
                alt={nameOf(img)}
                loading="lazy"
              />
            </a>
          </td>
          <td>
            <a href={img.link}>{img.link}</a>
            <br />
            <small>
              {img.width}×{img.height} · {formatBytes(img.filesize)} · {date(img.created_at)}
              {img.expires_at ? ` · expires ${date(img.expires_at)}` : ""}
            </small>
          </td>
          <td>{img.caption ?? ""}</td>
          <td class="actions">
            <button
              type="button"
              class="secondary"
              data-copy={img.link}
              aria-label={`Copy the link of ${nameOf(img)}`}
            >
              Copy link
            </button>
            <a
              class="button"
              href={`/images/${img.id}/delete`}
              aria-label={`Delete ${nameOf(img)}`}
            >
              Delete
            </a>
          </td>
        </tr>
      ))}
    </table>
  );
}

/** One question, one button: the confirmation both delete paths (owner, delete_url) show. */
export function DeleteImagePage(props: { doc: ImageDoc; action: string; loggedIn?: boolean }) {
  const { doc } = props;
  return (
    <Layout title="Delete image" loggedIn={props.loggedIn ?? true}>
      <h1>Delete image {doc.id}?</h1>
      <p>
        <img
          class="preview"
          src={`/${doc.id}.${doc.extension}`}
          width={240}
          alt={doc.caption ?? `Image ${doc.id}`}
        />
      </p>
      <p>Its link stops working at once, for everyone. This cannot be undone.</p>
      <form method="post" action={props.action}>
        <button type="submit" class="danger">Delete it for good</button>
      </form>
    </Layout>
  );
}
