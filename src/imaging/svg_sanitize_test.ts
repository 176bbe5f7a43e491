import assert from "node:assert/strict";
import { isSafeCss, sanitizeSvg, SvgError } from "./svg_sanitize.ts";

const NS = `xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"`;
const svg = (body: string, attrs = "") => `<svg ${NS} width="10" height="10"${attrs}>${body}</svg>`;

Deno.test("svg: script and foreignObject go, in any namespace or case", () => {
  const out = sanitizeSvg(svg(
    `<script>alert(1)</script><foreignObject><iframe src="x"/></foreignObject>` +
      `<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(2)</h:script>` +
      `<h:div xmlns:h="http://www.w3.org/1999/xhtml"><h:img src="x"/></h:div>` +
      `<SCRIPT>alert(3)</SCRIPT><rect width="5" height="5"/>`,
  ));
  assert.doesNotMatch(out, /script|foreignObject|iframe|alert|h:div|img/i);
  assert.match(out, /<rect width="5" height="5"\/>/);
});

Deno.test("svg: on* handlers go from every element, the root included", () => {
  const out = sanitizeSvg(svg(
    `<rect onclick="alert(1)" ONMOUSEOVER="x()" width="5"/><g onload="y()"><circle r="1"/></g>`,
    ` onload="alert(0)"`,
  ));
  assert.doesNotMatch(out, /\bon\w+=/i);
  assert.match(out, /<rect width="5"\/>/);
  assert.match(out, /<g><circle r="1"\/><\/g>/);
});

Deno.test("svg: javascript: URLs go, however they are spelled", () => {
  const out = sanitizeSvg(svg(
    `<a href="javascript:alert(1)"><text>a</text></a>` +
      `<a xlink:href=" JaVa&#x09;Script:alert(2)"><text>b</text></a>` +
      `<a href="java&#10;script:alert(3)"><text>c</text></a>` +
      `<set attributeName="href" to="javascript:alert(4)"/>` +
      `<animate attributeName="xlink:href" values="javascript:alert(5)"/>` +
      `<set attributeName="onclick" to="alert(6)"/>` +
      `<animate attributeName="opacity" values="0;1" dur="1s"/>`,
  ));
  assert.doesNotMatch(out, /script:|alert/i);
  assert.match(out, /<a><text>a<\/text><\/a>/);
  assert.match(out, /<animate attributeName="opacity" values="0;1" dur="1s"\/>/);
});

Deno.test("svg: external references go, local ones stay", () => {
  const out = sanitizeSvg(svg(
    `<defs><linearGradient id="g"/></defs>` +
      `<use href="#g"/><use xlink:href="https://evil.example/x.svg#a"/>` +
      `<image href="//evil.example/track.png"/><image href="data:image/png;base64,iVBORw0KGgo="/>` +
      `<image href="data:image/svg+xml;base64,PHN2Zz4="/>` +
      `<rect fill="url(#g)" stroke="url(https://evil.example/p)" filter="url( 'http://x/f' )"/>`,
  ));
  assert.doesNotMatch(out, /evil|http:\/\/x|svg\+xml/);
  assert.match(out, /<use href="#g"\/>/);
  assert.match(out, /<use\/>/);
  assert.match(out, /<image href="data:image\/png;base64,iVBORw0KGgo="\/>/);
  assert.match(out, /<rect fill="url\(#g\)"\/>/);
});

Deno.test("svg: style attributes and <style> lose external loads, @import and escapes", () => {
  const out = sanitizeSvg(svg(
    `<style>@import url(https://evil.example/a.css); rect { fill: red }</style>` +
      `<style><![CDATA[ circle > g { fill: url(#g) } ]]></style>` +
      `<rect style="fill: url(https://evil.example/b)"/><rect style="fill: blue"/>` +
      `<circle style="background: \\75 rl(http://evil.example)"/>` +
      `<rect fill="\\75 rl(http://evil.example)"/>`,
  ));
  assert.doesNotMatch(out, /evil|@import|\\/);
  assert.match(out, /<style> circle &gt; g \{ fill: url\(#g\) \} <\/style>/);
  assert.match(out, /<rect style="fill: blue"\/>/);
  assert.equal(isSafeCss("a { fill: url('#x') }"), true);
  assert.equal(isSafeCss("a { background: image-set('x.png' 1x) }"), false);
});

Deno.test("svg: DOCTYPE, processing instructions and comments go; entities are refused", () => {
  const out = sanitizeSvg(
    `<?xml version="1.0"?><?xml-stylesheet href="https://evil.example/s.css"?>` +
      `<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">` +
      `<!-- note -->` + svg(`<text>&amp;&lt;&#65;</text>`),
  );
  assert.doesNotMatch(out, /DOCTYPE|xml-stylesheet|<\?|note|evil/);
  assert.match(out, /<text>&amp;&lt;A<\/text>/);
  const billionLaughs = `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">` +
    `<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>` + svg(`<text>&b;</text>`);
  assert.throws(() => sanitizeSvg(billionLaughs), SvgError);
  const external = `<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>` +
    svg(`<text>&x;</text>`);
  assert.throws(() => sanitizeSvg(external), SvgError);
});

Deno.test("svg: attribute values are re-escaped, so quotes cannot break out", () => {
  const out = sanitizeSvg(svg(`<text data-x='a"b&lt;c' title="tab&#9;here">x</text>`));
  assert.match(out, /data-x="a&quot;b&lt;c"/);
  assert.match(out, /title="tab&#9;here"/);
});

Deno.test("svg: a root without the SVG namespace gets it; other roots are refused", () => {
  assert.match(
    sanitizeSvg(`<svg width="3" height="4"><rect/></svg>`),
    /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="3"/,
  );
  assert.throws(() => sanitizeSvg(`<html><svg/></html>`), /root element is not <svg>/);
  assert.throws(() => sanitizeSvg(`<x:svg xmlns:x="urn:other"/>`), /root element is not <svg>/);
});

Deno.test("svg: malformed XML is refused with a reason", () => {
  for (const bad of [svg(`<rect>`), `<svg ${NS}>`, svg(`<a:b/>`), "", `<svg ${NS}/><svg/>`]) {
    assert.throws(() => sanitizeSvg(bad), SvgError, bad);
  }
});

Deno.test("svg: editor metadata in other namespaces is kept (it carries licences)", () => {
  const out = sanitizeSvg(svg(
    `<metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
      `<rdf:Description about="x">CC-BY</rdf:Description></rdf:RDF></metadata>`,
  ));
  assert.match(out, /<rdf:Description about="x">CC-BY<\/rdf:Description>/);
});
