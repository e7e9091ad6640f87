import { createApp } from "./app";

export { TenantObject } from "../durable-objects/tenant";

const app = createApp();

export default {
	fetch: app.fetch,
} satisfies ExportedHandler<Env>;
