#!/usr/bin/env node
// The `stepline` command (package.json "bin"). Plain JavaScript so it runs on Node 20, 22 and
// 24 as it is; the TypeScript behind it is bundled by cli/build.mjs, rebuilt here only when a
// source changed since the last build (a few milliseconds to check).
import { buildCli, bundlePath, isStale } from "./build.mjs";

if (isStale()) await buildCli();
const { main } = await import(new URL(`file://${bundlePath}`).href);
process.exitCode = await main(process.argv.slice(2));
