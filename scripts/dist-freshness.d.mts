export declare function staleDistReason(packageDir: string): string | null;
export declare function assertFreshDist(root: string, packageDirs: readonly string[]): void;
