/**
 * Security review: SVG sanitising: known sanitiser bypasses, and how an uploaded hostile SVG is
 * served.
 *
 * The tests under "now fixed" encode a weakness the review found and the service no longer has; the
 * "resisted: …" ones are attacks it resisted from the start. All stay, so neither comes back.
 */
import assert from "node:assert/strict";
import { sanitizeSvg } from "../src/imaging/svg_sanitize.ts";
import { uploadOk, withApp } from "./support/http.ts";
import { enc } from "./support/security.ts";

// ---------------------------------------------------------------------------------------------
// SVG (resisted)

const SVG_NS = `xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"`;
const svgDoc = (body: string, attrs = "") =>
  `<svg ${SVG_NS} width="10" height="10"${attrs}>${body}</svg>`;

const SVG_BYPASSES: Record<string, string> = {
  "use href external":
    `<use href="https://evil.example/x.svg#a"/><use xlink:href="//evil.example/y.svg#b"/>`,
  "xlink under another prefix":
    `<a xmlns:l="http://www.w3.org/1999/xlink" l:href="javascript:alert(1)"><text>x</text></a>`,
  "javascript: mixed case and tab": `<a href="JaVa&#9;ScRiPt:alert(1)"><text>x</text></a>`,
  "javascript: leading newline": `<a href="&#10;javascript:alert(1)"><text>x</text></a>`,
  "javascript: via entity colon": `<a href="javascript&#58;alert(1)"><text>x</text></a>`,
  "data:text/html":
    `<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="><text>x</text></a>`,
  "data:image/svg+xml in image":
    `<image href="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+"/>`,
  "set href": `<a><set attributeName="href" to="javascript:alert(1)"/><text>x</text></a>`,
  "animate xlink:href padded":
    `<a><animate attributeName=" XLink:HREF " values="javascript:alert(1)"/></a>`,
  "animateTransform href":
    `<animateTransform attributeName="xlink:href" values="javascript:alert(1)"/>`,
  "set targeting another element":
    `<a id="l"><text>x</text></a><set href="#l" attributeName="href" to="javascript:alert(1)"/>`,
  "set style": `<set attributeName="style" to="fill:url(https://evil.example/s)"/>`,
  "set onclick": `<rect><set attributeName="onclick" to="alert(1)"/></rect>`,
  "animate fill to external url":
    `<rect><animate attributeName="fill" values="url(#a);url(https://evil.example/p)"/></rect>`,
  "css @import": `<style>@import 'https://evil.example/a.css';</style>`,
  "css @IMPORT url": `<style>@IMPORT url(https://evil.example/a.css);</style>`,
  "css url with spaces": `<style>rect{fill:url(  "https://evil.example/p")}</style>`,
  "css URL upper": `<rect style="fill:URL(https://evil.example/p)"/>`,
  "css escape": `<style>rect{fill:u\\72l(https://evil.example/p)}</style>`,
  "css entity-spelled url": `<style>rect{fill:&#x75;rl(https://evil.example/p)}</style>`,
  "css image-set": `<rect style="background:-webkit-image-set('https://evil.example/p' 1x)"/>`,
  "css @font-face": `<style>@font-face{font-family:x;src:url(https://evil.example/f.woff)}</style>`,
  "css @namespace": `<style>@namespace url(https://evil.example/);</style>`,
  "cdata closing style": `<style><![CDATA[</style><script>alert(1)</script>]]></style>`,
  "markup inside style":
    `<style>rect{fill:red}<g>@import "https://evil.example/x.css";</g></style>`,
  "presentation cursor": `<rect cursor="url(https://evil.example/c.cur),auto"/>`,
  "feImage": `<filter id="f"><feImage href="https://evil.example/x.png"/></filter>`,
  "textPath/mpath":
    `<text><textPath href="https://evil.example/p#p">x</textPath></text><animateMotion><mpath xlink:href="https://evil.example/p#p"/></animateMotion>`,
  "xml:base": `<g xml:base="https://evil.example/"><use href="#a"/></g>`,
  "script mixed case":
    `<ScRiPt>alert(1)</ScRiPt><svg:script xmlns:svg="http://www.w3.org/2000/svg">alert(1)</svg:script>`,
  "xhtml default namespace":
    `<g xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="alert(1)"/></g>`,
  "xhtml prefix": `<h:iframe xmlns:h="http://www.w3.org/1999/xhtml" src="https://evil.example"/>`,
  "xhtml-namespaced handler": `<rect xmlns:h="http://www.w3.org/1999/xhtml" h:onclick="alert(1)"/>`,
  "handler/listener":
    `<handler xmlns:ev="http://www.w3.org/2001/xml-events" ev:event="load">alert(1)</handler>`,
  "mathml href":
    `<math xmlns="http://www.w3.org/1998/Math/MathML"><mi href="javascript:alert(1)">x</mi></math>`,
  "nested svg onload": `<svg onload="alert(1)"/>`,
  "link/meta/base":
    `<link rel="stylesheet" href="https://evil.example/x.css"/><base href="https://evil.example/"/>`,
  "foreignObject":
    `<foreignObject><body xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></body></foreignObject>`,
  "undeclared default ns": `<g xmlns=""><script>alert(1)</script></g>`,
  "text cdata": `<text><![CDATA[<script>alert(1)</script>]]></text>`,
  "attribute quote breakout": `<text id='x"onmouseover="alert(1)'>y</text>`,
};

