export declare const stampPath: (root: string) => string;
export declare function sourceFingerprint(root: string, env?: NodeJS.ProcessEnv): string;
export declare function buildOutputs(root: string): string[];
export declare function isBuildFresh(root: string, fingerprint: string): boolean;
export declare function recordBuild(root: string, fingerprint: string): void;
export declare function forgetBuild(root: string): void;
