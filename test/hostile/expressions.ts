// Hostile expressions: what a tenant member could save as a condition or template to make one
// evaluation (or the save itself) burn the CPU every other tenant shares. Each run-time case
// must stop with ExprLimitError (a node failing with `expression_limit`); each save-time case
// must be refused as invalid or analysed in bounded work. Used by the engine tests, the
// hostile-input suite against `wrangler dev` and bench/hostile.ts.

export interface HostileCase {
	/** What the case attacks. */
	name: string;
	expression: string;
}

/** A string of n characters built inside the expression (the input stays small). */
const big = (n: number) => `("a" * ${n})`;
const S = big(900_000);

/** Evaluation-time cases; every one must end in ExprLimitError on the input `{}`. */
export const hostileRuns: HostileCase[] = [
	// Strings: each builtin must pay for the characters it scans or builds.
	{
		name: "length of a long string, repeated",
		expression: `${S} as $s | [range(2500) | $s | length] | add > 0`,
	},
	{
		name: "contains on a long string",
		expression: `${S} as $s | [range(5000) | $s | contains("b")] | any`,
	},
	{
		name: "ltrimstr on a long string",
		expression: `${S} as $s | [range(5000) | $s | ltrimstr("a") | length] | add`,
	},
	{
		name: "rtrimstr with a long suffix",
		expression: `${S} as $s | [range(5000) | $s | rtrimstr($s[1:])] | length`,
	},
	{
		name: "startswith a long prefix",
		expression: `${S} as $s | ($s + "") as $t | [range(5000) | $s | startswith($t)] | all`,
	},
	{
		name: "endswith a long suffix",
		expression: `${S} as $s | ("b" + $s) as $t | [range(5000) | $t | endswith($s)] | all`,
	},
	{
		name: "equality of long distinct strings",
		expression: `${S} as $a | ("a" + ${big(899_999)}) as $b | [range(20000) | $a == $b] | all`,
	},
	{
		name: "ordering of long strings",
		expression: `${S} as $a | (${big(899_999)} + "b") as $b | [range(20000) | $a < $b] | all`,
	},
	{ name: "indices of a long string", expression: `${S} | indices("a") | length` },
	{
		name: "index/rindex on a long string",
		expression: `${S} as $s | [range(5000) | $s | index("b"), rindex("b")] | length`,
	},
	{
		name: "string slice by code points",
		expression: `${S} as $s | [range(5000) | $s | .[1:] | length] | add`,
	},
	{
		name: "explode a long string",
		expression: `${S} as $s | [range(1000) | $s | explode | length] | add`,
	},
	{
		name: "implode a large array",
		expression: `[range(90000) | 97] as $a | [range(1000) | $a | implode | length] | add`,
	},
	{
		name: "split on a long string",
		expression: `${S} as $s | [range(5000) | $s | split("b") | length] | add`,
	},
	{
		name: "split into characters",
		expression: `${big(90_000)} as $s | [range(5000) | $s | split("") | length] | add`,
	},
	{
		name: "join a large array",
		expression: `[range(90000) | "ab"] as $a | [range(1000) | $a | join(",") | length] | add`,
	},
	{
		name: "string multiplication",
		expression: `[range(100000) | "abcdefgh" * 100000 | length] | add`,
	},
	{
		name: "ascii_downcase a long string",
		expression: `${S} as $s | [range(5000) | $s | ascii_downcase | length] | add`,
	},
	{
		name: "utf8bytelength of a long string",
		expression: `${S} as $s | [range(5000) | $s | utf8bytelength] | add`,
	},
	{
		name: "tojson of a long string",
		expression: `${S} as $s | [range(5000) | $s | tojson | length] | add`,
	},
	{
		name: "tostring of a large array",
		expression: `[range(90000)] as $a | [range(5000) | $a | tostring | length] | add`,
	},
	{
		name: "interpolation of a large array",
		expression: `[range(90000)] as $a | [range(5000) | "\\($a)" | length] | add`,
	},
	{
		name: "tonumber on a long string",
		expression: `("1" * 900000) as $s | [range(5000) | $s | try tonumber catch 0] | length`,
	},
	{
		name: "fromjson of a long string",
		expression: `("[" + ("1," * 400000) + "1]") as $s | [range(5000) | $s | fromjson | length] | add`,
	},
	{
		name: "@base64 of a long string",
		expression: `${S} as $s | [range(5000) | $s | @base64 | length] | add`,
	},
	{
		name: "@base64d of a long string",
		expression: `${S} as $s | [range(5000) | $s | try @base64d catch "" | length] | add`,
	},
	{
		name: "@uri of a long string",
		expression: `${S} as $s | [range(5000) | $s | @uri | length] | add`,
	},
	{
		name: "@html of a long string",
		expression: `${big(900_000).replace('"a"', '"<"')} as $s | [range(5000) | $s | @html | length] | add`,
	},
	{
		name: "@sh of a long string",
		expression: `${big(900_000).replace('"a"', `"'"`)} as $s | [range(5000) | $s | @sh | length] | add`,
	},
	{
		name: "@csv of a large array",
		expression: `[range(90000) | "x"] as $a | [range(5000) | $a | @csv | length] | add`,
	},
	{
		name: "@tsv of a large array",
		expression: `[range(90000) | "x\\t"] as $a | [range(5000) | $a | @tsv | length] | add`,
	},
	{
		name: "test (regex) on a long string",
		expression: `${S} as $s | [range(5000) | $s | test("b")] | any`,
	},
	{ name: "match every character", expression: `${S} | [match("."; "g")] | length` },
	{
		name: "gsub every character",
		expression: `${big(90_000)} as $s | [range(1000) | $s | gsub("a"; "b") | length] | add`,
	},
	{
		name: "sub on a long string",
		expression: `${S} as $s | [range(5000) | $s | sub("b"; "c") | length] | add`,
	},
	{
		name: "splits on a long string",
		expression: `${S} as $s | [range(5000) | $s | [splits("b")] | length] | add`,
	},
	{
		name: "a new regex each time",
		expression: `[range(100000) as $i | "aaaa" | test("a{\\($i % 1000)}b")] | any`,
	},
	{
		name: "a large regex repetition",
		expression: `[range(100000) | "aaaa" | try test("((a{1000}){1000}){1000}") catch false] | any`,
	},
	{
		name: "strftime with a long format",
		expression: `("%Y" * 400000) as $f | [range(5000) | 0 | strftime($f) | length] | add`,
	},
	{
		name: "strptime on a long string",
		expression: `${S} as $s | [range(5000) | $s | try strptime("%Y") catch 0] | length`,
	},
	{
		name: "fromdateiso8601 on a long string",
		expression: `${S} as $s | [range(5000) | $s | try fromdateiso8601 catch 0] | length`,
	},
	{
		name: "object keys that are long strings",
		expression: `${S} as $s | [range(1e9) | {($s): 1} | has($s)] | all`,
	},
	// Arrays: deep comparisons, sorts and copies.
	{
		name: "equality of large arrays",
		expression: `[range(90000)] as $a | [range(90000)] as $b | [range(5000) | $a == $b] | all`,
	},
	{
		name: "ordering of large arrays",
		expression: `[range(90000)] as $a | ([range(89999)] + [1e9]) as $b | [range(5000) | $a < $b] | all`,
	},
	{
		name: "sort a large array, repeated",
		expression: `[range(90000) | -.] as $a | [range(1000) | $a | sort | length] | add`,
	},
	{
		name: "sort strings",
		expression: `[range(90000) | tostring] as $a | [range(1000) | $a | sort | length] | add`,
	},
	{
		name: "sort nested arrays",
		expression: `[range(50000) | [range(20)]] as $a | [range(1000) | $a | sort | length] | add`,
	},
	{
		name: "unique of a large array",
		expression: `[range(90000) | . % 7] as $a | [range(1000) | $a | unique | length] | add`,
	},
	{
		name: "group_by / unique_by",
		expression: `[range(90000) | {k: (. % 7)}] as $a | [range(1000) | $a | group_by(.k), unique_by(.k) | length] | add`,
	},
	{
		name: "min/max of a large array",
		expression: `[range(90000)] as $a | [range(1000) | $a | min, max] | length`,
	},
	{
		name: "contains on arrays (quadratic)",
		expression: `[range(5000)] as $a | [range(100) | $a | contains($a)] | all`,
	},
	{
		name: "inside on arrays",
		expression: `[range(5000)] as $a | [range(100) | $a | inside($a)] | all`,
	},
	{
		name: "array subtraction (quadratic)",
		expression: `[range(5000)] as $a | [range(100) | $a - $a | length] | add`,
	},
	{
		name: "indices of a sub-array",
		expression: `[range(90000) | 0] as $a | [range(1000) | $a | indices([0,0,0,0,1]) | length] | add`,
	},
	{
		name: "index with an array key",
		expression: `[range(90000) | 0] as $a | [range(1000) | $a | .[[0,0,0,1]] | length] | add`,
	},
	{
		name: "array slices",
		expression: `[range(90000)] as $a | [range(10000) | $a | .[1:] | length] | add`,
	},
	{
		name: "array concatenation",
		expression: `[range(90000)] as $a | [range(10000) | $a + $a | length] | add`,
	},
	{
		name: "reverse a large array",
		expression: `[range(90000)] as $a | [range(10000) | $a | reverse | length] | add`,
	},
	{
		name: "flatten",
		expression: `[range(30000) | [[.]]] as $a | [range(1000) | $a | flatten | length] | add`,
	},
	{
		name: "transpose",
		expression: `[range(300) | [range(300)]] as $a | [range(1000) | $a | transpose | length] | add`,
	},
	{
		name: "to_entries of a large array",
		expression: `[range(90000)] as $a | [range(1000) | $a | to_entries | length] | add`,
	},
	{
		name: "keys of a large array",
		expression: `[range(90000)] as $a | [range(5000) | $a | keys | length] | add`,
	},
	{
		name: "tojson of a large array",
		expression: `[range(90000)] as $a | [range(5000) | $a | tojson | length] | add`,
	},
	{ name: "add strings (quadratic)", expression: `[range(90000) | "abcdefgh"] | add | length` },
	{
		name: "any/all over a large array",
		expression: `[range(90000) | false] as $a | [range(5000) | $a | any] | any`,
	},
	{
		name: "update one element of a large array",
		expression: `[range(90000)] as $a | reduce range(10000) as $i ($a; .[0] = $i) | length`,
	},
	{ name: "update every element", expression: `[range(50000)] | .[] |= . + 1 | length` },
	{ name: "delete every element", expression: `[range(50000)] | del(.[]) | length` },
	{
		name: "delpaths with many paths",
		expression: `[range(50000)] | delpaths([range(50000) | [.]]) | length`,
	},
	{
		name: "setpath on a large array",
		expression: `[range(90000)] as $a | [range(10000) | $a | setpath([0]; 1) | length] | add`,
	},
	{
		name: "getpath with a long path",
		expression: `[range(90000) | "a"] as $p | [range(100000) | {a: {a: {}}} | getpath($p)] | length`,
	},
	{
		name: "paths of a large array",
		expression: `[range(90000)] as $a | [range(1000) | $a | [paths] | length] | add`,
	},
	{
		name: "recurse all of a large array",
		expression: `[range(90000)] as $a | [range(1000) | $a | [..] | length] | add`,
	},
	{
		name: "path(..) of a large array",
		expression: `[range(90000)] as $a | [range(1000) | $a | [path(..)] | length] | add`,
	},
	{
		name: "map_values over a large array",
		expression: `[range(50000)] | map_values(. + 1) | length`,
	},
	{
		name: "with_entries over a large object",
		expression: `[range(50000) | {key: tostring, value: .}] | from_entries | with_entries(.) | length`,
	},
	// Objects: key copies, listings and comparisons.
	{
		name: "build an object by assignment (quadratic)",
		expression: `reduce range(50000) as $i ({}; .["k\\($i)"] = $i) | length`,
	},
	{
		name: "build an object by addition (quadratic)",
		expression: `reduce range(50000) as $i ({}; . + {"k\\($i)": $i}) | length`,
	},
	{
		name: "keys of a large object",
		expression: `[range(50000) | {key: "k\\(.)", value: .}] | from_entries as $o | [range(5000) | $o | keys | length] | add`,
	},
	{
		name: "length of a large object",
		expression: `[range(50000) | {key: "k\\(.)", value: .}] | from_entries as $o | [range(50000) | $o | length] | add`,
	},
	{
		name: "equality of large objects",
		expression: `[range(50000) | {key: "k\\(.)", value: .}] | from_entries as $o | ($o + {}) as $p | [range(5000) | $o == $p] | all`,
	},
	{
		name: "merge large objects",
		expression: `[range(50000) | {key: "k\\(.)", value: .}] | from_entries as $o | [range(5000) | $o + $o | length] | add`,
	},
	{
		name: "deep-merge large objects",
		expression: `[range(50000) | {key: "k\\(.)", value: {a: .}}] | from_entries as $o | [range(5000) | $o * $o | length] | add`,
	},
	{
		name: "delete a key of a large object",
		expression: `[range(50000) | {key: "k\\(.)", value: .}] | from_entries as $o | [range(5000) | $o | del(.k1) | length] | add`,
	},
	{
		name: "tojson of a large object",
		expression: `[range(50000) | {key: "k\\(.)", value: .}] | from_entries as $o | [range(5000) | $o | tojson | length] | add`,
	},
	{
		name: "to_entries of a large object",
		expression: `[range(50000) | {key: "k\\(.)", value: .}] | from_entries as $o | [range(5000) | $o | to_entries | length] | add`,
	},
	{
		name: "map_values over a large object",
		expression: `[range(50000) | {key: "k\\(.)", value: .}] | from_entries | map_values(. + 1) | length`,
	},
	{
		name: "contains on large objects",
		expression: `[range(50000) | {key: "k\\(.)", value: .}] | from_entries as $o | [range(5000) | $o | contains($o)] | all`,
	},
	{
		name: "unique of objects",
		expression: `[range(20000) | {a: (. % 5), b: [range(10)]}] as $a | [range(1000) | $a | unique | length] | add`,
	},
	// Deep values within the depth limit.
	{
		name: "deep equality",
		expression: `reduce range(500) as $i (0; [.]) as $d | [range(100000) | $d == $d] | all`,
	},
	{
		name: "deep tojson",
		expression: `reduce range(500) as $i (0; {a: .}) as $d | [range(100000) | $d | tojson | length] | add`,
	},
	{
		name: "deep setpath",
		expression: `[range(500) | "a"] as $p | [range(100000) | null | setpath($p; 1)] | length`,
	},
	{
		name: "nesting beyond the depth limit",
		expression: `reduce range(100000) as $i (0; [.]) | tojson`,
	},
	// Generators and recursion.
	{ name: "range(1e9)", expression: "[range(1e9)]" },
	{ name: "range with a tiny step", expression: "[range(0; 1; 1e-9)] | length" },
	{ name: "limit of an endless generator", expression: "[limit(1e9; repeat(1))] | length" },
	{ name: "until that never ends", expression: "0 | until(. < 0; . + 1)" },
	{ name: "while that never ends", expression: "[0 | while(true; . + 1)] | length" },
	{ name: "recurse without end", expression: "[0 | recurse(. + 1)] | length" },
	{ name: "reduce over a huge range", expression: "reduce range(1e9) as $i (0; . + $i)" },
	{
		name: "foreach over a huge range",
		expression: "[foreach range(1e9) as $i (0; . + 1)] | length",
	},
	{
		name: "label/break that is never reached",
		expression:
			"label $out | foreach range(1e9) as $i (0; . + 1; if . > 1e8 then ., break $out else empty end)",
	},
	{ name: "endless recursion", expression: "def f: f; f" },
	{ name: "recursion that builds", expression: "def f: [f]; f" },
	{
		name: "exponential closures",
		expression:
			"0 | def f(g): g | g; f(f(f(f(f(f(f(f(f(f(f(f(f(f(f(f(f(f(f(f(. + 1))))))))))))))))))))",
	},
	{
		name: "exponential generator",
		expression: "def f: if length > 60 then . else (. + [0], . + [1]) | f end; [] | [f] | length",
	},
	{
		name: "cartesian product",
		expression: "[range(1000) as $a | range(1000) as $b | range(1000)] | length",
	},
	{ name: "caught errors in a loop", expression: '[range(1e9) | try error("x") catch .] | length' },
	{
		name: "optional access on the wrong type, repeatedly",
		expression: "[range(1e9) | .a?] | length",
	},
	{
		name: "errors that describe a large value",
		expression: `[range(90000)] as $a | [range(100000) | try ($a | error) catch 0] | length`,
	},
	{
		name: "try with a large error value",
		expression: `[range(90000)] as $a | [range(100000) | try ($a | .x) catch 0] | length`,
	},
	{
		name: "alternative over errors",
		expression: '[range(1e9) | ((try error("x")) // 1)] | length',
	},
	{
		name: "getpath on generated paths",
		expression: "[range(1e9) | [tostring] as $p | {} | getpath($p)] | length",
	},
	{ name: "string interpolation in a loop", expression: `[range(1e9) | "\\(.)-\\(.)"] | length` },
	{
		name: "paths of a wide tree",
		expression: `[range(300) | [range(300)]] as $t | [range(1000) | $t | [paths] | length] | add`,
	},
	{
		name: "tostream-like walk",
		expression: `[range(300) | [range(300)]] as $t | [range(1000) | $t | [paths(type == "number")] | length] | add`,
	},
	{ name: "env and $ENV in a loop", expression: "[range(1e9) | env, $ENV] | length" },
	{ name: "now and dates in a loop", expression: "[range(1e9) | now | todate] | length" },
];

