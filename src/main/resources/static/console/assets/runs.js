// Live progress of the run in progress: polls the console's progress endpoint and reloads the
// history when the run ends.
(function () {
  const box = document.getElementById('progress');
  const idle = document.getElementById('idle');
  let wasRunning = false;
  const set = (id, text) => { document.getElementById(id).textContent = text; };
  async function poll() {
    try {
      const answer = await fetch('/console/runs/progress', { headers: { 'Accept': 'application/json' }, credentials: 'same-origin' });
      if (answer.status === 200) {
        const p = await answer.json();
        wasRunning = true;
        box.hidden = false; idle.hidden = true;
        set('progress-run', p.id); set('progress-stage', p.stage); set('progress-step', p.step || '');
        set('progress-done', p.done); set('progress-total', p.total); set('progress-records', p.recordsPulled);
        document.getElementById('progress-bar').style.width = (p.total ? Math.round(100 * p.done / p.total) : 0) + '%';
      } else if (answer.status === 204) {
        box.hidden = true; idle.hidden = false;
        if (wasRunning) { window.location.reload(); return; }
      }
    } catch (e) { /* the next poll tries again */ }
    setTimeout(poll, 700);
  }
  poll();
})();
