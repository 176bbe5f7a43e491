// heic-decode's lib.js (untyped): a function of a libheif instance.
export type HeifImage = {
  width: number;
  height: number;
  decode(): Promise<{ width: number; height: number; data: Uint8ClampedArray }>;
};
export type HeifImages = HeifImage[] & { dispose(): void };
export type HeicDecode = { all(input: { buffer: Uint8Array }): Promise<HeifImages> };

declare const heicDecode: (libheif: unknown) => HeicDecode;
export default heicDecode;
