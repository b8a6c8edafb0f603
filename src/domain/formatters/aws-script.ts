/**
 * @module domain/formatters/aws-script
 * Shared shape of the three AWS targets: a POSIX shell script that writes each request
 * body to a temporary JSON file through a quoted heredoc and passes it with
 * `--cli-input-json file://…`. Why not inline JSON: a 10 000-address WAF IPSet is larger
 * than one command-line argument may be (128 KiB on Linux), and a quoted heredoc performs
 * no expansion, so nothing in a description can reach the shell. Pure JSON documents have
 * no comment syntax; the script form gives the header a home while the request bodies stay
 * exactly what botocore validates.
 */

/** Characters AWS allows in security group rule descriptions; we use them for prefix lists too. */
export const AWS_DESCRIPTION_RULE = {
  maxBytes: 255,
  asciiOnly: true,
  forbidden: /[^A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]/g,
}

export const SCRIPT_START = ['set -eu', 'tmp=$(mktemp -d)', `trap 'rm -rf "$tmp"' EXIT`]

/** A JSON array body, one element per line, for line-oriented diffs and review. */
export function jsonArrayLines(items: readonly unknown[], indent: string): string[] {
  return items.map(
    (item, i) => `${indent}${JSON.stringify(item)}${i < items.length - 1 ? ',' : ''}`,
  )
}

/** `cat > "$tmp/<file>" <<'JSON' … JSON`; JSON lines can never equal the bare delimiter. */
export function heredoc(file: string, lines: readonly string[]): string[] {
  return [`cat > "$tmp/${file}" <<'JSON'`, ...lines, 'JSON']
}

/** `<name>` alone, or `<name>: <comment>`, within the description budget. */
export function describe(name: string, comment: string | null): string {
  return comment === null ? name : `${name}: ${comment}`
}
