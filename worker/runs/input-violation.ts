/** One reason a run's inputs (or an input form) were refused, as it reaches the caller's `errors[]`. */
export interface InputViolation {
	/** RFC 6901 pointer into the inputs ("" is the inputs as a whole). */
	pointer: string;
	message: string;
}