/** `def f0: def f1: … ; f1 + f1; f0 + f0`: n nested definitions, each calling the next twice. */
export function nestedDefs(n: number, combine = "+"): string {
	let body = ".";
	for (let i = n - 1; i >= 0; i--) body = `def f${i}: ${body}; f${i} ${combine} f${i}`;
	return body;
}

/**
 * Repeats `unit(i)` for i = 0, 1, … while the whole stays within `limit` characters;
 * `around` wraps the repeats (and is told how many there are).
 */
function fill(
	limit: number,
	unit: (i: number) => string,
	around: (inner: string, count: number) => string = (inner) => inner,
): string {
	let inner = "";
	for (let i = 0; ; i++) {
		const next = inner + unit(i);
		if (around(next, i + 1).length > limit) return around(inner, i);
		inner = next;
	}
}

/** The size cap on expressions (MAX_SOURCE_LENGTH): cases below are built to fit it. */
const CAP = 4096;

/** n levels of `if true then … else 2 end`. */
const nestedIfs = (n: number) => `${"if true then ".repeat(n)}1${" else 2 end".repeat(n)}`;

/** Save-time cases: each must be refused as invalid or analysed in bounded work. */
export const hostileSaves: HostileCase[] = [
	{ name: "21 nested defs (363 characters)", expression: nestedDefs(21) },
	{
		name: "nested defs filling the size cap",
		expression: nestedDefs(150).length <= CAP ? nestedDefs(150) : nestedDefs(120),
	},
	{
		name: "nested defs through pipes, each a step deeper",
		expression: nestedDefs(100, "| .a |").slice(0, CAP),
	},
	{ name: "400 nested defs", expression: nestedDefs(400) },
	{
		name: "a chain of defs, each calling the last twice",
		expression: fill(
			CAP,
			(i) => `def g${i}: ${i === 0 ? ".a" : `g${i - 1} | g${i - 1}`}; `,
			(inner, count) => `${inner}g${count - 1}`,
		),
	},
	{
		name: "a chain of defs with growing paths",
		expression: fill(
			CAP,
			(i) => `def h${i}: ${i === 0 ? ".outputs.a" : `h${i - 1} | .b | h${i - 1}`}; `,
			(inner, count) => `${inner}h${count - 1}`,
		),
	},
	{
		name: "a recursive def called many times",
		expression: fill(
			CAP,
			() => "f, ",
			(inner) => `def f: ${inner}f; f`,
		),
	},
	{
		name: "mutually nested defs with parameters",
		expression: fill(
			CAP,
			(i) => `def p${i}(x): x | p${Math.max(0, i - 1)}(x | x); `,
			(inner, count) => `${inner}p${count - 1}(.)`,
		),
	},
	{ name: "nested map calls", expression: `${"map(".repeat(100)}.a${")".repeat(100)}` },
	{
		name: "nested select calls",
		expression: `${"select(".repeat(100)}.outputs.a${")".repeat(100)}`,
	},
	{
		name: "3,000 comma-separated items (the probe's case)",
		expression: Array.from({ length: 3000 }, () => "1").join(","),
	},
	{
		name: "comma-separated items up to the size cap",
		expression: fill(
			CAP,
			() => "1,",
			(inner) => `${inner}1`,
		),
	},
	{
		name: "a long pipe",
		expression: fill(
			CAP,
			() => ".|",
			(inner) => `${inner}.`,
		),
	},
	{
		name: "a long sum",
		expression: fill(
			CAP,
			() => "1+",
			(inner) => `${inner}1`,
		),
	},
	{
		name: "a long and-chain",
		expression: fill(
			CAP,
			() => "true and ",
			(inner) => `${inner}true`,
		),
	},
	{
		name: "a long alternative chain",
		expression: fill(
			CAP,
			() => ".a//",
			(inner) => `${inner}.a`,
		),
	},
	{ name: "a long field chain", expression: fill(CAP, () => ".a") },
	{
		name: "a long index chain",
		expression: fill(
			CAP,
			() => "[0]",
			(inner) => `.${inner}`,
		),
	},
	{ name: "deep parentheses", expression: `${"(".repeat(2000)}1${")".repeat(2000)}` },
	{ name: "deep arrays", expression: `${"[".repeat(2000)}1${"]".repeat(2000)}` },
	{ name: "deep objects", expression: `${"{a:".repeat(1000)}1${"}".repeat(1000)}` },
	{ name: "deep negation", expression: `${"-".repeat(3000)}1` },
	{ name: "if nested 150 deep", expression: nestedIfs(150) },
	{ name: "if nested to the size cap", expression: nestedIfs(170) },
	{ name: "deep try", expression: `${"try ".repeat(1000)}1` },
	{ name: "deep reduce", expression: `${"reduce . as $x (".repeat(150)}1${"; .)".repeat(150)}` },
	{
		name: "many bindings",
		expression: fill(
			CAP,
			() => ". as $x | ",
			(inner) => `${inner}$x`,
		),
	},
	{
		name: "many labels",
		expression: fill(
			CAP,
			() => "label $a | ",
			(inner) => `${inner}1`,
		),
	},
	{
		name: "many sequential defs",
		expression: fill(
			CAP,
			(i) => `def f${i}: ${i};`,
			(inner) => `${inner} f0`,
		),
	},
	{ name: "nested string interpolation", expression: `${'"\\('.repeat(500)}1${')"'.repeat(500)}` },
	{
		name: "deep destructuring pattern",
		expression: `. as ${"[".repeat(1000)}$x${"]".repeat(1000)} | $x`,
	},
	{ name: "an oversized expression", expression: `.a == "${"x".repeat(70_000)}"` },
	{ name: "a huge number literal", expression: `${"9".repeat(4000)}` },
	{ name: "a long identifier", expression: `${"a".repeat(4000)}` },
];
