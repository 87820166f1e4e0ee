import { describe, expect, it } from 'vitest';
import { UnsupportedNodeError } from '../src/index.js';
import { assertSupportedNode, MIN_NODE_MAJOR } from '../src/runtime/require-node.js';

describe('the Node.js version check', () => {
  it('refuses Node 20 with a typed error that names both versions', () => {
    let thrown: unknown;
    try {
      assertSupportedNode('20.20.2');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UnsupportedNodeError);
    const error = thrown as UnsupportedNodeError;
    expect(error.code).toBe('UNSUPPORTED_NODE');
    expect(error.running).toBe('20.20.2');
    expect(error.minimumMajor).toBe(22);
    expect(error.message).toContain('Node.js 22 or newer');
  });

  it('accepts 22 and 24, and the Node running this test', () => {
    expect(MIN_NODE_MAJOR).toBe(22);
    expect(() => assertSupportedNode('22.13.0')).not.toThrow();
    expect(() => assertSupportedNode('24.22.3')).not.toThrow();
    expect(() => assertSupportedNode()).not.toThrow();
  });

  it('refuses a version string it cannot read rather than letting it through', () => {
    expect(() => assertSupportedNode('garbage')).toThrow(UnsupportedNodeError);
  });
});
