// Line charts of the server's own samples, drawn as SVG: no library, nothing fetched.
const SVG = 'http://www.w3.org/2000/svg';

export function drawChart(title, times, values) {
  const box = document.createElement('div');
  box.className = 'chart';
  const heading = document.createElement('h4');
  const last = values.length ? values[values.length - 1] : null;
  heading.textContent = title + (last === null ? ' (no sample yet)' : ': ' + (Math.round(last * 100) / 100));
  box.append(heading);
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 300 100');
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', title + ' over the last hour');
  if (values.length > 1) {
    const max = Math.max(...values, 1e-9);
    const t0 = times[0];
    const span = Math.max(times[times.length - 1] - t0, 1);
    const points = values.map((v, i) => ((times[i] - t0) / span * 300).toFixed(1) + ',' + (98 - v / max * 94).toFixed(1));
    const line = document.createElementNS(SVG, 'polyline');
    line.setAttribute('points', points.join(' '));
    svg.append(line);
    const label = document.createElementNS(SVG, 'text');
    label.setAttribute('x', '2');
    label.setAttribute('y', '10');
    label.setAttribute('font-size', '9');
    label.setAttribute('fill', '#687080');
    label.textContent = 'max ' + (Math.round(max * 100) / 100);
    svg.append(label);
  }
  box.append(svg);
  return box;
}
