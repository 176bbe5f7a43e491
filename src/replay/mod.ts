// The public face of src/replay/: other folders import from here, never from its files.
export { replay } from "./replay.ts";
