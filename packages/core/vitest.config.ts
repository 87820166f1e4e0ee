import '../../scripts/require-node.mjs';
import { defineConfig } from 'vitest/config';

export default defineConfig({});
