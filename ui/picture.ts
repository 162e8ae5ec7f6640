// One observation as what the page shows and the snapshot writes: the view model and its SVG.
import type { Observation } from '../nats/observation.js';
import { layoutPicture } from './layout.js';
import { renderSvg } from './svg.js';
import { type TopologyView, viewModel } from './view-model.js';

export interface Frame {
  view: TopologyView;
  svg: string;
}

export async function frameOf(o: Observation): Promise<Frame> {
  const view = viewModel(o);
  return { view, svg: renderSvg(await layoutPicture(view), view) };
}
