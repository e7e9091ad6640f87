// Sign-in: paste a bearer token. Shows why the user was signed out (expired, rejected).
import { useState } from "preact/hooks";
import { signIn, signOutReason } from "../api/session";

export function SignInPage() {
	const [token, setToken] = useState("");
	const [problem, setProblem] = useState<string | null>(null);
	const reason = signOutReason();
	const submit = (event: Event) => {
		event.preventDefault();
		setProblem(signIn(token));
	};
	return (
		<main id="main" class="sign-in">
			<h1 tabIndex={-1}>Sign in to Stepline</h1>
			{reason && (
				<p class="notice" role="alert">
					{reason}
				</p>
			)}
			<form onSubmit={submit} noValidate>
				<label for="token">Bearer token</label>
				<textarea
					id="token"
					name="token"
					rows={5}
					required
					spellcheck={false}
					autoComplete="off"
					aria-describedby="token-help token-problem"
					value={token}
					onInput={(e) => setToken(e.currentTarget.value)}
				/>
				<p id="token-help" class="help">
					A JWT for your tenant. Locally, <code>npm run -s token -- --role admin</code> prints one,
					and the one-time sign-in link that <code>npm start</code> prints signs you in directly.
					The token is kept in this tab only.
				</p>
				{problem && (
					<p id="token-problem" class="field-error" role="alert">
						{problem}
					</p>
				)}
				<button type="submit" class="primary">
					Sign in
				</button>
			</form>
		</main>
	);
}
