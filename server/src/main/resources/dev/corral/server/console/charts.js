// Line charts of the server's own samples, drawn as SVG: no library, nothing fetched.
const SVG = 'http://www.w3.org/2000/svg';

const round = (v) => Math.round(v * 100) / 100;

// `series` is one list of values, or an object of named lists drawn together on one scale (percentiles:
// p50 under p99 under max), each line with its name in the legend and in data-series.
export function drawChart(title, times, series) {
  const named = Array.isArray(series) ? { [title]: series } : series;
  const lines = Object.entries(named);
  const box = document.createElement('div');
  box.className = 'chart';
  const heading = document.createElement('h4');
  const lastOf = (values) => (values.length ? round(values[values.length - 1]) : null);
  const lasts = lines.map(([name, values]) => (lines.length > 1 ? name + ' ' : '') + lastOf(values));
  heading.textContent = title + (lastOf(lines[0][1]) === null ? ' (no sample yet)' : ': ' + lasts.join(', '));
  box.append(heading);
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 300 100');
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', title + ' over the last hour');
  if (times.length > 1) {
    const max = Math.max(...lines.flatMap(([, values]) => values), 1e-9);
    const t0 = times[0];
    const span = Math.max(times[times.length - 1] - t0, 1);
    lines.forEach(([name, values], index) => {
      const points = values.map((v, i) => ((times[i] - t0) / span * 300).toFixed(1) + ',' + (98 - v / max * 94).toFixed(1));
      const line = document.createElementNS(SVG, 'polyline');
      line.setAttribute('points', points.join(' '));
      line.setAttribute('class', 'series-' + index);
      line.dataset.series = name;
      svg.append(line);
    });
    const label = document.createElementNS(SVG, 'text');
    label.setAttribute('x', '2');
    label.setAttribute('y', '10');
    label.setAttribute('font-size', '9');
    label.setAttribute('fill', '#687080');
    label.textContent = 'max ' + round(max);
    svg.append(label);
  }
  box.append(svg);
  if (lines.length > 1) {
    const legend = document.createElement('p');
    legend.className = 'legend';
    lines.forEach(([name], index) => {
      const key = document.createElement('span');
      key.className = 'series-' + index;
      key.textContent = name;
      legend.append(key);
    });
    box.append(legend);
  }
  return box;
}
