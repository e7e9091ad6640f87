/** Types of generate-client.mjs for the TypeScript tests that import it. */
export declare const generatedDir: string;
/** Every generated file's name and expected content, from the app as it is now. */
export declare function generatedFiles(): Promise<Record<string, string>>;
