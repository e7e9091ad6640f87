/**
 * The address ranges outgoing calls may not reach, as one table: the IANA IPv4 and IPv6
 * Special-Purpose Address Registries in full (RFC 6890 and its updates, as of 2025), the
 * parts of the IANA address-space registries that are not global unicast (IPv4 multicast,
 * IPv6 outside 2000::/3, including the deprecated site-local fec0::/10), and the cloud
 * metadata endpoints. See docs/ARCHITECTURE.md#outgoing-calls.
 *
 * An address is judged by its most specific (longest-prefix) entry, so a `/32` inside a `/8`
 * names itself. Entries that carry an IPv4 address inside an IPv6 one (IPv4-mapped, NAT64,
 * 6to4, Teredo) are judged by the IPv4 addresses they carry: `[::ffff:10.0.0.1]`,
 * `[64:ff9b::a00:1]` and `[2002:a00:1::]` all reach 10.0.0.1 and are refused as it is.
 * Every entry is refused in full, even the few the registry marks globally reachable
 * (anycast relays, AS112): a workflow has no business calling them, and one rule per range
 * is easier to trust than exceptions.
 */

import { formatIpv4, type IpAddress, parseIpv4, parseIpv6 } from "./ip-address";

export interface SpecialRange {
	/** The prefix as the registry writes it, e.g. `100.64.0.0/10`. */
	readonly prefix: string;
	/** The registry's name for it, e.g. `Shared Address Space`. */
	readonly name: string;
	/** Where it is defined. */
	readonly source: string;
	readonly treatment: Treatment;
}

export type Treatment =
	/** Refused; `loopback` ranges are the ones ALLOW_LOOPBACK_TARGETS opens for local demos. */
	| { kind: "refuse"; loopback?: true }
	/** Judged by the IPv4 address(es) it carries (each must be allowed). */
	| { kind: "carries-ipv4"; embedded: (address: bigint) => number[] }
	/** The family's ordinary space: allowed unless a more specific entry says otherwise. */
	| { kind: "allow" };

const refuse: Treatment = { kind: "refuse" };
const loopback: Treatment = { kind: "refuse", loopback: true };
const MASK_32 = 0xffffffffn;
const lowIpv4: Treatment = {
	kind: "carries-ipv4",
	embedded: (address) => [Number(address & MASK_32)],
};

export const SPECIAL_IPV4: readonly SpecialRange[] = [
	{ prefix: "0.0.0.0/0", name: "public IPv4", source: "", treatment: { kind: "allow" } },
	{ prefix: "0.0.0.0/8", name: "This network", source: "RFC 791", treatment: refuse },
	{
		prefix: "0.0.0.0/32",
		name: "This host on this network",
		source: "RFC 1122",
		treatment: refuse,
	},
	{ prefix: "10.0.0.0/8", name: "Private-Use", source: "RFC 1918", treatment: refuse },
	{
		prefix: "100.64.0.0/10",
		name: "Shared Address Space (carrier-grade NAT)",
		source: "RFC 6598",
		treatment: refuse,
	},
	{
		prefix: "100.100.100.200/32",
		name: "a cloud metadata endpoint (Alibaba Cloud)",
		source: "vendor",
		treatment: refuse,
	},
	{ prefix: "127.0.0.0/8", name: "Loopback", source: "RFC 1122", treatment: loopback },
	{ prefix: "169.254.0.0/16", name: "Link Local", source: "RFC 3927", treatment: refuse },
	{
		prefix: "169.254.169.254/32",
		name: "a cloud metadata endpoint",
		source: "vendor",
		treatment: refuse,
	},
	{ prefix: "172.16.0.0/12", name: "Private-Use", source: "RFC 1918", treatment: refuse },
	{
		prefix: "192.0.0.0/24",
		name: "IETF Protocol Assignments",
		source: "RFC 6890",
		treatment: refuse,
	},
	{
		prefix: "192.0.0.0/29",
		name: "IPv4 Service Continuity Prefix",
		source: "RFC 7335",
		treatment: refuse,
	},
	{ prefix: "192.0.0.8/32", name: "IPv4 dummy address", source: "RFC 7600", treatment: refuse },
	{
		prefix: "192.0.0.9/32",
		name: "Port Control Protocol Anycast",
		source: "RFC 7723",
		treatment: refuse,
	},
	{
		prefix: "192.0.0.10/32",
		name: "Traversal Using Relays around NAT Anycast",
		source: "RFC 8155",
		treatment: refuse,
	},
	{
		prefix: "192.0.0.170/32",
		name: "NAT64/DNS64 Discovery",
		source: "RFC 7050",
		treatment: refuse,
	},
	{
		prefix: "192.0.0.171/32",
		name: "NAT64/DNS64 Discovery",
		source: "RFC 7050",
		treatment: refuse,
	},
	{
		prefix: "192.0.2.0/24",
		name: "Documentation (TEST-NET-1)",
		source: "RFC 5737",
		treatment: refuse,
	},
	{ prefix: "192.31.196.0/24", name: "AS112-v4", source: "RFC 7535", treatment: refuse },
	{ prefix: "192.52.193.0/24", name: "AMT", source: "RFC 7450", treatment: refuse },
	{
		prefix: "192.88.99.0/24",
		name: "Deprecated (6to4 Relay Anycast)",
		source: "RFC 7526",
		treatment: refuse,
	},
	{ prefix: "192.168.0.0/16", name: "Private-Use", source: "RFC 1918", treatment: refuse },
	{
		prefix: "192.175.48.0/24",
		name: "Direct Delegation AS112 Service",
		source: "RFC 7534",
		treatment: refuse,
	},
	{ prefix: "198.18.0.0/15", name: "Benchmarking", source: "RFC 2544", treatment: refuse },
	{
		prefix: "198.51.100.0/24",
		name: "Documentation (TEST-NET-2)",
		source: "RFC 5737",
		treatment: refuse,
	},
	{
		prefix: "203.0.113.0/24",
		name: "Documentation (TEST-NET-3)",
		source: "RFC 5737",
		treatment: refuse,
	},
	{ prefix: "224.0.0.0/4", name: "Multicast", source: "RFC 5771", treatment: refuse },
	{ prefix: "240.0.0.0/4", name: "Reserved", source: "RFC 1112", treatment: refuse },
	{ prefix: "255.255.255.255/32", name: "Limited Broadcast", source: "RFC 919", treatment: refuse },
];

