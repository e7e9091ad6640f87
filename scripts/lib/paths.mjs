// The repository root, so scripts behave the same whatever directory they are run from.
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
