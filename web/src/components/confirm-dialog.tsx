// A modal confirmation on the native <dialog>: focus moves into it, Escape cancels, and focus
// returns to the button that opened it.
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";

interface Props {
	title: string;
	children: ComponentChildren;
	confirmLabel: string;
	busy: boolean;
	onConfirm: () => void;
	onCancel: () => void;
}

export function ConfirmDialog({ title, children, confirmLabel, busy, onConfirm, onCancel }: Props) {
	const dialog = useRef<HTMLDialogElement>(null);
	useEffect(() => {
		const opener = document.activeElement as HTMLElement | null;
		dialog.current?.showModal();
		return () => opener?.focus();
	}, []);
	return (
		<dialog
			ref={dialog}
			aria-labelledby="confirm-title"
			onCancel={(event) => {
				event.preventDefault();
				onCancel();
			}}
		>
			<h2 id="confirm-title">{title}</h2>
			{children}
			<div class="actions">
				<button type="button" onClick={onCancel} disabled={busy}>
					Keep it
				</button>
				<button type="button" class="primary" onClick={onConfirm} disabled={busy}>
					{busy ? "Working…" : confirmLabel}
				</button>
			</div>
		</dialog>
	);
}
