import { instrumentFetch } from '@bytemeter/core/fetch';
import { huggingface } from '@bytemeter/core/presets';
import type { UsageEvent } from '@bytemeter/tracker';
import { deleteFile, downloadFile, modelInfo, uploadFiles } from '@huggingface/hub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HubStandIn, startHubStandIn } from '../support/hub-stand-in.js';
import { eventsOf, MODES, openSink, type Sink } from '../support/sink.js';

// The real @huggingface/hub client (given the instrumented fetch) against a LOCAL STAND-IN for the Hub
// routes it calls (../support/hub-stand-in.ts), with a second local server as the storage host the LFS
// batch hands upload URLs on. The Hub cannot be reached from this machine. Run into both trackers.
describe.each(MODES)('the huggingface preset, recording into a %s tracker', (mode) => {
  const REPO = 'bytemeter/tiny-model';
  const accessToken = 'hf_bytemeter_test_token';
  let hub: HubStandIn;
  let sink: Sink;
  let hfFetch: typeof fetch;
  const config = new TextEncoder().encode(JSON.stringify({ model_type: 'tiny', hidden_size: 8 }));
  const weights = new Uint8Array(256 * 1024).map((_, i) => (i * 31) % 256);

  beforeAll(async () => {
    hub = await startHubStandIn();
    sink = await openSink(mode);
    hfFetch = instrumentFetch({
      presets: [huggingface({ hubUrl: hub.hubUrl, backend: 'hf' })],
      tracker: sink.recorder,
    });
  });

  afterAll(async () => {
    await hub?.close();
    await sink?.dispose();
  });

  let seen = 0;
  async function newEvents(): Promise<UsageEvent[]> {
    const all = await eventsOf(sink, 'hf');
    const out = all.slice(seen);
    seen = all.length;
    return out;
  }
  const op = (e: UsageEvent) => (e.metadata as { operation?: string } | null)?.operation;

  it('an upload: preupload, LFS batch, the LFS PUT to the storage host, the commit adding both files as storage', async () => {
    await uploadFiles({
      repo: REPO,
      accessToken,
      hubUrl: hub.hubUrl,
      fetch: hfFetch,
      files: [
        { path: 'config.json', content: new Blob([config]) },
        { path: 'model.bin', content: new Blob([weights]) },
      ],
    });
    expect(hub.files.get(`${REPO}/model.bin`)?.byteLength).toBe(weights.byteLength);
    const events = await newEvents();
    const calls = events.filter((e) => e.resourceType === 'api_calls');
    expect(calls.map((e) => [op(e), e.path, e.success])).toEqual([
      ['preupload', REPO, true],
      ['lfs-batch', REPO, true],
      ['lfs-upload', REPO, true],
      ['commit', REPO, true],
    ]);
    const upload = events.filter((e) => e.resourceType === 'bandwidth_upload');
    expect(upload[2]!.amount).toBe(weights.byteLength); // the LFS PUT carries the file itself
    expect(events.filter((e) => e.resourceType === 'storage_used').map((e) => [e.amount, e.path])).toEqual([
      [config.byteLength, `${REPO}/config.json`],
      [weights.byteLength, `${REPO}/model.bin`],
    ]);
    expect(calls[3]!.metadata).toMatchObject({ repoType: 'model', repo: REPO, files: 2, method: 'POST', status: 200 });
  });

  it('a download: the size probe is file-info, the file itself a download with repo/file as the path', async () => {
    const blob = await downloadFile({ repo: REPO, path: 'model.bin', hubUrl: hub.hubUrl, fetch: hfFetch, accessToken });
    const bytes = new Uint8Array(await blob!.arrayBuffer());
    expect(Buffer.from(bytes).equals(Buffer.from(weights))).toBe(true);
    const events = await newEvents();
    expect(events.map((e) => [e.resourceType, e.amount, op(e), e.path])).toEqual([
      ['bandwidth_download', 1, undefined, `${REPO}/model.bin`],
      ['api_calls', 1, 'file-info', `${REPO}/model.bin`],
      ['bandwidth_download', weights.byteLength, undefined, `${REPO}/model.bin`],
      ['api_calls', 1, 'download', `${REPO}/model.bin`],
    ]);
  });

  it('metadata calls are named; a missing file is a failed call while the client answers null', async () => {
    const info = await modelInfo({ name: REPO, hubUrl: hub.hubUrl, fetch: hfFetch, accessToken });
    expect(info.name).toBe(REPO);
    const none = await downloadFile({ repo: REPO, path: 'nope.bin', hubUrl: hub.hubUrl, fetch: hfFetch, accessToken });
    expect(none).toBeNull();
    const calls = (await newEvents()).filter((e) => e.resourceType === 'api_calls');
    expect(calls.map((e) => [op(e), e.path, e.success])).toEqual([
      ['repo-info', REPO, true],
      ['file-info', `${REPO}/nope.bin`, false],
    ]);
    expect(calls[1]!.metadata).toMatchObject({ status: 404, method: 'GET' });
  });

  it('a deletion is a commit counted in metadata.deleted, with no storage change (its size is not in the commit)', async () => {
    await deleteFile({ repo: REPO, path: 'config.json', hubUrl: hub.hubUrl, fetch: hfFetch, accessToken });
    expect(hub.files.has(`${REPO}/config.json`)).toBe(false);
    const events = await newEvents();
    expect(events.some((e) => e.resourceType === 'storage_used')).toBe(false);
    const commit = events.find((e) => op(e) === 'commit');
    expect(commit?.metadata).toMatchObject({ files: 0, deleted: 1 });
    const backend = (await (await sink.settled()).getBackends()).find((b) => b.name === 'hf');
    expect(backend?.type).toBe('huggingface');
    expect(sink.refused).toEqual([]);
  });
});
