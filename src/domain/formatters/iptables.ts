/**
 * @module domain/formatters/iptables
 * IPv4 rules as an iptables-restore file (`iptables-restore --noflush`).
 */
import { iptablesRestoreFormatter } from './iptables-restore-file.js'

export const iptables = iptablesRestoreFormatter('ipv4')
