/**
 * @module domain/formatters/ufw
 * A POSIX shell script of `ufw prepend allow from <prefix>` commands. `prepend` puts each
 * rule above the customer's deny rules and, unlike `insert 1`, also works when the rule
 * list is empty. ufw skips rules that already exist, so re-running only adds what is new.
 * Comments travel inside single quotes, so quotes are removed from them; nothing else in
 * single quotes is special to the shell.
 */
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { headerLines } from './header.js'
import { wordName } from './names.js'
import { QUOTES, sanitizeComment } from './sanitize-comment.js'
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
  name: wordName('asv-scanners', 64),
  applyHint:
    'First match wins: ufw prepend places each allow above your existing rules, for IPv4 and IPv6.',
  headerPlacement: 'lines',
  render(input: SnippetInput): string {
    const tag = input.name
    const rule = { maxBytes: 200 - tag.length, asciiOnly: true, forbidden: QUOTES }
    const header = headerLines(input, {
      marker: '#',
      title,
      families,
      apply: [
        `sudo sh ${tag}.sh`,
        'ufw skips rules that already exist, so re-running adds only new ranges.',
        'ufw has no sets: remove ranges that left the feed yourself, e.g.',
        `  ufw status numbered | grep '${tag}'   then   ufw delete <number>`,
      ],
    })
    const rules = allEntries(input, families).map((e) => {
      const comment = sanitizeComment(e.comment, rule)
      return `ufw prepend allow from ${e.prefix} comment '${tag}${comment === null ? '' : `: ${comment}`}'`
    })
    return joinLines(['#!/bin/sh', ...header, 'set -eu', ...rules])
  },
}
