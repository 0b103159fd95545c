/**
 * The `code2video` comm target on the kernel of every notebook panel: registered when the panel
 * gets a kernel connection and again whenever it changes (a new kernel, a new session); a
 * restart keeps the connection and its registered targets.
 */

import { CodeCell } from '@jupyterlab/cells';
import { NotebookPanel } from '@jupyterlab/notebook';
import { Kernel } from '@jupyterlab/services';
import { JSONObject } from '@lumino/coreutils';

import { CellLike, NotebookLike, handleMessage } from './handler';
import { CellSpec, TARGET } from './protocol';
import { VERSION } from './version';

/** A notebook panel's shared model as a `NotebookLike`. */
export function notebookOf(panel: NotebookPanel): NotebookLike | null {
  const model = panel.content.model;
  if (!model) {
    return null;
  }
  const shared = model.sharedModel;
  return {
    cells: (): CellLike[] => shared.cells.map(cell => ({
      id: cell.getId(), source: cell.getSource(), metadata: cell.getMetadata() as { [key: string]: unknown }
    })),
    insertCells: (index: number, cells: CellSpec[]): string[] => shared.insertCells(index, cells.map(cell => ({
      cell_type: 'code' as const, source: cell.source, metadata: cell.metadata as any,
      outputs: (cell.outputs ?? []) as any
    }))).map(cell => cell.getId()),
    deleteCells: (index: number, count: number) => shared.deleteCellRange(index, index + count),
    setSource: (index: number, source: string) => shared.getCell(index).setSource(source),
    run: (index: number) => {
      const cell = panel.content.widgets[index];
      if (cell instanceof CodeCell) {
        void CodeCell.execute(cell, panel.sessionContext, { deletedCells: [], recordTiming: false });
      }
    },
    transact: (fn: () => void) => shared.transact(fn)
  };
}

const attached = new WeakSet<Kernel.IKernelConnection>();

function attach(panel: NotebookPanel, kernel: Kernel.IKernelConnection | null | undefined): void {
  if (!kernel || attached.has(kernel)) {
    return;
  }
  attached.add(kernel);
  kernel.registerCommTarget(TARGET, (comm, open) => {
    const respond = (data: unknown) => {
      let answer;
      try {
        answer = handleMessage(notebookOf(panel), data, kernel.clientId, VERSION);
      } catch (error) {
        console.error('code2video: handling a kernel message failed', error);
        return;
      }
      if (answer && !comm.isDisposed) {
        comm.send(answer as unknown as JSONObject);
      }
    };
    comm.onMsg = msg => respond(msg.content.data);
    respond(open.content.data);
  });
}

/** Answer the kernel's `code2video` comms in this panel, on its kernel now and on later ones. */
export function connectPanel(panel: NotebookPanel): void {
  attach(panel, panel.sessionContext.session?.kernel);
  panel.sessionContext.kernelChanged.connect((_, change) => attach(panel, change.newValue));
}
