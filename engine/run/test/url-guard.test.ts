import { describe, expect, it } from "vitest";
import { checkOutgoingUrl } from "../url-guard";

const refused: Array<[string, RegExp]> = [
	["ftp://example.com/", /only http and https/],
	["file:///etc/passwd", /only http and https/],
	["not a url", /not a valid absolute URL/],
	["https://user:pw@example.com/", /user name or password/],
	["https://user@example.com/", /user name or password/],
	["http://127.0.0.1/", /loopback/],
	["http://127.255.0.9:8080/x", /loopback/],
	["http://localhost/", /loopback/],
	["http://LOCALHOST./", /loopback/],
	["http://api.localhost/", /loopback/],
	["http://2130706433/", /loopback/],
	["http://0x7f.1/", /loopback/],
	["http://017700000001/", /loopback/],
	["http://127.1/", /loopback/],
	["http://0x7f.0x0.0x0.0x1/", /loopback/],
	["http://%31%32%37.0.0.1/", /loopback/],
	["http://[::1]/", /loopback/],
	["http://[0:0:0:0:0:0:0:1]/", /loopback/],
	["http://[::]/", /unspecified/],
	["http://0.0.0.0/", /unspecified/],
	["http://0/", /unspecified/],
	["http://0.1.2.3/", /unspecified/],
	["http://[::ffff:127.0.0.1]/", /loopback/],
	["http://[::ffff:7f00:1]/", /loopback/],
	["http://[::127.0.0.1]/", /loopback/],
	["http://[::ffff:10.0.0.1]/", /private/],
	["http://[64:ff9b::7f00:1]/", /loopback/],
	["http://[2002:7f00:1::]/", /loopback/],
	["http://10.1.2.3/", /private/],
	["http://172.16.0.1/", /private/],
	["http://172.31.255.255/", /private/],
	["http://192.168.1.1/", /private/],
	["http://169.254.1.1/", /link-local/],
	["http://[fe80::1]/", /link-local/],
	["http://[febf::1]/", /link-local/],
	["http://100.64.0.1/", /carrier-grade NAT/],
	["http://100.127.255.255/", /carrier-grade NAT/],
	["http://169.254.169.254/latest/meta-data", /metadata/],
	["http://[::ffff:a9fe:a9fe]/", /metadata/],
	["http://[fd00:ec2::254]/", /metadata/],
	["http://metadata.google.internal/computeMetadata/v1/", /metadata/],
	["http://metadata.google.internal./", /metadata/],
	["http://[fc00::1]/", /unique-local/],
	["http://[fdff:1::1]/", /unique-local/],
	["http://224.0.0.1/", /multicast/],
	["http://255.255.255.255/", /reserved/],
];

const allowed = [
	"https://example.com/hook",
	"http://93.184.216.34/",
	"http://172.32.0.1/",
	"http://172.15.255.255/",
	"http://100.128.0.1/",
	"http://100.63.255.255/",
	"http://[2606:4700::1111]/",
	"http://[::ffff:93.184.216.34]/",
	"https://localhost.example.com/",
	"https://metadata.example.com/",
];

describe("checkOutgoingUrl", () => {
	it.each(refused)("refuses %s", (url, why) => {
		const check = checkOutgoingUrl(url);
		expect(check.kind).toBe("refused");
		if (check.kind === "refused") expect(check.reason).toMatch(why);
	});

	it.each(allowed)("allows %s", (url) => {
		expect(checkOutgoingUrl(url).kind).toBe("allowed");
	});

	it("returns the normalised URL", () => {
		expect(checkOutgoingUrl("HTTPS://Example.COM/a b")).toEqual({
			kind: "allowed",
			url: "https://example.com/a%20b",
		});
	});

	it("allowLoopbackTargets allows loopback only", () => {
		const opts = { allowLoopbackTargets: true };
		for (const url of [
			"http://127.0.0.1:8787/",
			"http://localhost:3000/",
			"http://2130706433/",
			"http://[::1]/",
			"http://[::ffff:127.0.0.1]/",
			"http://demo.localhost/",
		]) {
			expect(checkOutgoingUrl(url, opts).kind, url).toBe("allowed");
		}
		for (const url of [
			"http://10.0.0.1/",
			"http://169.254.169.254/",
			"http://0.0.0.0/",
			"http://[fd00:ec2::254]/",
			"http://192.168.0.1/",
		]) {
			expect(checkOutgoingUrl(url, opts).kind, url).toBe("refused");
		}
	});
});