export const SPECIAL_IPV6: readonly SpecialRange[] = [
	{
		prefix: "::/0",
		name: "Reserved by IETF (outside global unicast 2000::/3)",
		source: "RFC 4291",
		treatment: refuse,
	},
	{ prefix: "2000::/3", name: "global unicast", source: "", treatment: { kind: "allow" } },
	{ prefix: "::/128", name: "Unspecified Address", source: "RFC 4291", treatment: refuse },
	{ prefix: "::1/128", name: "Loopback Address", source: "RFC 4291", treatment: loopback },
	{ prefix: "::ffff:0:0/96", name: "IPv4-mapped Address", source: "RFC 4291", treatment: lowIpv4 },
	{ prefix: "64:ff9b::/96", name: "IPv4-IPv6 Translation", source: "RFC 6052", treatment: lowIpv4 },
	{
		prefix: "64:ff9b:1::/48",
		name: "IPv4-IPv6 Translation (local use)",
		source: "RFC 8215",
		treatment: refuse,
	},
	{ prefix: "100::/64", name: "Discard-Only Address Block", source: "RFC 6666", treatment: refuse },
	{ prefix: "100:0:0:1::/64", name: "Dummy IPv6 Prefix", source: "RFC 9780", treatment: refuse },
	{ prefix: "2001::/23", name: "IETF Protocol Assignments", source: "RFC 2928", treatment: refuse },
	{
		prefix: "2001::/32",
		name: "TEREDO",
		source: "RFC 4380",
		// The server's IPv4 sits in bits 32–63, the client's in the last 32 bits, inverted.
		treatment: {
			kind: "carries-ipv4",
			embedded: (address) => [Number((address >> 64n) & MASK_32), Number(~address & MASK_32)],
		},
	},
	{
		prefix: "2001:1::1/128",
		name: "Port Control Protocol Anycast",
		source: "RFC 7723",
		treatment: refuse,
	},
	{
		prefix: "2001:1::2/128",
		name: "Traversal Using Relays around NAT Anycast",
		source: "RFC 8155",
		treatment: refuse,
	},
	{
		prefix: "2001:1::3/128",
		name: "DNS-SD Service Registration Protocol Anycast",
		source: "RFC 9665",
		treatment: refuse,
	},
	{ prefix: "2001:2::/48", name: "Benchmarking", source: "RFC 5180", treatment: refuse },
	{ prefix: "2001:3::/32", name: "AMT", source: "RFC 7450", treatment: refuse },
	{ prefix: "2001:4:112::/48", name: "AS112-v6", source: "RFC 7535", treatment: refuse },
	{
		prefix: "2001:10::/28",
		name: "Deprecated (previously ORCHID)",
		source: "RFC 4843",
		treatment: refuse,
	},
	{ prefix: "2001:20::/28", name: "ORCHIDv2", source: "RFC 7343", treatment: refuse },
	{
		prefix: "2001:30::/28",
		name: "Drone Remote ID Protocol Entity Tags (DETs) Prefix",
		source: "RFC 9374",
		treatment: refuse,
	},
	{ prefix: "2001:db8::/32", name: "Documentation", source: "RFC 3849", treatment: refuse },
	{
		prefix: "2002::/16",
		name: "6to4",
		source: "RFC 3056",
		// 2002:AABB:CCDD::/48 belongs to the IPv4 address AA.BB.CC.DD.
		treatment: {
			kind: "carries-ipv4",
			embedded: (address) => [Number((address >> 80n) & MASK_32)],
		},
	},
	{
		prefix: "2620:4f:8000::/48",
		name: "Direct Delegation AS112 Service",
		source: "RFC 7534",
		treatment: refuse,
	},
	{ prefix: "3fff::/20", name: "Documentation", source: "RFC 9637", treatment: refuse },
	{
		prefix: "5f00::/16",
		name: "Segment Routing (SRv6) SIDs",
		source: "RFC 9602",
		treatment: refuse,
	},
	{ prefix: "fc00::/7", name: "Unique-Local", source: "RFC 4193", treatment: refuse },
	{
		prefix: "fd00:ec2::254/128",
		name: "a cloud metadata endpoint (AWS, IPv6)",
		source: "vendor",
		treatment: refuse,
	},
	{ prefix: "fe80::/10", name: "Link-Local Unicast", source: "RFC 4291", treatment: refuse },
	{ prefix: "fec0::/10", name: "Site-Local (deprecated)", source: "RFC 3879", treatment: refuse },
	{ prefix: "ff00::/8", name: "Multicast", source: "RFC 4291", treatment: refuse },
];

