/**
 * @module domain/json-shape
 * A look at a JSON text before JSON.parse builds it: how deeply it nests, and which keys
 * its top-level object has. One linear pass over the characters, no allocation per value,
 * so a hostile body costs milliseconds here instead of a parse (and later recursive
 * walks) of megabytes of nesting. It does not validate JSON: JSON.parse still does that.
 */

export interface JsonShape {
  /** Deepest nesting of arrays and objects seen (the scan stops once past the limit). */
  depth: number
  tooDeep: boolean
  /** Keys of the top-level object (decoded), empty when the text is not an object. */
  topLevelKeys: Set<string>
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COLON = 0x3a

export function jsonShape(text: string, maxDepth: number): JsonShape {
  const topLevelKeys = new Set<string>()
  let depth = 0
  let deepest = 0
  let rootIsObject = false
  let i = 0
  const n = text.length
  while (i < n) {
    const ch = text.charCodeAt(i)
    if (ch === QUOTE) {
      const start = i
      i++
      while (i < n) {
        const c = text.charCodeAt(i)
        if (c === BACKSLASH) i += 2
        else if (c === QUOTE) break
        else i++
      }
      // a string directly inside the root object followed by ':' is a top-level key
      if (depth === 1 && rootIsObject) {
        let j = i + 1
        while (j < n && (text.charCodeAt(j) === 0x20 || text.charCodeAt(j) === 0x0a || text.charCodeAt(j) === 0x0d || text.charCodeAt(j) === 0x09)) j++
        if (j < n && text.charCodeAt(j) === COLON && i - start < 1024) {
          try {
            topLevelKeys.add(JSON.parse(text.slice(start, i + 1)) as string)
          } catch {
            // not a valid string: JSON.parse of the whole body will say so
          }
        }
      }
      i++
      continue
    }
    if (ch === 0x7b || ch === 0x5b) {
      if (depth === 0 && deepest === 0) rootIsObject = ch === 0x7b
      depth++
      if (depth > deepest) deepest = depth
      if (deepest > maxDepth) return { depth: deepest, tooDeep: true, topLevelKeys }
    } else if (ch === 0x7d || ch === 0x5d) {
      depth--
    }
    i++
  }
  return { depth: deepest, tooDeep: false, topLevelKeys }
}
