/**
 * @module domain/formatters/meta-line
 * The feed metadata as one line of text, for formats without comment lines (JSON
 * documents, EDL-style lists): the same facts as the header block, sanitised the same way.
 */
import type { SnippetFamily, SnippetInput } from './formatter.js'
import { sanitizeComment } from './sanitize-comment.js'
import { FAMILY_LABEL } from './snippet-text.js'

const META_RULE = { maxBytes: 400, asciiOnly: true }

/**
 * 'scangate serial 42 created … entries 3 (2 IPv4, 1 IPv6) sha256 … feed …', counting only
 * the families the target carries; `forbidden` removes characters the format cannot hold.
 */
export function metaLine(
  input: SnippetInput,
  families: readonly SnippetFamily[],
  forbidden?: RegExp,
): string {
  const { feed } = input
  const total = families.reduce((n, f) => n + input[f].length, 0)
  const parts = families.map((f) => `${input[f].length} ${FAMILY_LABEL[f]}`).join(', ')
  const text =
    `scangate serial ${feed.serial} created ${feed.createdAt} entries ${total} (${parts}) ` +
    `sha256 ${feed.sha256} feed ${feed.url}`
  return sanitizeComment(text, { ...META_RULE, ...(forbidden && { forbidden }) }) ?? ''
}

/** Where a product should fetch this snippet: the URL it was served at, else a placeholder. */
export function fetchUrlOf(input: SnippetInput, id: string): string {
  const origin = /^https?:\/\/[^/\s]+/.exec(input.feed.url)?.[0] ?? 'https://SCANGATE'
  return input.fetchUrl ?? `${origin}/v1/rules/${id}`
}
