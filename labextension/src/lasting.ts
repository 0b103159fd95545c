/**
 * Outputs that outlive the kernel. code2video's cards, panel and picture board are widgets whose
 * output bundle also carries a static rendering in `text/html`, marked with the class `c2v-static`
 * (the diff, the keyframe, what to run). JupyterLab prefers the widget view whenever the widget
 * manager is there and, when the widget's model is gone (a reload without saved widget state, a
 * restarted kernel), shows "Error displaying widget: model not found" instead of falling back to
 * another entry of the bundle (nbconvert's HTML export does fall back).
 *
 * So the widget-view renderers of a notebook are wrapped: for a bundle with a static rendering,
 * that is shown until the live view appears, and again when the live view goes away (the kernel
 * restarted and its models closed). Bundles without one render exactly as before. The wrap is on
 * the notebook's own rendermime registry (`createRenderer`), so it holds whichever widget manager
 * registers its factory there, and whenever it does.
 */

import { NotebookPanel } from '@jupyterlab/notebook';
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Panel } from '@lumino/widgets';

import { WIDGET_VIEW, hasStatic } from './protocol';

interface RendererSource {
  createRenderer(mimeType: string): IRenderMime.IRenderer;
}

const wrapped = new WeakSet<object>();

/** Wrap the widget-view renderers of `panel`'s notebook (once per registry). */
export function keepStaticRenderings(panel: NotebookPanel): void {
  const registry = panel.content.rendermime as unknown as RendererSource;
  if (wrapped.has(registry)) {
    return;
  }
  wrapped.add(registry);
  const create = registry.createRenderer.bind(registry);
  registry.createRenderer = (mimeType: string) => {
    const renderer = create(mimeType);
    return mimeType === WIDGET_VIEW ? new LastingRenderer(renderer, () => create('text/html')) : renderer;
  };
}

/** The live widget view, with the static rendering shown instead while there is no live view. */
class LastingRenderer extends Panel implements IRenderMime.IRenderer {
  private fallback: IRenderMime.IRenderer | null = null;
  private observer: MutationObserver | null = null;

  constructor(private readonly live: IRenderMime.IRenderer, private readonly makeStatic: () => IRenderMime.IRenderer) {
    super();
    this.addClass('c2v-Lasting');
    this.addWidget(live);
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    if (hasStatic(model.data as { [mime: string]: unknown })) {
      if (this.fallback === null) {
        this.fallback = this.makeStatic();
        this.addWidget(this.fallback);  // after the live view: text found in both is found in the live one first
        // The live renderer shows text ("Loading widget...", "Error displaying widget: ...") until
        // a view is added to it as an element; the view is removed when its model closes.
        this.observer = new MutationObserver(() => this.showLiveIfThere());
        this.observer.observe(this.live.node, { childList: true });
      }
      await this.fallback.renderModel(model);  // again on an update: the deck's cards were decided
      this.showLiveIfThere();
    }
    await this.live.renderModel(model);
    this.showLiveIfThere();
  }

  private showLiveIfThere(): void {
    if (this.fallback === null) {
      return;
    }
    const alive = this.live.node.children.length > 0;
    this.fallback.setHidden(alive);
    this.live.setHidden(!alive);
  }

  dispose(): void {
    this.observer?.disconnect();
    super.dispose();
  }
}
