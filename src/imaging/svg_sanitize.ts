import { SaxesParser, type SaxesTagNS } from "saxes";

const SVG_NS = "http://www.w3.org/2000/svg";
const XHTML_NS = "http://www.w3.org/1999/xhtml";

// Elements that run code, embed documents, or fetch on their own. Compared in lower case.
const DROPPED = new Set([
  "script",
  "foreignobject",
  "handler",
  "listener",
  "iframe",
  "embed",
  "object",
  "applet",
  "audio",
  "video",
  "canvas",
  "frame",
  "frameset",
  "base",
  "link",
  "meta",
]);
const ANIMATIONS = new Set(["set", "animate", "animatemotion", "animatetransform", "animatecolor"]);
// Inline raster images are common in exported SVGs; anything else in a data URL (HTML, SVG with
// its own scripts) is not kept.
const SAFE_DATA_URL = /^data:image\/(png|jpeg|gif|webp|avif);base64,[a-z0-9+/=\s]*$/i;

/**
 * Deepest element nesting kept. saxes resolves namespaces by walking the open elements, so its
 * cost grows with depth squared (100,000 levels blocked the event loop for minutes); real
 * drawings stay far below this, and resvg refuses much deeper trees anyway.
 */
export const MAX_SVG_DEPTH = 256;

export class SvgError extends Error {}

/**
 * Rebuilds the document from a strict XML parse, keeping only what is safe to serve: no script
 * or foreignObject (in any namespace), no on* handlers, no javascript: anywhere, no DOCTYPE,
 * entities, processing instructions or comments, and no reference that leaves the document
 * (href, xlink:href, url(), @import). Because the output is re-serialised from parse events,
 * a browser parses exactly what was checked. Throws SvgError when the input is not well-formed
 * XML or its root is not <svg>.
 */
export function sanitizeSvg(source: string): string {
  const out: string[] = [];
  // Index into `out` of each open element's start tag; null while an ancestor is being dropped.
  const stack: (number | null)[] = [];
  let dropDepth = 0;
  let styleText: string[] | null = null;
  let rootSeen = false;
  const parser = new SaxesParser({ xmlns: true, position: true });

  parser.on("opentag", (tag) => {
    // Checked before anything else, so saxes never goes more than one level deeper.
    if (stack.length >= MAX_SVG_DEPTH) {
      throw new SvgError(`its elements are nested more than ${MAX_SVG_DEPTH} levels deep`);
    }
    if (!rootSeen) {
      rootSeen = true;
      if (tag.local !== "svg" || (tag.uri !== SVG_NS && tag.uri !== "")) {
        throw new SvgError("its root element is not <svg>");
      }
    }
    // Markup inside <style> is not CSS; it goes, so the style's text stays one checked string.
    if (dropDepth > 0 || styleText !== null || !keepElement(tag)) {
      dropDepth++;
      stack.push(null);
      return;
    }
    const needsNs = stack.length === 0 && tag.uri === "";
    out.push(`<${tag.name}${needsNs ? ` xmlns="${SVG_NS}"` : ""}${attributes(tag)}>`);
    stack.push(out.length - 1);
    if (tag.local.toLowerCase() === "style") styleText = [];
  });
  parser.on("text", (text) => keepText(text));
  parser.on("cdata", (text) => keepText(text));
  parser.on("closetag", (tag) => {
    const start = stack.pop();
    if (start === null || start === undefined) {
      dropDepth--;
      return;
    }
    if (styleText !== null) {
      const css = styleText.join("");
      styleText = null;
      if (!isSafeCss(css)) {
        out.length = start; // the whole <style> goes
        return;
      }
      out.push(escapeText(css));
    }
    if (start === out.length - 1 && tag.isSelfClosing) {
      out[start] = out[start].slice(0, -1) + "/>";
    } else {
      out.push(`</${tag.name}>`);
    }
  });

  function keepText(text: string) {
    if (dropDepth > 0 || stack.length === 0) return;
    if (styleText !== null) styleText.push(text);
    else out.push(escapeText(text));
  }

  try {
    parser.write(source).close();
  } catch (error) {
    if (error instanceof SvgError) throw error;
    throw new SvgError(`it is not well-formed XML (${(error as Error).message})`);
  }
  if (!rootSeen) throw new SvgError("it has no root element");
  return out.join("");
}

function keepElement(tag: SaxesTagNS): boolean {
  const local = tag.local.toLowerCase();
  if (tag.uri === XHTML_NS || DROPPED.has(local)) return false;
  if (!ANIMATIONS.has(local)) return true;
  // <set attributeName="href" to="javascript:…"> would slip a link in after sanitising.
  const target = (tag.attributes.attributeName?.value ?? "").trim().toLowerCase();
  const name = target.slice(target.indexOf(":") + 1);
  return !(name === "href" || name.startsWith("on") || name === "style");
}

function attributes(tag: SaxesTagNS): string {
  let kept = "";
  for (const attr of Object.values(tag.attributes)) {
    if (keepAttribute(attr.local, attr.prefix, attr.value)) {
      kept += ` ${attr.name}="${escapeAttribute(attr.value)}"`;
    }
  }
  return kept;
}

function keepAttribute(local: string, prefix: string, value: string): boolean {
  const name = local.toLowerCase();
  if (prefix === "xmlns" || (prefix === "" && name === "xmlns")) return true;
  if (name.startsWith("on")) return false;
  // Presentation attributes are parsed as CSS, where `\75 rl(` spells `url(`.
  if (value.includes("\\")) return false;
  if (prefix === "xml" && name === "base") return false;
  // Browsers ignore whitespace and control characters inside a URL scheme.
  const squeezed = value.replace(/[\s\p{Cc}]+/gu, "").toLowerCase();
  if (/(java|vb)script:|data:text\/html/.test(squeezed)) return false;
  if (name === "href" || name === "src") {
    return value.trim().startsWith("#") || SAFE_DATA_URL.test(value.trim());
  }
  if (name === "style") return isSafeCss(value);
  return !squeezed.includes("url(") || onlyLocalUrls(value);
}

/**
 * CSS may only point inside the document. Escapes are refused outright: `\75 rl(` is `url(` to
 * a browser, and no pattern match can keep up with every spelling.
 */
export function isSafeCss(css: string): boolean {
  if (css.includes("\\")) return false;
  const lower = css.toLowerCase();
  if (/@import|expression\s*\(|image-set\s*\(|javascript:/.test(lower)) return false;
  return onlyLocalUrls(css);
}

function onlyLocalUrls(text: string): boolean {
  for (const match of text.matchAll(/url\s*\(\s*(['"]?)([^'")]*)/gi)) {
    if (!match[2].trim().startsWith("#")) return false;
  }
  return true;
}

const escapeText = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

// Tabs and line breaks are escaped so that attribute-value normalisation keeps them.
const escapeAttribute = (s: string) =>
  escapeText(s).replace(/"/g, "&quot;").replace(/\t/g, "&#9;").replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;");
