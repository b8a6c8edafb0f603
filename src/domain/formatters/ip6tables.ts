/**
 * @module domain/formatters/ip6tables
 * IPv6 rules as an ip6tables-restore file (`ip6tables-restore --noflush`).
 */
import { iptablesRestoreFormatter } from './iptables-restore-file.js'

export const ip6tables = iptablesRestoreFormatter('ipv6')
