/**
 * @module domain/formatters/kubernetes
 * A Kubernetes NetworkPolicy (networking.k8s.io/v1) allowing ingress from every prefix
 * as an `ipBlock`. Values are double-quoted JSON strings and each block is a one-line flow
 * mapping, so the document is unambiguous YAML; comments are YAML `#` comments after the
 * value. The policy holds both families, so under a family filter it is `<name>-v4` /
 * `<name>-v6` (scope.ts): applying the IPv4 policy never replaces the IPv6 one. A file
 * without entries holds no document at all: `ingress: []` would cut every selected pod
 * off, and `from: []` would allow every source.
 */
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { NOTHING_TO_APPLY, headerLines } from './header.js'
import { sanitizeComment } from './sanitize-comment.js'
import { scopedFileName, scopedName } from './scope.js'
import { allEntries, joinLines } from './snippet-text.js'

const COMMENT_RULE = { maxBytes: 200, asciiOnly: true }
const families: readonly SnippetFamily[] = ['ipv4', 'ipv6']
const title = 'Kubernetes NetworkPolicy'

export const kubernetes: Formatter = {
  id: 'kubernetes',
  title,
  extension: 'yaml',
  contentType: 'application/yaml',
  separateFamilies: false,
  validator: null,
  families,
  name: {
    default: 'asv-scanners',
    maxLength: 63,
    pattern: /^[a-z]([-a-z0-9]*[a-z0-9])?$/,
    description: 'a–z 0–9 -, starting with a letter and not ending with -',
    suffix: '-v4',
  },
  applyHint:
    'Policies add up (no order): once a policy selects a pod, only traffic some policy allows reaches it.',
  headerPlacement: 'lines',
  fileName: (input) => scopedFileName(input, families, 'yaml'),
  objectNames: (input) => [scopedName(input, families)],
  render(input: SnippetInput): string {
    const entries = allEntries(input, families)
    const header = headerLines(input, {
      marker: '#',
      title,
      families,
      apply:
        entries.length === 0
          ? NOTHING_TO_APPLY
          : [
              `kubectl apply --dry-run=server -n NAMESPACE -f ${kubernetes.fileName(input)}, then without --dry-run`,
              'podSelector {} selects every pod in the namespace, and a selected pod accepts only',
              '  traffic some policy allows: narrow podSelector to the pods the scanners must reach.',
              'ipBlock sees the source after SNAT: behind a load balancer use',
              '  externalTrafficPolicy: Local so the scanner addresses survive.',
              'Re-applying is safe: kubectl apply replaces the list.',
            ],
    })
    if (entries.length === 0) return joinLines(header)
    const blocks = entries.map((e) => {
      const comment = sanitizeComment(e.comment, COMMENT_RULE)
      return `        - ipBlock: {cidr: ${JSON.stringify(e.prefix)}}${comment === null ? '' : ` # ${comment}`}`
    })
    // The sha256 is ours, but it still goes through the sanitizer like every other field.
    const sha256 = sanitizeComment(input.feed.sha256, { maxBytes: 128, asciiOnly: true }) ?? ''
    return joinLines([
      ...header,
      'apiVersion: networking.k8s.io/v1',
      'kind: NetworkPolicy',
      'metadata:',
      `  name: ${scopedName(input, families)}`,
      '  annotations:',
      `    scangate/feed-serial: "${input.feed.serial}"`,
      `    scangate/feed-sha256: ${JSON.stringify(sha256)}`,
      'spec:',
      '  podSelector: {}',
      '  policyTypes:',
      '    - Ingress',
      '  ingress:',
      '    - from:',
      ...blocks,
    ])
  },
}
