// Pixel operations on straight RGBA (src/codecs' Rgba): each takes an image and returns one,
// knowing nothing of formats, parameters or the pipeline that orders them.
export { flatten, unpremultiply } from "./alpha.ts";
export { autoCropOffset } from "./auto_gravity.ts";
export { blur } from "./blur.ts";
export { crop, flip, orient, pad, type Rect, rotate } from "./geometry.ts";
export { resize } from "./resize.ts";
export { sharpen } from "./sharpen.ts";
export { applyLut, isIdentityTone, saturate, toneLut } from "./tone.ts";
