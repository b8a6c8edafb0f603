/**
 * @module domain/formatters/ufw
 * A POSIX shell script of `ufw prepend allow from <prefix>` commands. `prepend` puts each
 * rule above the customer's deny rules and, unlike `insert 1`, also works when the rule
 * list is empty. ufw skips rules that already exist, so re-running only adds what is new.
 * Comments travel inside single quotes, so quotes are removed from them; nothing else in
 * single quotes is special to the shell. Under a family filter the rule tag is
 * `<name>-v4` / `<name>-v6` (scope.ts), so the clean-up hint lists only this file's rules.
 */
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { NOTHING_TO_APPLY, headerLines } from './header.js'
import { wordName } from './names.js'
import { QUOTES, sanitizeComment } from './sanitize-comment.js'
import { scopedFileName, scopedName } from './scope.js'
import { allEntries, joinLines } from './snippet-text.js'

const families: readonly SnippetFamily[] = ['ipv4', 'ipv6']
const title = 'ufw (shell script)'

export const ufw: Formatter = {
  id: 'ufw',
  title,
  extension: 'sh',
  contentType: 'text/plain; charset=utf-8',
  separateFamilies: false,
  validator: 'ufw --dry-run',
  families,
  name: wordName('asv-scanners', 64, '-v4'),
  applyHint:
    'First match wins: ufw prepend places each allow above your existing rules, for IPv4 and IPv6.',
  headerPlacement: 'lines',
  fileName: (input) => scopedFileName(input, families, 'sh'),
  objectNames: (input) => [scopedName(input, families)],
  render(input: SnippetInput): string {
    const tag = scopedName(input, families)
    const rule = { maxBytes: 200 - tag.length, asciiOnly: true, forbidden: QUOTES }
    const entries = allEntries(input, families)
    const header = headerLines(input, {
      marker: '#',
      title,
      families,
      apply:
        entries.length === 0
          ? NOTHING_TO_APPLY
          : [
              `sudo sh ${ufw.fileName(input)}`,
              'ufw skips rules that already exist, so re-running adds only new ranges.',
              'ufw has no sets: remove ranges that left the feed yourself, e.g.',
              `  ufw status numbered | grep '${tag}'   then   ufw delete <number>`,
            ],
    })
    const rules = entries.map((e) => {
      const comment = sanitizeComment(e.comment, rule)
      return `ufw prepend allow from ${e.prefix} comment '${tag}${comment === null ? '' : `: ${comment}`}'`
    })
    return joinLines(['#!/bin/sh', ...header, 'set -eu', ...rules])
  },
}
