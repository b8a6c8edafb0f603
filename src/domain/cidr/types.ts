/**
 * @module domain/cidr/types
 * The value types shared by every part of domain/cidr (see domain/cidr.ts for the rules).
 */
export type Family = 'ipv4' | 'ipv6'

/** One address. `text` is canonical (see domain/cidr.ts). */
export interface IpAddress {
  family: Family
  value: bigint
  text: string
}

/** One CIDR block with no host bits set. `text` is canonical, e.g. `192.0.2.0/24`. */
export interface Cidr {
  family: Family
  network: bigint
  prefixLength: number
  text: string
}
