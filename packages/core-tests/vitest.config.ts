import '../../scripts/require-node.mjs';
import { defineConfig } from 'vitest/config';

// Each remote-mode suite starts its own API process; give it time on a busy machine.
export default defineConfig({ test: { testTimeout: 30_000, hookTimeout: 60_000 } });
