/**
 * The message handling, pure: it sees a notebook only through `NotebookLike`, so it runs in
 * Node's test runner against a fake (test/handler.test.ts) as well as in JupyterLab (comm.ts
 * adapts a NotebookPanel's shared model).
 */

import {
  CellSpec, InsertCells, Ready, ReplaceSource, Reply, SectionMeta, parseIncoming, sectionMeta
} from './protocol';

/** A cell as the handler sees it. */
export interface CellLike {
  id: string;
  source: string;
  metadata: { [key: string]: unknown };
}

/** The few notebook operations the handler needs (one JupyterLab shared model, or a fake). */
export interface NotebookLike {
  /** Every cell, in notebook order. */
  cells(): CellLike[];
  /** Insert code cells at `index`; returns their new ids, in order. */
  insertCells(index: number, cells: CellSpec[]): string[];
  /** Delete `count` cells starting at `index`. */
  deleteCells(index: number, count: number): void;
  setSource(index: number, source: string): void;
  /** Run the code cell at `index` as Shift+Enter would (its outputs are replaced); not awaited. */
  run(index: number): void;
  /** Run `fn` as one undoable change. */
  transact(fn: () => void): void;
}

export const SECTION_MAGIC = '%%c2v_section';

/**
 * `{lecture, section}` of a section cell: its `code2video` metadata, or else its first line
 * (`%%c2v_section <lecture>/<section>`: cells that came through IPython's set_next_input carry
 * no metadata).
 */
export function sectionOf(cell: CellLike): SectionMeta | null {
  const meta = sectionMeta(cell.metadata);
  if (meta) {
    return meta;
  }
  const first = cell.source.split('\n', 1)[0].trim();
  if (!first.startsWith(SECTION_MAGIC + ' ')) {
    return null;
  }
  const target = first.slice(SECTION_MAGIC.length).trim().split(/\s+/)[0] ?? '';
  const slash = target.lastIndexOf('/');
  if (slash <= 0 || slash === target.length - 1) {
    return null;
  }
  return { lecture: target.slice(0, slash), section: target.slice(slash + 1) };
}

export function findCellById(nb: NotebookLike, id: string): number {
  return nb.cells().findIndex(cell => cell.id === id);
}

/** Indices of the cells holding section `section` of `lecture`, in notebook order. */
export function findSectionCells(nb: NotebookLike, lecture: string, section: string): number[] {
  const found: number[] = [];
  nb.cells().forEach((cell, index) => {
    const meta = sectionOf(cell);
    if (meta && meta.lecture === lecture && meta.section === section) {
      found.push(index);
    }
  });
  return found;
}

/** The lecture the new cells belong to (their first `code2video` metadata), or null. */
function lectureOf(cells: CellSpec[]): string | null {
  for (const cell of cells) {
    const meta = sectionMeta(cell.metadata);
    if (meta) {
      return meta.lecture;
    }
  }
  return null;
}

/**
 * `insert_cells`: the cells go right below the magic's cell. An earlier run of the same magic
 * is recognised as the unbroken run of cells directly below the magic's cell that are section
 * cells of the new cells' lecture (`code2video.lecture` metadata, or the `%%c2v_section` line):
 * those are replaced, so re-running the magic never adds a second set. Section cells of that lecture elsewhere (moved by the
 * user, or after a cell of theirs) are left alone.
 */
export function insertCells(nb: NotebookLike, request: InsertCells): Reply {
  const reply = { request_id: request.request_id };
  if (!request.after_cell_id) {
    return { ...reply, op: 'error', message: 'the request names no cell to insert below (after_cell_id)' };
  }
  const at = findCellById(nb, request.after_cell_id);
  if (at < 0) {
    return {
      ...reply, op: 'error',
      message: `the cell that ran the magic (${request.after_cell_id}) is no longer in this notebook`
    };
  }
  const lecture = lectureOf(request.cells);
  const cells = nb.cells();
  let earlier = 0;
  if (lecture !== null) {
    while (at + 1 + earlier < cells.length && sectionOf(cells[at + 1 + earlier])?.lecture === lecture) {
      earlier++;
    }
  }
  let ids: string[] = [];
  nb.transact(() => {
    if (earlier > 0) {
      nb.deleteCells(at + 1, earlier);
    }
    ids = nb.insertCells(at + 1, request.cells);
  });
  return { ...reply, op: 'ok', cell_ids: ids, replaced: earlier };
}

