/**
 * Human sizes in decimal units, as limits and plans are stated (SPEC §4: "20 MB", "5 GB"):
 * 20000000 → "20 MB", 100000 → "100 KB", 1500000 → "1.5 MB".
 */
export function formatBytes(bytes: number): string {
  const units = ["bytes", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const text = Number.isInteger(value) ? String(value) : value.toFixed(1).replace(/\.0$/, "");
  return `${text} ${units[unit]}`;
}
