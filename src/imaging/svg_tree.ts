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

/** The tree passed a bound of its own: too many elements, or too many costly style rules. */
export class SvgTreeLimit extends Error {
  constructor(readonly kind: "elements" | "rules", message: string) {
    super(message);
  }
}

/**
 * Style rules with a costly property kept at most. Each is matched against every element, so
 * their number bounds the estimate's own work; real drawings have a handful (colours alone, the
 * bulk of an editor's exported classes, are not costly and do not count).
 */
export const MAX_COSTLY_RULES = 100;

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

type Rule = {
  type?: string;
  id?: string;
  classes: string[];
  props: Record<string, string>;
  order: number;
};

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
    if (++count > maxElements) {
      throw new SvgTreeLimit("elements", `more than ${maxElements} elements`);
    }
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
  if (!root) throw new SvgTreeLimit("elements", "no root element");
  const rules = cssRules(styles.join("\n"));
  if (rules.length > MAX_COSTLY_RULES) {
    throw new SvgTreeLimit("rules", `more than ${MAX_COSTLY_RULES} costly style rules`);
  }
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
      rules.push({
        type: type === "*" ? undefined : type,
        id,
        classes,
        props,
        order: rules.length,
      });
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
    if (!COSTLY.has(name)) continue;
    const value = decl.slice(colon + 1).replace(/!important/i, "").trim();
    // A plain colour costs nothing more; only a paint server (a pattern) does.
    if ((name === "fill" || name === "stroke") && !value.includes("url(")) continue;
    props[name] = value;
  }
  return props;
}

/**
 * Rules are filed under their id, else their first class, else their type, else nowhere (`*`),
 * so an element only tries the rules that could match it.
 */
function applyRules(root: SvgNode, rules: Rule[]) {
  const filed = new Map<string, Rule[]>();
  const file = (key: string, r: Rule) => filed.set(key, [...filed.get(key) ?? [], r]);
  for (const r of rules) {
    file(r.id ? `#${r.id}` : r.classes.length ? `.${r.classes[0]}` : r.type ?? "*", r);
  }
  const visit = (node: SvgNode) => {
    const classes = new Set((node.attrs.class ?? "").split(/\s+/).filter(Boolean));
    const keys = ["*", node.name, ...[...classes].map((c) => `.${c}`)];
    if (node.attrs.id !== undefined) keys.push(`#${node.attrs.id}`);
    // Later rules win, as in a browser (specificity aside, which only the estimate ignores).
    const matched: Rule[] = [];
    for (const key of keys) {
      for (const r of filed.get(key) ?? []) {
        if (r.type && r.type !== node.name) continue;
        if (r.id && r.id !== node.attrs.id) continue;
        if (r.classes.every((c) => classes.has(c))) matched.push(r);
      }
    }
    matched.sort((a, b) => a.order - b.order);
    for (const r of matched) node.css = { ...node.css, ...r.props };
    for (const child of node.children) visit(child);
  };
  visit(root);
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
