// Room for a graph of any size: it scrolls (drag it, or the arrow keys once it has focus), and
// zooms with the buttons, + and − (0: actual size, F: fit the width) or Ctrl + wheel, keeping
// the point in view where it is. A graph of 50 nodes stays readable at 100 % and can be seen
// whole with Fit; the SVG keeps its own coordinates, only its drawn size changes.
import type { ComponentChildren } from "preact";
import { useId, useLayoutEffect, useRef, useState } from "preact/hooks";

const LEVELS = [0.1, 0.25, 0.33, 0.5, 0.67, 0.8, 1, 1.25, 1.5, 2];
const MIN = LEVELS[0] ?? 0.1;
const MAX = LEVELS[LEVELS.length - 1] ?? 2;

const clamp = (z: number) => Math.min(MAX, Math.max(MIN, z));
const stepUp = (z: number) => LEVELS.find((l) => l > z + 0.001) ?? MAX;
const stepDown = (z: number) => [...LEVELS].reverse().find((l) => l < z - 0.001) ?? MIN;

export function GraphViewport({
	width,
	height,
	label,
	children,
}: {
	width: number;
	height: number;
	label: string;
	/** The SVG's content, drawn in a `0 0 width height` box. */
	children: ComponentChildren;
}) {
	const region = useRef<HTMLElement>(null);
	const keysHelp = useId(); // a page may show two graphs (the editor and its Try it)
	const [zoom, setZoom] = useState(1);
	// Where to put the view after a zoom: the same graph point under the same place.
	const anchor = useRef<{ gx: number; gy: number; vx: number; vy: number } | null>(null);
	const drag = useRef<{ x: number; y: number; left: number; top: number } | null>(null);

	const zoomTo = (next: number, at?: { x: number; y: number }) => {
		const el = region.current;
		const z = clamp(next);
		if (el) {
			const box = el.getBoundingClientRect();
			const vx = at ? at.x - box.left : el.clientWidth / 2;
			const vy = at ? at.y - box.top : el.clientHeight / 2;
			anchor.current = { gx: (el.scrollLeft + vx) / zoom, gy: (el.scrollTop + vy) / zoom, vx, vy };
		}
		setZoom(z);
	};
	const fit = () => {
		const el = region.current;
		if (el) zoomTo(Math.min(1, (el.clientWidth - 16) / width));
	};
	useLayoutEffect(() => {
		const el = region.current;
		const a = anchor.current;
		if (!el || !a) return;
		el.scrollLeft = a.gx * zoom - a.vx;
		el.scrollTop = a.gy * zoom - a.vy;
		anchor.current = null;
	}, [zoom]);

	const onKeyDown = (e: KeyboardEvent) => {
		if (e.ctrlKey || e.metaKey || e.altKey) return;
		const actions: Record<string, () => void> = {
			"+": () => zoomTo(stepUp(zoom)),
			"=": () => zoomTo(stepUp(zoom)),
			"-": () => zoomTo(stepDown(zoom)),
			"0": () => zoomTo(1),
			f: fit,
			F: fit,
		};
		const action = actions[e.key];
		// Only on the region itself: a focused node link keeps its keys.
		if (action && e.target === region.current) {
			e.preventDefault();
			action();
		}
	};
	const onWheel = (e: WheelEvent) => {
		if (!e.ctrlKey) return; // a plain wheel scrolls, as everywhere
		e.preventDefault();
		zoomTo(e.deltaY < 0 ? stepUp(zoom) : stepDown(zoom), { x: e.clientX, y: e.clientY });
	};
	const onPointerDown = (e: PointerEvent) => {
		const el = region.current;
		// A press on a node link is a click on it; anywhere else it grabs the graph.
		if (!el || e.button !== 0 || (e.target as Element).closest("a")) return;
		drag.current = { x: e.clientX, y: e.clientY, left: el.scrollLeft, top: el.scrollTop };
		el.setPointerCapture(e.pointerId);
	};
	const onPointerMove = (e: PointerEvent) => {
		const el = region.current;
		const d = drag.current;
		if (!el || !d) return;
		el.scrollLeft = d.left - (e.clientX - d.x);
		el.scrollTop = d.top - (e.clientY - d.y);
	};
	const endDrag = () => {
		drag.current = null;
	};

	return (
		<div class="graph-viewport">
			<fieldset class="graph-tools">
				<legend class="visually-hidden">Zoom, {label}</legend>
				<button type="button" onClick={() => zoomTo(stepDown(zoom))} disabled={zoom <= MIN}>
					Zoom out
				</button>
				<output aria-live="polite" aria-label="Zoom level">
					{Math.round(zoom * 100)} %
				</output>
				<button type="button" onClick={() => zoomTo(stepUp(zoom))} disabled={zoom >= MAX}>
					Zoom in
				</button>
				<button type="button" onClick={fit}>
					Fit
				</button>
				<button type="button" onClick={() => zoomTo(1)} disabled={zoom === 1}>
					Actual size
				</button>
			</fieldset>
			<section
				ref={region}
				class="graph-scroll"
				// biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling box must be reachable by keyboard to scroll it (WCAG 2.1.1)
				tabIndex={0}
				aria-label={label}
				aria-describedby={keysHelp}
				onKeyDown={onKeyDown}
				onWheel={onWheel}
				onPointerDown={onPointerDown}
				onPointerMove={onPointerMove}
				onPointerUp={endDrag}
				onPointerCancel={endDrag}
			>
				<svg
					class="graph"
					viewBox={`0 0 ${width} ${height}`}
					width={Math.round(width * zoom)}
					height={Math.round(height * zoom)}
					aria-label={label}
				>
					{children}
				</svg>
			</section>
			<p id={keysHelp} class="help">
				Drag the graph or use the arrow keys to move it; + and − zoom, 0 is actual size, F fits the
				width.
			</p>
		</div>
	);
}