/**
 * `replace_source`: the section cell found by its metadata (or its magic line) takes `source`
 * only if it still holds `expected_source`; otherwise `conflict` (with what the cell holds) and the
 * user's text stays. With `run`, the cell then runs: its outputs become the preview of `source`,
 * and JupyterLab's "edited since it ran" mark does not stay on it.
 * Several cells of that section (a copy): the one holding `expected_source` is changed.
 */
export function replaceSource(nb: NotebookLike, request: ReplaceSource): Reply {
  const reply = { request_id: request.request_id };
  const found = findSectionCells(nb, request.lecture, request.section);
  const where = `section ${request.section} of ${request.lecture}`;
  if (found.length === 0) {
    return { ...reply, op: 'error', message: `no cell of ${where} in this notebook` };
  }
  const cells = nb.cells();
  const index = found.find(i => sameText(cells[i].source, request.expected_source));
  if (index === undefined) {
    return {
      ...reply, op: 'conflict', message: `the cell of ${where} was edited since it ran; it was left as it is`,
      current_source: cells[found[0]].source
    };
  }
  if (cells[index].source !== request.source) {
    nb.setSource(index, request.source);
  }
  if (request.run) {
    nb.run(index);
  }
  return { ...reply, op: 'ok' };
}

/**
 * The kernel sees a cell's text as IPython ran it, which ends in a newline even when the cell's
 * own text does not: only trailing newlines may differ, so that is not taken for an edit.
 */
function sameText(cell: string, ran: string): boolean {
  return cell.replace(/\n+$/, '') === ran.replace(/\n+$/, '');
}

/**
 * One incoming message → what to send back, or null to stay silent: a message for another
 * tab (its `client` is not `clientId`: a hello or a request) is left to that tab, and its comm
 * is not closed. A message without a client (an older kernel) is answered.
 */
export function handleMessage(nb: NotebookLike | null, data: unknown, clientId: string, version: string):
  Ready | Reply | null {
  const message = parseIncoming(data);
  if (message.op === 'invalid') {
    return message.request_id === null ? null
      : { op: 'error', request_id: message.request_id, message: message.message };
  }
  if (message.client !== null && message.client !== clientId) {
    return null;
  }
  if (message.op === 'hello') {
    return { op: 'ready', version };
  }
  if (nb === null) {
    return { op: 'error', request_id: message.request_id, message: 'the notebook is not loaded' };
  }
  try {
    return message.op === 'insert_cells' ? insertCells(nb, message) : replaceSource(nb, message);
  } catch (error) {
    return { op: 'error', request_id: message.request_id, message: String((error as Error)?.message ?? error) };
  }
}

/**
 * The section cells "Render all sections" runs: those of the active cell's lecture (else of the
 * first lecture in the notebook), in notebook order. Null when the notebook holds none.
 */
export function sectionsToRender(cells: CellLike[], activeIndex: number): { lecture: string; indices: number[] } | null {
  const metas = cells.map(sectionOf);
  const active = activeIndex >= 0 && activeIndex < metas.length ? metas[activeIndex] : null;
  const lecture = active?.lecture ?? metas.find(m => m !== null)?.lecture;
  if (lecture === undefined) {
    return null;
  }
  const indices: number[] = [];
  metas.forEach((m, i) => {
    if (m && m.lecture === lecture) {
      indices.push(i);
    }
  });
  return { lecture, indices };
}

/** The Render-all button's label. */
export function renderLabel(done: number, total: number, running: boolean): string {
  if (running) {
    return `Rendering ${Math.min(done + 1, total)}/${total}…`;
  }
  return 'Render all sections';
}
