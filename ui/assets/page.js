// The page's only script: listen to /events and redraw. Text goes in with textContent; the SVG
// comes from our own server, drawn from escaped names.
const $ = (id) => document.getElementById(id);

function show(frame) {
  const { view, svg } = frame;
  const verdict = $('verdict');
  verdict.textContent = view.verdict;
  verdict.className = view.ok ? 'ok' : 'bad';
  const list = $('problems');
  list.replaceChildren(
    ...view.problems.map((p) => {
      const li = document.createElement('li');
      if (!p.details.length) {
        li.textContent = p.summary;
        return li;
      }
      // The findings behind a cause, folded (status shows them with --verbose).
      const details = document.createElement('details');
      const summary = document.createElement('summary');
      summary.textContent = p.summary;
      const more = document.createElement('ul');
      more.append(
        ...p.details.map((d) => {
          const item = document.createElement('li');
          item.textContent = d;
          return item;
        }),
      );
      details.append(summary, more);
      li.append(details);
      return li;
    }),
  );
  $('picture').innerHTML = svg;
  $('connection').textContent =
    `live: ${view.servers.up}/${view.servers.total} servers answer · observed ${new Date(view.at).toLocaleTimeString()}`;
  $('connection').className = 'muted';
  document.body.dataset.ok = String(view.ok);
}

const events = new EventSource('/events');
events.addEventListener('observation', (e) => show(JSON.parse(e.data)));
events.addEventListener('error', () => {
  $('connection').textContent = 'disconnected from the page server; retrying…';
  $('connection').className = 'bad';
});
