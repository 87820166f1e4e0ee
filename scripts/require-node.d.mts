// A side-effect module (see require-node.mjs): importing it exits on Node older than 22.
export {};
