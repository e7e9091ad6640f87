/**
 * Plain JSON values: everything in a run's state is made of these (it is stored as JSON).
 * Recursive through interfaces, not type aliases, so workerd's RPC types can check a value
 * that crosses between the Worker and an object without running out of depth.
 */
export type JsonValue = null | boolean | number | string | JsonArray | JsonObject;
export interface JsonArray extends Array<JsonValue> {}
export interface JsonObject {
	[key: string]: JsonValue;
}
