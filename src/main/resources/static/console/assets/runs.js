// Live progress of the run in progress, and a reload whenever the history on the page is out of
// date (a run started, finished or failed since the page was rendered).
(function () {
  const box = document.getElementById('progress');
  const idle = document.getElementById('idle');
  const table = document.getElementById('runs');
  const shownId = table.dataset.latestId || '';
  const shownStatus = table.dataset.latestStatus || '';
  const set = (id, text) => { document.getElementById(id).textContent = text; };
  async function poll() {
    try {
      const answer = await fetch('/console/runs/progress', { headers: { 'Accept': 'application/json' }, credentials: 'same-origin' });
      if (answer.ok) {
        const state = await answer.json();
        const p = state.progress;
        if (state.running && p) {
          box.hidden = false; idle.hidden = true;
          set('progress-run', p.id); set('progress-stage', p.stage); set('progress-step', p.step || '');
          set('progress-done', p.done); set('progress-total', p.total); set('progress-records', p.recordsPulled);
          document.getElementById('progress-bar').style.width = (p.total ? Math.round(100 * p.done / p.total) : 0) + '%';
        } else {
          box.hidden = true; idle.hidden = false;
        }
        if ((state.latestId || '') !== shownId || (state.latestStatus || '') !== shownStatus) {
          window.location.reload();
          return;
        }
      }
    } catch (e) { /* the next poll tries again */ }
    setTimeout(poll, 700);
  }
  poll();
})();
