/**
 * The typed TypeScript client of the Stepline API (clients/typescript/README.md). Its types and
 * methods are generated from the API's OpenAPI document by `npm run client:generate`.
 */
export type { components, operations, paths } from "../generated/schema";
export { createStepline, type StepLine, type StepLineOptions } from "./client";
export { type FollowOptions, followRunEvents, type RunEvent } from "./events";
export { allPages, type Page } from "./pages";
export { type Problem, type ProblemCode, StepLineProblem, StepLineUnreachable } from "./problem";
