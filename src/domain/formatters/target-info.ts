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
  iptables: { group: 'host', refresh: PASTED, limits: { commentChars: 255, source: 'iptables-extensions(8) comment match; chain names ≤ 28 (xtables)' } },
  ip6tables: { group: 'host', refresh: PASTED, limits: { commentChars: 255, source: 'iptables-extensions(8) comment match; chain names ≤ 28 (xtables)' } },
  ipset: { group: 'host', refresh: PASTED, limits: { commentChars: 255, source: 'ipset(8): maxelem 65536 by default, set names ≤ 31' } },
  nftables: { group: 'host', refresh: PASTED, limits: { commentChars: 128, source: 'nft(8): element comments ≤ 128 bytes (NFT_USERDATA_MAXLEN)' } },
  pf: { group: 'host', refresh: PASTED, limits: { commentChars: 200, source: 'pf.conf(5); table names ≤ 31 (PF_TABLE_NAME_SIZE)' } },
  'pf-table': { group: 'host', refresh: PASTED, limits: { commentChars: 200, source: 'pfctl(8) -T replace -f; table names ≤ 31' } },
  ufw: { group: 'host', refresh: PASTED, limits: { commentChars: 200, source: 'ufw(8) comment; our cap' } },
  firewalld: { group: 'host', refresh: PASTED, limits: { commentChars: null, source: 'firewalld.ipset(5); ipset names ≤ 31' } },
  'windows-powershell': { group: 'host', refresh: PASTED, limits: { commentChars: 200, source: 'New-NetFirewallRule -RemoteAddress (Microsoft Learn)' } },
  'cisco-asa': { group: 'network', refresh: PASTED, limits: { commentChars: null, source: 'Cisco ASA 9.x object-group network; names ≤ 64' } },
  'cisco-ios': { group: 'network', refresh: PASTED, limits: { commentChars: 100, source: 'Cisco IOS ACL remark ≤ 100 characters' } },
  junos: { group: 'network', refresh: PASTED, limits: { commentChars: null, source: 'Junos prefix-list ≤ 85 325 prefixes (Juniper prefix-list reference)' } },
  fortios: { group: 'network', refresh: PASTED, limits: { commentChars: 255, source: 'FortiOS 7.2 CLI reference: address names ≤ 79, comments ≤ 255' } },
  mikrotik: { group: 'network', refresh: PASTED, limits: { commentChars: 200, source: 'RouterOS address-lists (MikroTik help); our comment cap' } },
  'paloalto-edl': { group: 'feed', refresh: { productDefault: 'hourly (PAN-OS EDL default)', recommended: 'every 5 min, or hourly' }, limits: { commentChars: 255, source: 'PAN-OS EDL formatting guidelines: one IP, IP/mask or range per line, object names ≤ 32' } },
  'aws-security-group': { group: 'cloud', refresh: PASTED, limits: { commentChars: 255, source: 'AWS VPC quotas: 60 inbound rules per group per family; descriptions ≤ 255' } },
  'aws-prefix-list': { group: 'cloud', refresh: PASTED, limits: { commentChars: 255, source: 'AWS VPC quotas: managed prefix list ≤ 1 000 entries' } },
  'aws-wafv2-ipset': { group: 'waf', refresh: PASTED, limits: { commentChars: null, source: 'AWS WAF quotas: 10 000 addresses per IP set; names ^[\\w-]+$ ≤ 128' } },
  nginx: { group: 'proxy', refresh: PASTED, limits: { commentChars: 200, source: 'ngx_http_access_module; our comment cap' } },
  apache: { group: 'proxy', refresh: PASTED, limits: { commentChars: 200, source: 'mod_authz_host Require ip; our comment cap' } },
  haproxy: { group: 'proxy', refresh: PASTED, limits: { commentChars: 200, source: 'HAProxy configuration manual, ACL pattern files (-f)' } },
  kubernetes: { group: 'cloud', refresh: PASTED, limits: { commentChars: 200, source: 'networking.k8s.io/v1 NetworkPolicy; names ≤ 63 (DNS label)' } },
}

const FALLBACK: TargetInfo = { group: 'host', refresh: PASTED, limits: { commentChars: null, source: 'see docs/firewall-targets.md' } }

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
