import { ValidationError } from '../errors.js';
import { filecoin } from './filecoin.js';
import { gateway } from './gateway.js';
import { huggingface } from './huggingface.js';
import { kubo } from './kubo.js';
import type { FetchPreset } from './preset.js';
import { storacha } from './storacha.js';

/** The presets `instrumentFetch` knows by name, each with its defaults. */
export const PRESET_NAMES = ['kubo', 'gateway', 'huggingface', 'storacha', 'filecoin'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

const FACTORIES: Record<PresetName, () => FetchPreset> = { kubo, gateway, huggingface, storacha, filecoin };

/**
 * A preset given by name (with its defaults) or already configured; anything else is a typed error.
 * @example resolvePreset('kubo').backend // 'kubo'
 */
export function resolvePreset(preset: PresetName | FetchPreset): FetchPreset {
  if (typeof preset === 'string') {
    const make = Object.hasOwn(FACTORIES, preset) ? FACTORIES[preset] : undefined;
    if (make) return make();
  } else if (
    preset &&
    typeof preset === 'object' &&
    typeof preset.matches === 'function' &&
    typeof preset.describe === 'function'
  ) {
    return preset;
  }
  throw new ValidationError(
    'INVALID_OPTION',
    `Unknown fetch preset ${JSON.stringify(String(preset))}: use one of ${PRESET_NAMES.join(', ')} or a configured preset (kubo({ url }), lassie({ url }), …).`,
  );
}
