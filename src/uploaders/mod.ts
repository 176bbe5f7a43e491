export { sharexConfig } from "./sharex.ts";
export { uploaderScript } from "./shell_script.ts";
