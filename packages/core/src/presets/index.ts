// @bytemeter/core/presets: backends bytemeter knows, for instrumentFetch({ presets: [...] }) from /fetch.

export { type FilecoinPresetOptions, filecoin } from './filecoin.js';
export { type GatewayPresetOptions, gateway, lassie } from './gateway.js';
export { type HuggingFacePresetOptions, huggingface } from './huggingface.js';
export { type KuboPresetOptions, kubo } from './kubo.js';
export type {
  FetchPreset,
  PresetCall,
  PresetContext,
  PresetOptions,
  PresetRequest,
  StorageChange,
} from './preset.js';
export { PRESET_NAMES, type PresetName } from './resolve.js';
export { type StorachaPresetOptions, storacha } from './storacha.js';
