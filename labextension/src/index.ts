/**
 * code2video-nb: the JupyterLab side of code2video_nb's `code2video` comm. This file only
 * registers; the logic is in comm.ts (comm target), handler.ts (the messages), renderAll.ts
 * (the toolbar button) and lasting.ts (cards shown as static HTML when their widget is gone).
 */

import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';

import { connectPanel } from './comm';
import { keepStaticRenderings } from './lasting';
import { addRenderAllButton } from './renderAll';

const plugin: JupyterFrontEndPlugin<void> = {
  id: 'code2video-nb:plugin',
  description: 'Section cells from %%code2video, guarded source updates, a Render-all button, cards that outlive the kernel.',
  autoStart: true,
  requires: [INotebookTracker],
  activate: (_app: JupyterFrontEnd, tracker: INotebookTracker) => {
    const setUp = (panel: NotebookPanel) => {
      keepStaticRenderings(panel);
      connectPanel(panel);
      addRenderAllButton(panel);
    };
    tracker.forEach(setUp);
    tracker.widgetAdded.connect((_, panel) => setUp(panel));
  }
};

export default plugin;
