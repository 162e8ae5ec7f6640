// One observation as what the page shows and the snapshot writes: the view model and its SVG.
import type { Observation } from '../nats/observation.js';
import { layoutPicture } from './layout.js';
import { renderSvg } from './svg.js';
import { type TopologyView, viewModel } from './view-model.js';

export interface Frame {
  view: TopologyView;
  svg: string;
}

/** `header: false` for the page, which shows the verdict and problems as text above the picture. */
export async function frameOf(o: Observation, opts: { header?: boolean } = {}): Promise<Frame> {
  const view = viewModel(o);
  return { view, svg: renderSvg(await layoutPicture(view), view, opts) };
}
