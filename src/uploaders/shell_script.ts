/** Single-quoted for sh: nothing inside is expanded. */
const quote = (s: string) => `'${s.replaceAll("'", `'"'"'`)}'`;

/**
 * An uploader script for Flameshot, Spectacle or any tool that can hand over a file or pipe a
 * PNG: it posts the image with curl, prints the link and copies it to the clipboard when a
 * clipboard tool is there. Only POSIX sh, curl and sed are needed.
 */
export function uploaderScript(publicUrl: string, key?: string): string {
  return `#!/bin/sh
# imgpro uploader for ${new URL(publicUrl).host}: uploads one image and prints its link.
#   Flameshot: flameshot gui --raw | sh imgpro-upload.sh
#   Spectacle: spectacle -b -n -o /tmp/shot.png && sh imgpro-upload.sh /tmp/shot.png
#   Any file:  sh imgpro-upload.sh picture.jpg
# ${
    key
      ? "Uploads go to the account of the API key below: keep this file private."
      : "Anonymous uploads expire after the anonymous retention; the delete link is printed too."
  }
set -eu
UPLOAD_URL=${quote(`${publicUrl}/v1/upload`)}
API_KEY=${quote(key ?? "")}

file=\${1:--}
if [ "$file" != "-" ] && [ ! -r "$file" ]; then
  echo "imgpro: cannot read $file" >&2
  exit 2
fi
set -- -sS -F "file=@$file"
if [ -n "$API_KEY" ]; then set -- "$@" -H "Authorization: Bearer $API_KEY"; fi
answer=$(curl "$@" -w '\\n%{http_code}' "$UPLOAD_URL")
status=$(printf '%s\\n' "$answer" | tail -n 1)
body=$(printf '%s\\n' "$answer" | sed '$d')
field() { printf '%s' "$body" | sed -n "s/.*\\"$1\\":\\"\\([^\\"]*\\)\\".*/\\1/p"; }
if [ "$status" != "201" ]; then
  echo "imgpro: upload failed ($status): $(field message)" >&2
  exit 1
fi
link=$(field link)
printf '%s\\n' "$link"
delete_url=$(field delete_url)
if [ -n "$delete_url" ]; then printf 'delete: %s\\n' "$delete_url" >&2; fi
if command -v wl-copy >/dev/null 2>&1; then printf '%s' "$link" | wl-copy
elif command -v xclip >/dev/null 2>&1; then printf '%s' "$link" | xclip -selection clipboard
fi
if command -v notify-send >/dev/null 2>&1; then notify-send "imgpro" "$link" || true; fi
`;
}
