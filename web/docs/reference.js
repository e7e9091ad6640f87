// The API reference at /docs: Swagger UI from the swagger-ui-dist package, copied into the
// Worker's static assets by scripts/build-web.mjs, reading this origin's /openapi.json. Nothing
// leaves the origin: the validator badge (validator.swagger.io) is off, and the page's CSP
// (web/src/_headers) allows no other origin anyway.
globalThis.ui = globalThis.SwaggerUIBundle({
	url: "/openapi.json",
	dom_id: "#reference",
	deepLinking: true,
	validatorUrl: null,
	presets: [globalThis.SwaggerUIBundle.presets.apis],
	layout: "BaseLayout",
});
