// Segment sizes over time (one line per segment, one point per successful run).
(function () {
  const data = JSON.parse(document.getElementById('size-history').textContent);
  const palette = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#0891b2', '#be185d', '#4b5563'];
  const datasets = Object.entries(data.series).map(([id, values], i) => ({
    label: id, data: values, borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length], tension: 0.2, spanGaps: true
  }));
  new Chart(document.getElementById('size-chart'), {
    type: 'line', data: { labels: data.labels, datasets: datasets },
    options: { animation: false, plugins: { legend: { position: 'bottom' } }, scales: { y: { beginAtZero: true } } }
  });
})();