Deno.test("resisted: known SVG sanitiser bypasses produce nothing active or external", () => {
  for (const [name, body] of Object.entries(SVG_BYPASSES)) {
    const out = sanitizeSvg(svgDoc(body));
    // Escaped text (e.g. `&lt;script&gt;` inside <text> or <style>) is inert and may stay.
    assert.doesNotMatch(out, /javascript|evil\.example/i, `${name}: ${out}`);
    assert.doesNotMatch(out, /<(\w+:)?(script|iframe|foreignObject|handler|base|link)\b/i, name);
    assert.doesNotMatch(out, /\son\w+=/i, `${name}: ${out}`);
    for (const m of out.matchAll(/\b(?:href|src)="([^"]*)"/g)) {
      assert.match(m[1].trim(), /^#|^data:image\/(png|jpeg|gif|webp|avif);base64,/, name);
    }
  }
  // Entities and DTDs never expand: the file is refused.
  for (
    const doc of [
      `<!DOCTYPE svg [<!ENTITY x "javascript:alert(1)">]>${svgDoc(`<a href="&x;"/>`)}`,
      `<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>${svgDoc(`<text>&x;</text>`)}`,
    ]
  ) {
    assert.throws(() => sanitizeSvg(doc));
  }
  // Processing instructions (xml-stylesheet) go.
  assert.doesNotMatch(
    sanitizeSvg(
      `<?xml-stylesheet type="text/xsl" href="https://evil.example/x.xsl"?>${svgDoc("")}`,
    ),
    /evil|xml-stylesheet/,
  );
});

Deno.test("resisted: an uploaded hostile SVG is served sanitised, sandboxed and nosniff", async () => {
  await withApp(async (t) => {
    const hostile = svgDoc(Object.values(SVG_BYPASSES).join(""), ` onload="alert(1)"`);
    const img = await uploadOk(t, enc.encode(hostile), "<img src=x onerror=alert(1)>.svg");
    assert.equal(img.extension, "svg");
    for (const path of [`/${img.id}`, `/${img.id}.svg`]) {
      const res = await t.app.request(path, { headers: { accept: "image/*" } });
      const text = await res.text();
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get("content-type"), "image/svg+xml");
      assert.doesNotMatch(text, /javascript|evil\.example|<script|onerror|onload/i);
      assert.equal(
        res.headers.get("content-security-policy"),
        "default-src 'none'; style-src 'unsafe-inline'; sandbox",
      );
      assert.equal(res.headers.get("x-content-type-options"), "nosniff");
      assert.equal(
        res.headers.get("content-disposition"),
        `inline; filename="${img.id}.svg"`,
        "the uploaded file name is never echoed",
      );
    }
  });
});
