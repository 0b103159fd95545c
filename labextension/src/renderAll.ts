/**
 * "Render all sections": a toolbar button, shown on notebooks that hold section cells, that runs
 * the section cells of the lecture one after the other (as Shift+Enter would), its label
 * showing the progress ("Rendering 2/3…"). It stops at a cell whose run fails or is interrupted.
 */

import { CodeCell } from '@jupyterlab/cells';
import { NotebookPanel } from '@jupyterlab/notebook';
import { ToolbarButton } from '@jupyterlab/apputils';

import { notebookOf } from './comm';
import { renderLabel, sectionsToRender } from './handler';

export const BUTTON_CLASS = 'c2v-RenderAll';

export function addRenderAllButton(panel: NotebookPanel): ToolbarButton {
  let running = false;
  const button = new ToolbarButton({
    className: BUTTON_CLASS,
    label: renderLabel(0, 0, false),
    tooltip: 'Run every section cell of this lecture, in order',
    onClick: () => {
      if (!running) {
        running = true;
        void renderAll(panel, button).finally(() => {
          running = false;
          update();
        });
      }
    }
  });
  const update = () => {
    const nb = notebookOf(panel);
    const plan = nb ? sectionsToRender(nb.cells(), panel.content.activeCellIndex) : null;
    button.setHidden(plan === null && !running);
  };
  panel.toolbar.insertAfter('cellType', 'code2video-render-all', button)
    || panel.toolbar.addItem('code2video-render-all', button);
  void panel.context.ready.then(() => {
    update();
    panel.content.model?.contentChanged.connect(update);
  });
  update();
  return button;
}

function setLabel(button: ToolbarButton, label: string): void {
  // ToolbarButton keeps its props; re-render with the new label
  (button as any).props.label = label;
  button.update();
}

async function renderAll(panel: NotebookPanel, button: ToolbarButton): Promise<void> {
  const nb = notebookOf(panel);
  const plan = nb ? sectionsToRender(nb.cells(), panel.content.activeCellIndex) : null;
  if (!nb || !plan) {
    return;
  }
  // the cells' ids, so inserting or moving cells while rendering does not change what runs
  const ids = plan.indices.map(i => nb.cells()[i].id);
  let done = 0;
  try {
    for (const id of ids) {
      setLabel(button, renderLabel(done, ids.length, true));
      const cell = panel.content.widgets.find(w => w.model.id === id);
      if (!cell || !(cell instanceof CodeCell)) {
        continue;
      }
      panel.content.scrollToItem?.(panel.content.widgets.indexOf(cell));
      const reply = await CodeCell.execute(cell, panel.sessionContext, { deletedCells: [], recordTiming: false });
      if (!reply || reply.content.status !== 'ok') {
        break;
      }
      done++;
    }
  } finally {
    setLabel(button, renderLabel(done, ids.length, false));
    button.node.title = `Last run: ${done}/${ids.length} sections of ${plan.lecture} rendered`;
  }
}
