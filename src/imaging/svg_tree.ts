import { SaxesParser } from "saxes";

/** One element of a sanitised SVG: local name (lower case), attributes, children. */
export type SvgNode = {
  name: string;
  attrs: Record<string, string>;
  children: SvgNode[];
  /** Properties set by `<style>` rules that may match it (see cssFor). */
  css?: Record<string, string>;
  /** The `style` attribute's costly properties, parsed once. */
  inline?: Record<string, string>;
};

export class SvgTreeLimit extends Error {}

/** Properties the cost estimate reads; the rest of the CSS is irrelevant to it. */
const COSTLY = new Set([
  "filter",
  "mask",
  "clip-path",
  "opacity",
  "mix-blend-mode",
  "isolation",
  "fill",
  "stroke",
  "stroke-dasharray",
  "marker",
  "marker-start",
  "marker-mid",
  "marker-end",
  "display",
]);

type Rule = { type?: string; id?: string; classes: string[]; props: Record<string, string> };

/**
 * Parses sanitised SVG text (well-formed by construction) into a light tree. More than
 * `maxElements` elements stops the parse with SvgTreeLimit, so a huge file costs no more than
 * its refusal.
 */
export function parseSvgTree(text: string, maxElements: number): SvgNode {
  const stack: SvgNode[] = [];
  const styles: string[] = [];
  let root: SvgNode | null = null;
  let count = 0;
  const parser = new SaxesParser({ xmlns: false });
  parser.on("opentag", (tag) => {
    if (++count > maxElements) throw new SvgTreeLimit(`more than ${maxElements} elements`);
    const attrs: Record<string, string> = {};
    for (const [name, value] of Object.entries(tag.attributes)) {
      attrs[localName(name)] = value as string;
    }
    const node: SvgNode = { name: localName(tag.name).toLowerCase(), attrs, children: [] };
    if (stack.length) stack[stack.length - 1].children.push(node);
    else root = node;
    stack.push(node);
  });
  const text_ = (t: string) => {
    if (stack.at(-1)?.name === "style") styles.push(t);
  };
  parser.on("text", text_);
  parser.on("cdata", text_);
  parser.on("closetag", () => void stack.pop());
  parser.write(text).close();
  if (!root) throw new SvgTreeLimit("no root element");
  const rules = cssRules(styles.join("\n"));
  if (rules.length) applyRules(root, rules);
  return root;
}

const localName = (name: string) => name.slice(name.indexOf(":") + 1);

/**
 * The declarations of each rule with a costly property, keyed by the last compound of each
 * selector. Combinators and pseudo-classes are ignored, which can only make a rule match more
 * elements than a browser would: the estimate stays an upper bound.
 */
function cssRules(css: string): Rule[] {
  const rules: Rule[] = [];
  const clean = css.replace(/\/\*[\s\S]*?\*\//g, "");
  for (const m of clean.matchAll(/([^{}@]+)\{([^{}]*)\}/g)) {
    const props = declarations(m[2]);
    if (!Object.keys(props).length) continue;
    for (const selector of m[1].split(",")) {
      const last = selector.trim().split(/[\s>+~]+/).at(-1) ?? "";
      const simple = last.replace(/\[[^\]]*\]|::?[a-z-]+(\([^)]*\))?/gi, "");
      const type = simple.match(/^[a-z][\w-]*/i)?.[0].toLowerCase();
      const id = simple.match(/#([\w-]+)/)?.[1];
      const classes = [...simple.matchAll(/\.([\w-]+)/g)].map((c) => c[1]);
      rules.push({ type: type === "*" ? undefined : type, id, classes, props });
    }
  }
  return rules;
}

/** The costly properties of a declaration block (a `style` attribute or a rule's body). */
export function declarations(block: string): Record<string, string> {
  const props: Record<string, string> = {};
  for (const decl of block.split(";")) {
    const colon = decl.indexOf(":");
    if (colon < 0) continue;
    const name = decl.slice(0, colon).trim().toLowerCase();
    if (COSTLY.has(name)) props[name] = decl.slice(colon + 1).replace(/!important/i, "").trim();
  }
  return props;
}

function applyRules(node: SvgNode, rules: Rule[]) {
  const classes = (node.attrs.class ?? "").split(/\s+/).filter(Boolean);
  for (const r of rules) {
    if (r.type && r.type !== node.name) continue;
    if (r.id && r.id !== node.attrs.id) continue;
    if (!r.classes.every((c) => classes.includes(c))) continue;
    node.css = { ...node.css, ...r.props };
  }
  for (const child of node.children) applyRules(child, rules);
}

/** A property as the renderer sees it: `style` beats `<style>` rules, which beat attributes. */
export function property(node: SvgNode, name: string): string | undefined {
  if (node.attrs.style !== undefined) node.inline ??= declarations(node.attrs.style);
  return node.inline?.[name] ?? node.css?.[name] ?? node.attrs[name];
}

/** The ids referenced by `url(#id)` in a property value. */
export function urlRefs(value: string | undefined): string[] {
  if (!value) return [];
  return [...value.matchAll(/url\(\s*['"]?#([^'")\s]+)/g)].map((m) => m[1]);
}

/** The id an href (`#id`) names, or null. */
export function hrefRef(node: SvgNode): string | null {
  const href = (node.attrs.href ?? "").trim();
  return href.startsWith("#") ? href.slice(1) : null;
}
