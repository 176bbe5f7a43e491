// libheif-js's Emscripten factory, as heic_codec.ts calls it: the package's own declarations
// describe the instantiated module, not the factory its default export is.
declare const libheifFactory: (options: Record<string, unknown>) => unknown;
export default libheifFactory;
