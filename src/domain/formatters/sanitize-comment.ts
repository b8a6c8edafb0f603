/**
 * @module domain/formatters/sanitize-comment
 * Turns untrusted admin free text into a comment a target can carry without changing what
 * the snippet means. Every target gets the same baseline (one line, no control or
 * invisible characters, no backslash) plus its own forbidden characters and byte cap.
 *
 * Why a deny-by-replacement approach: dropping a character outright can glue two words
 * into a token the target understands; replacing it with a space and collapsing runs keeps
 * the text readable and inert. Why backslash is always removed: Apache, pf.conf and shells
 * treat a trailing backslash as a line continuation, even inside comments, which would
 * swallow the next rule.
 */
import { LONE_SURROGATE } from '../unicode.js'

export interface CommentRule {
  /** Longest result in UTF-8 bytes (ASCII targets: characters). */
  maxBytes: number
  /** Characters the target's quoting or comment syntax cannot carry (a global char class). */
  forbidden?: RegExp
  /** Fold to ASCII: many device CLIs mangle or reject anything else. */
  asciiOnly?: boolean
}

/**
 * How much raw input we look at: a few times the cap leaves room for characters that are
 * removed, and keeps 10 KB comments on 10 000 entries cheap.
 */
function scanLength(maxBytes: number): number {
  return maxBytes * 4 + 64
}

// C0/C1 controls, DEL, line/paragraph separators, zero-width and bidi controls, BOM and
// interlinear annotation marks: each either breaks a line somewhere or hides text from the
// person reviewing the snippet ("Trojan Source").
const INVISIBLE =
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g
const COMBINING_MARK = /[\u0300-\u036f]/g
const NON_ASCII = /[^\u0020-\u007e]/g
const BACKSLASH = /\\/g

function utf8Length(codePoint: number): number {
  if (codePoint < 0x80) return 1
  if (codePoint < 0x800) return 2
  if (codePoint < 0x10000) return 3
  return 4
}

/** Cuts at a code point boundary so the result stays valid UTF-8. */
function capBytes(text: string, maxBytes: number): string {
  let bytes = 0
  let end = 0
  for (const ch of text) {
    bytes += utf8Length(ch.codePointAt(0) ?? 0)
    if (bytes > maxBytes) break
    end += ch.length
  }
  return text.slice(0, end)
}

/**
 * The comment text safe for one target, or null when nothing printable is left.
 * @example sanitizeComment('a "b"\nc', { maxBytes: 255, forbidden: /["']/g }) // 'a b c'
 */
export function sanitizeComment(raw: string | null | undefined, rule: CommentRule): string | null {
  if (raw === null || raw === undefined || rule.maxBytes <= 0) return null
  let text = raw
    .slice(0, scanLength(rule.maxBytes))
    .replace(LONE_SURROGATE, ' ')
    .replace(INVISIBLE, ' ')
  if (rule.asciiOnly) {
    // NFKD splits "é" into "e" + a combining accent, so accented words stay readable.
    text = text.normalize('NFKD').replace(COMBINING_MARK, '').replace(NON_ASCII, ' ')
  }
  text = text.replace(BACKSLASH, ' ')
  if (rule.forbidden) text = text.replace(rule.forbidden, ' ')
  text = text.replace(/\s+/g, ' ').trim()
  text = capBytes(text, rule.maxBytes).trimEnd()
  return text === '' ? null : text
}

/** Characters that end or escape a double-quoted string in most config languages. */
export const QUOTES = /["'`]/g
