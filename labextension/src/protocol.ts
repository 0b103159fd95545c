/**
 * Messages of the `code2video` comm, mirroring code2video_nb/notebook/bridge.py's TypedDicts.
 *
 * The kernel opens a fresh comm per message; the comm's open data is the message itself.
 * `hello` is answered with `ready`; every request is answered with a `Reply` carrying its
 * `request_id`, after which the kernel closes the comm.
 */

export const TARGET = 'code2video';
export const PROTOCOL = 1;

/** Metadata key of section cells: `{code2video: {lecture, section}}` (bridge's cells.cell_metadata). */
export const METADATA_KEY = 'code2video';

export interface Hello {
  op: 'hello';
  protocol: number;
  /** Session of the tab that ran `%load_ext`: only that tab answers (absent from older kernels). */
  client: string | null;
}

export interface Ready {
  op: 'ready';
  version: string;
}

export interface CellSpec {
  source: string;
  metadata: { [key: string]: unknown };
  /** nbformat outputs the cell shows at once (a section's preview, already rendered). */
  outputs?: unknown[];
}

export interface InsertCells {
  op: 'insert_cells';
  request_id: string;
  /** Session (KernelConnection.clientId) of the tab that ran the cell: only that tab acts. */
  client: string | null;
  /** Id of the cell that ran the magic. */
  after_cell_id: string | null;
  cells: CellSpec[];
}

export interface ReplaceSource {
  op: 'replace_source';
  request_id: string;
  client: string | null;
  lecture: string;
  section: string;
  source: string;
  expected_source: string;
  /** Run the cell once it holds `source` (an accepted suggestion: its outputs become the new preview). */
  run: boolean;
}

export type Request = InsertCells | ReplaceSource;
export type Incoming = Hello | Request;

export interface Reply {
  op: 'ok' | 'conflict' | 'error';
  request_id: string;
  /** `ok` to insert_cells: the new cells' ids, in order. */
  cell_ids?: string[];
  /** `ok` to insert_cells: how many cells of an earlier run of the magic they replaced. */
  replaced?: number;
  /** `conflict` / `error`: why. */
  message?: string;
  /** `conflict` to replace_source: what the cell holds now (the user's edit), so the kernel can offer both. */
  current_source?: string;
}

/** The `code2video` metadata of a section cell. */
export interface SectionMeta {
  lecture: string;
  section: string;
}

/** `{lecture, section}` from a cell's metadata, or null when it is not a section cell. */
export function sectionMeta(metadata: unknown): SectionMeta | null {
  if (!metadata || typeof metadata !== 'object') {
    return null;
  }
  const value = (metadata as { [key: string]: unknown })[METADATA_KEY];
  if (!value || typeof value !== 'object') {
    return null;
  }
  const { lecture, section } = value as { [key: string]: unknown };
  if (typeof lecture !== 'string' || typeof section !== 'string') {
    return null;
  }
  return { lecture, section };
}

/** An incoming message, checked: what the kernel sent is data, not trusted. */
export function parseIncoming(data: unknown): Incoming | { op: 'invalid'; request_id: string | null; message: string } {
  const invalid = (message: string) => ({
    op: 'invalid' as const,
    request_id: data && typeof data === 'object' && typeof (data as any).request_id === 'string'
      ? ((data as any).request_id as string) : null,
    message
  });
  if (!data || typeof data !== 'object') {
    return invalid('the message is not an object');
  }
  const d = data as { [key: string]: unknown };
  const str = (key: string) => typeof d[key] === 'string';
  const strOrNull = (key: string) => d[key] === undefined || d[key] === null || typeof d[key] === 'string';
  switch (d.op) {
    case 'hello':
      return {
        op: 'hello', protocol: typeof d.protocol === 'number' ? d.protocol : PROTOCOL,
        client: typeof d.client === 'string' ? d.client : null
      };
    case 'insert_cells': {
      if (!str('request_id') || !strOrNull('client') || !strOrNull('after_cell_id') || !Array.isArray(d.cells)) {
        return invalid('insert_cells needs request_id, after_cell_id and cells');
      }
      const cells: CellSpec[] = [];
      for (const cell of d.cells as unknown[]) {
        const c = cell as { [key: string]: unknown } | null;
        if (!c || typeof c !== 'object' || typeof c.source !== 'string') {
          return invalid('every cell needs a source');
        }
        const metadata = c.metadata && typeof c.metadata === 'object' && !Array.isArray(c.metadata)
          ? (c.metadata as { [key: string]: unknown }) : {};
        const outputs = Array.isArray(c.outputs)
          ? (c.outputs as unknown[]).filter(o => o !== null && typeof o === 'object' && !Array.isArray(o))
          : [];
        cells.push({ source: c.source, metadata, outputs });
      }
      return {
        op: 'insert_cells', request_id: d.request_id as string, client: (d.client as string) ?? null,
        after_cell_id: (d.after_cell_id as string) ?? null, cells
      };
    }
    case 'replace_source': {
      if (!str('request_id') || !strOrNull('client') || !str('lecture') || !str('section') || !str('source')
        || !str('expected_source')) {
        return invalid('replace_source needs request_id, lecture, section, source and expected_source');
      }
      return {
        op: 'replace_source', request_id: d.request_id as string, client: (d.client as string) ?? null,
        lecture: d.lecture as string, section: d.section as string, source: d.source as string,
        expected_source: d.expected_source as string, run: d.run === true
      };
    }
    default:
      return invalid(`unknown op ${JSON.stringify(d.op)}`);
  }
}

/** The widget view's mimetype in an output bundle. */
export const WIDGET_VIEW = 'application/vnd.jupyter.widget-view+json';
/** The class of the static rendering the kernel puts beside a widget (notebook/lasting.py's STATIC_CLASS). */
export const STATIC_MARK = 'c2v-static';

/** Whether an output bundle carries code2video's static rendering beside its widget view. */
export function hasStatic(data: { [mime: string]: unknown }): boolean {
  const html = data['text/html'];
  const text = Array.isArray(html) ? html.join('') : html;
  return data[WIDGET_VIEW] !== undefined && typeof text === 'string' && text.includes(STATIC_MARK);
}