export type AddressVerdict =
	| { kind: "allowed" }
	| {
			kind: "refused";
			range: SpecialRange;
			/** The IPv4 address an IPv6 one carries, when that is what was refused. */
			carried?: string;
			loopback: boolean;
	  };

/** The verdict on one address: its most specific range decides. */
export function judgeAddress(address: IpAddress): AddressVerdict {
	return address.family === 4
		? judge(mostSpecific(IPV4_TABLE, BigInt(address.value)), BigInt(address.value))
		: judge(mostSpecific(IPV6_TABLE, address.value), address.value);
}

function judge(range: SpecialRange, value: bigint): AddressVerdict {
	const treatment = range.treatment;
	switch (treatment.kind) {
		case "allow":
			return { kind: "allowed" };
		case "refuse":
			return { kind: "refused", range, loopback: treatment.loopback === true };
		case "carries-ipv4": {
			for (const embedded of treatment.embedded(value)) {
				const verdict = judge(mostSpecific(IPV4_TABLE, BigInt(embedded)), BigInt(embedded));
				if (verdict.kind === "refused") return { ...verdict, carried: formatIpv4(embedded) };
			}
			return { kind: "allowed" };
		}
		default: {
			const _exhaustive: never = treatment;
			return _exhaustive;
		}
	}
}

interface CompiledRange {
	range: SpecialRange;
	network: bigint;
	mask: bigint;
	length: number;
}

function compile(table: readonly SpecialRange[], family: 4 | 6): CompiledRange[] {
	const bits = family === 4 ? 32 : 128;
	return table.map((range) => {
		const [text = "", lengthText = ""] = range.prefix.split("/");
		const length = Number(lengthText);
		const parsed = family === 4 ? parseIpv4(text) : parseIpv6(text);
		if (parsed === null) throw new Error(`${range.prefix} is not a prefix`);
		const network = BigInt(parsed);
		const mask = ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - length)) - 1n);
		if ((network & mask) !== network) throw new Error(`${range.prefix} has host bits set`);
		return { range, network, mask, length };
	});
}

function mostSpecific(table: readonly CompiledRange[], value: bigint): SpecialRange {
	let best: CompiledRange | undefined;
	for (const entry of table) {
		const matches = (value & entry.mask) === entry.network;
		if (matches && (best === undefined || entry.length > best.length)) best = entry;
	}
	// Each table holds a /0 entry, so something always matches.
	return (best as CompiledRange).range;
}

const IPV4_TABLE = compile(SPECIAL_IPV4, 4);
const IPV6_TABLE = compile(SPECIAL_IPV6, 6);
