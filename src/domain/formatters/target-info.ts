/**
 * @module domain/formatters/target-info
 * Group, fetch interval and limits for every target. New targets declare them in their
 * own file; the table below holds them for the targets written before these fields
 * existed, so that /v1/rules, the home page and the README limits table read one shape.
 */
import type { Formatter, RefreshHint, TargetGroup, TargetLimits } from './formatter.js'

export interface TargetInfo {
  group: TargetGroup
  refresh: RefreshHint
  limits: TargetLimits
}

const PASTED: RefreshHint = { productDefault: null, recommended: 'daily, or on each new serial (Atom feed / X-Feed-Serial)' }

const EARLIER: Readonly<Record<string, TargetInfo>> = {
  iptables: { group: 'host', refresh: PASTED, limits: { commentChars: 255, source: 'iptables-extensions(8)' } },
  ip6tables: { group: 'host', refresh: PASTED, limits: { commentChars: 255, source: 'iptables-extensions(8)' } },
  ipset: { group: 'host', refresh: PASTED, limits: { commentChars: 255, source: 'ipset(8)' } },
  nftables: { group: 'host', refresh: PASTED, limits: { commentChars: 128, source: 'nft(8)' } },
  pf: { group: 'host', refresh: PASTED, limits: { commentChars: 200, source: 'pf.conf(5)' } },
  'pf-table': { group: 'host', refresh: PASTED, limits: { commentChars: 200, source: 'pfctl(8)' } },
  ufw: { group: 'host', refresh: PASTED, limits: { commentChars: 200, source: 'ufw(8)' } },
  firewalld: { group: 'host', refresh: PASTED, limits: { commentChars: null, source: 'firewalld.ipset(5)' } },
  'windows-powershell': { group: 'host', refresh: PASTED, limits: { commentChars: 200, source: 'New-NetFirewallRule (Microsoft Learn)' } },
  'cisco-asa': { group: 'network', refresh: PASTED, limits: { commentChars: null, source: 'Cisco ASA 9.x objects guide' } },
  'cisco-ios': { group: 'network', refresh: PASTED, limits: { commentChars: 100, source: 'Cisco IOS ACL reference' } },
  junos: { group: 'network', refresh: PASTED, limits: { commentChars: null, source: 'Juniper prefix-list reference' } },
  fortios: { group: 'network', refresh: PASTED, limits: { commentChars: 255, source: 'FortiOS 7.2 CLI reference' } },
  mikrotik: { group: 'network', refresh: PASTED, limits: { commentChars: 200, source: 'MikroTik help: address-lists' } },
  'paloalto-edl': { group: 'feed', refresh: { productDefault: 'hourly (PAN-OS EDL default)', recommended: 'every 5 min, or hourly' }, limits: { commentChars: 255, source: 'PAN-OS EDL formatting guidelines' } },
  'aws-security-group': { group: 'cloud', refresh: PASTED, limits: { commentChars: 255, source: 'AWS VPC quotas' } },
  'aws-prefix-list': { group: 'cloud', refresh: PASTED, limits: { commentChars: 255, source: 'AWS VPC quotas' } },
  'aws-wafv2-ipset': { group: 'waf', refresh: PASTED, limits: { commentChars: null, source: 'AWS WAF quotas, botocore model' } },
  nginx: { group: 'proxy', refresh: PASTED, limits: { commentChars: 200, source: 'nginx ngx_http_access_module' } },
  apache: { group: 'proxy', refresh: PASTED, limits: { commentChars: 200, source: 'Apache mod_authz_host' } },
  haproxy: { group: 'proxy', refresh: PASTED, limits: { commentChars: 200, source: 'HAProxy manual: ACL files' } },
  kubernetes: { group: 'cloud', refresh: PASTED, limits: { commentChars: 200, source: 'Kubernetes NetworkPolicy API' } },
}

const FALLBACK: TargetInfo = { group: 'host', refresh: PASTED, limits: { commentChars: null, source: 'docs/firewall-targets.md' } }

/** The target's own declaration, else the table above. */
export function targetInfo(f: Formatter): TargetInfo {
  const known = EARLIER[f.id] ?? FALLBACK
  return {
    group: f.group ?? known.group,
    refresh: f.refresh ?? known.refresh,
    limits: f.limits ?? known.limits,
  }
}

export const GROUP_TITLE: Readonly<Record<TargetGroup, string>> = {
  host: 'Host firewalls',
  network: 'Network firewalls',
  cloud: 'Cloud',
  waf: 'WAF & IPS',
  proxy: 'Proxies',
  feed: 'Feed URLs (fetched by the firewall)',
}

export const GROUP_ORDER: readonly TargetGroup[] = ['host', 'network', 'cloud', 'waf', 'proxy', 'feed']
