/**
 * @module tests/domain/formatters/entry-lines
 * For each target, the line shape that carries exactly one entry. The contract counts
 * these lines: a comment that escaped onto its own line, or a lost entry, changes the count.
 */
const ADDR = '[0-9a-f.:]+'
const CIDR = `${ADDR}/\\d+`

export const ENTRY_LINE: Readonly<Record<string, RegExp>> = {
  iptables: new RegExp(`^-A \\S+ -s ${CIDR} `),
  ip6tables: new RegExp(`^-A \\S+ -s ${CIDR} `),
  ipset: new RegExp(`^add \\S+ ${CIDR}`),
  nftables: new RegExp(`^\\t${CIDR}( comment "[^"]*")?,$`),
  pf: new RegExp(`^\\t${CIDR}(\\t# .*)?$`),
  'pf-table': new RegExp(`^${CIDR}(\\t# .*)?$`),
  ufw: new RegExp(`^ufw prepend allow from ${CIDR} comment '[^']*'$`),
  firewalld: new RegExp(`^${CIDR}$`),
  'cisco-asa': new RegExp(`^ network-object (${ADDR} ${ADDR}|${CIDR})$`),
  'cisco-ios': new RegExp(`^ permit (ip ${ADDR} ${ADDR}|ipv6 ${CIDR}) any$`),
  junos: new RegExp(`^set policy-options prefix-list \\S+ ${CIDR}$`),
  fortios: new RegExp(`^ {8}set (subnet ${ADDR} ${ADDR}|ip6 ${CIDR})$`),
  mikrotik: new RegExp(`^add list=\\S+ address=${CIDR}( comment="[^"]*")?$`),
  'paloalto-edl': new RegExp(`^${CIDR}( .*)?$`),
  'windows-powershell': new RegExp(`^  '${CIDR}'( # .*)?$`),
  'aws-security-group': new RegExp(`^ +\\{"CidrIp(v6)?":"${CIDR}","Description":"[^"\\\\]*"\\},?$`),
  'aws-prefix-list': new RegExp(`^ +\\{"Cidr":"${CIDR}","Description":"[^"\\\\]*"\\},?$`),
  'aws-wafv2-ipset': new RegExp(`^ +"${CIDR}",?$`),
  nginx: new RegExp(`^allow ${CIDR};( # .*)?$`),
  apache: new RegExp(`^\\tRequire ip ${CIDR}$`),
  haproxy: new RegExp(`^${CIDR}$`),
  kubernetes: new RegExp(`^ {8}- ipBlock: \\{cidr: "${CIDR}"\\}( # .*)?$`),
  modsecurity: new RegExp(`^${ADDR}(/\\d+)?(,\\\\|" \\\\)$`),
  'cloudflare-list': new RegExp(`^ +\\{"ip":"${ADDR}(/\\d+)?"(,"comment":"[^"\\\\]*")?\\},?$`),
  'azure-frontdoor-waf': new RegExp(`^ +"${CIDR}",?$`),
  'gcp-cloud-armor': new RegExp(`^${CIDR}(,\\\\)?$`),
  'azure-nsg': new RegExp(`^${CIDR}( \\\\)?$`),
  'gcp-firewall': new RegExp(`^${CIDR}(,\\\\)?$`),
  fail2ban: new RegExp(`^ {4}${CIDR}$`),
  crowdsec: new RegExp(`^${CIDR},,[^,"]*$`),
  caddy: new RegExp(`^\\t\\tremote_ip ${CIDR}( # .*)?$`),
  traefik: new RegExp(`^ {10}- "${CIDR}"( # .*)?$`),
  'checkpoint-gdc': new RegExp(`^ +"${CIDR}",?$`),
  'cisco-fmc-feed': new RegExp(`^${CIDR}$`),
  'misp-warninglist': new RegExp(`^ +"${CIDR}",?$`),
  opnsense: new RegExp(`^${CIDR}$`),
  pfsense: new RegExp(`^${CIDR}$`),
}

export function countEntryLines(id: string, output: string): number {
  const re = ENTRY_LINE[id]
  if (!re) throw new Error(`no entry-line pattern for ${id}`)
  let n = 0
  for (const line of output.split('\n')) if (re.test(line)) n++
  return n
}
