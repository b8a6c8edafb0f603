/**
 * @module domain/unicode
 * Text-level Unicode facts shared by the renderers that must emit well-formed output.
 */

/**
 * A UTF-16 surrogate half without its partner. It cannot be encoded as UTF-8 (encoders
 * turn it into U+FFFD), so renderers replace it before anything else touches the text:
 * removing a character between two halves would otherwise join them into a new one.
 */
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g
