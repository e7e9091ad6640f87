import { z } from "@hono/zod-openapi";

export const SignInCode = z
	.object({
		code: z.string().openapi({ description: "Single use; dead after `expiresAt`." }),
		expiresAt: z.string().datetime().openapi({ example: "2026-12-07T21:05:00.000Z" }),
		signInUrl: z.string().url().openapi({
			description: "The admin page with the code in its fragment: open it once to sign in.",
			example: "http://localhost:8787/admin#code=…",
		}),
	})
	.openapi("SignInCode");

export const ExchangeSignInCode = z
	.strictObject({
		code: z
			.string()
			.min(1)
			.max(100)
			.openapi({ description: "A code from POST /v1/auth/sign-in-codes." }),
	})
	.openapi("ExchangeSignInCode");

export const SignInSession = z
	.object({
		token: z.string().openapi({ description: "The bearer token the code stood for." }),
	})
	.openapi("SignInSession");
