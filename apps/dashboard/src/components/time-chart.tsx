import { useEffect, useId, useRef, useState } from 'preact/hooks';
import {
  type ChartData,
  formatTick,
  localOffset,
  niceTicks,
  type Series,
  stackTotals,
  sum,
  timeTicks,
} from '../overview-data.js';
import { formatClock, formatWeekday, zoneAbbrev } from '../format.js';

// A hand-written SVG time chart (lines or stacked bars): no chart library, so the dashboard stays small.
// Screen readers get a one-sentence summary on the SVG (role="img" makes its drawing presentational) and the
// numbers in a visually hidden table.

export interface TimeChartProps {
  data: ChartData;
  mode: 'lines' | 'stack';
  /** Table caption and the chart's name. */
  title: string;
  /** The aria-label: what the chart shows, in a sentence. */
  summary: string;
  /** One colour per series. */
  colors: string[];
  spanMs: number;
  height?: number;
}

const M = { top: 12, right: 14, bottom: 26, left: 46 };

/** The element's width in CSS pixels, kept current: the SVG is drawn at 1:1 so text never stretches. */
function useWidth(fallback: number) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const update = () => setWidth(Math.max(240, Math.round(el.clientWidth)));
    update();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(update);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return { ref, width };
}

const timeOf = (t: number) => formatClock(t);
const dayOf = (t: number) => formatWeekday(t);

function bucketRange(t: number, bucketMs: number, spanMs: number): string {
  const range = `${timeOf(t)}–${timeOf(t + bucketMs)} ${zoneAbbrev(t)}`;
  return spanMs > 86_400_000 ? `${dayOf(t)} ${range}` : range;
}

export function TimeChart({ data, mode, title, summary, colors, spanMs, height = 220 }: TimeChartProps) {
  const { ref, width } = useWidth(640);
  const [hover, setHover] = useState<number | null>(null);
  const hatch = `hatch-${useId()}`;
  const { times, bucketMs, series } = data;
  const n = times.length;

  const plotW = width - M.left - M.right;
  const plotH = height - M.top - M.bottom;
  const start = times[0] ?? 0;
  const end = start + n * bucketMs;
  const totals = stackTotals(series, n);
  const max = mode === 'stack' ? Math.max(0, ...totals) : Math.max(0, ...series.flatMap((s) => s.values));
  const yTicks = niceTicks(max, height < 200 ? 3 : 4);
  const yMax = yTicks.at(-1) ?? 1;
  const x = (t: number) => M.left + ((t - start) / (end - start || 1)) * plotW;
  const y = (v: number) => M.top + plotH - (v / yMax) * plotH;
  const bw = n > 0 ? plotW / n : plotW;
  const xTicks = timeTicks(start, end, Math.max(2, Math.floor(plotW / 90)), localOffset(start));

  const color = (i: number) => colors[i % colors.length] ?? 'currentColor';
  const fillOf = (s: Series, i: number) => (s.error && mode === 'stack' ? `url(#${hatch}-${i})` : color(i));

  const indexAt = (clientX: number, svg: SVGSVGElement) => {
    const left = svg.getBoundingClientRect().left;
    const i = Math.floor((clientX - left - M.left) / bw);
    return i >= 0 && i < n ? i : null;
  };
  const onKey = (e: KeyboardEvent) => {
    const last = n - 1;
    const at = hover ?? last;
    const next =
      e.key === 'ArrowLeft'
        ? Math.max(0, at - 1)
        : e.key === 'ArrowRight'
          ? Math.min(last, at + 1)
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? last
              : undefined;
    if (e.key === 'Escape') setHover(null);
    if (next === undefined || n === 0) return;
    e.preventDefault();
    setHover(next);
  };

  const hoverT = hover === null ? undefined : times[hover];
  // The tooltip sits beside the hovered bucket (on the side with more room), never on top of it.
  const tipX = hover === null ? 0 : M.left + (hover + 0.5) * bw;
  const tipRight = tipX > width / 2;
  const tipStyle = tipRight
    ? { right: `${width - tipX + bw / 2 + 6}px`, top: `${M.top}px` }
    : { left: `${tipX + bw / 2 + 6}px`, top: `${M.top}px` };

  return (
    <div class="chart" ref={ref}>
      <svg
        class="chart-svg"
        role="img"
        aria-label={summary}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: arrow keys move the tooltip from bucket to bucket
        tabIndex={0}
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        onPointerMove={(e) => setHover(indexAt(e.clientX, e.currentTarget))}
        onPointerLeave={() => setHover(null)}
        onKeyDown={onKey}
        onBlur={() => setHover(null)}
      >
        <defs>
          {series.map((s, i) =>
            s.error ? (
              <pattern key={s.key} id={`${hatch}-${i}`} width="6" height="6" patternUnits="userSpaceOnUse">
                <rect width="6" height="6" fill={color(i)} opacity="0.35" />
                <path d="M-1 7 L7 -1 M5 7 L7 5 M-1 1 L1 -1" stroke={color(i)} stroke-width="2" />
              </pattern>
            ) : null,
          )}
        </defs>
        <g class="chart-grid">
          {yTicks.map((v) => (
            <g key={v}>
              <line x1={M.left} x2={M.left + plotW} y1={y(v)} y2={y(v)} />
              <text x={M.left - 6} y={y(v)} dy="0.32em" text-anchor="end">
                {v.toLocaleString()}
              </text>
            </g>
          ))}
          {xTicks.map((t) => (
            <g key={t}>
              <line class="tick" x1={x(t)} x2={x(t)} y1={M.top + plotH} y2={M.top + plotH + 4} />
              <text x={x(t)} y={M.top + plotH + 17} text-anchor="middle">
                {formatTick(t, spanMs)}
              </text>
            </g>
          ))}
        </g>
        {hover !== null && <rect class="chart-hover" x={M.left + hover * bw} y={M.top} width={bw} height={plotH} />}
        {mode === 'stack' ? (
          <Bars data={data} bw={bw} x={x} y={y} fillOf={fillOf} />
        ) : (
          <Lines data={data} bw={bw} x={x} y={y} color={color} hover={hover} />
        )}
      </svg>
      {hover !== null && hoverT !== undefined && (
        <div class="chart-tip" aria-hidden="true" style={tipStyle}>
          <strong>{bucketRange(hoverT, bucketMs, spanMs)}</strong>
          {series.map((s, i) => (
            <span key={s.key} class="chart-tip-row">
              <Swatch color={color(i)} error={s.error} line={mode === 'lines'} /> {s.label}:{' '}
              <b>{(s.values[hover] ?? 0).toLocaleString()}</b>
            </span>
          ))}
          {mode === 'stack' && series.length > 1 && (
            <span class="chart-tip-row">
              Total: <b>{(totals[hover] ?? 0).toLocaleString()}</b>
            </span>
          )}
          {series.length === 0 && <span class="chart-tip-row">None</span>}
        </div>
      )}
      <ul class="chart-legend" aria-hidden="true">
        {series.map((s, i) => (
          <li key={s.key}>
            <Swatch color={color(i)} error={s.error} line={mode === 'lines'} /> {s.label}{' '}
            <span class="muted">{sum(s.values).toLocaleString()}</span>
          </li>
        ))}
      </ul>
      <DataTable data={data} title={title} spanMs={spanMs} totals={mode === 'stack' ? totals : undefined} />
    </div>
  );
}

type Scale = (v: number) => number;

function Bars(props: { data: ChartData; bw: number; x: Scale; y: Scale; fillOf: (s: Series, i: number) => string }) {
  const { data, bw, x, y, fillOf } = props;
  const gap = bw > 6 ? Math.min(4, bw * 0.2) : 0;
  const base = data.times.map(() => 0);
  return (
    <g class="chart-bars">
      {data.series.map((s, si) => (
        <g key={s.key} fill={fillOf(s, si)}>
          {s.values.map((v, i) => {
            const below = base[i] ?? 0;
            base[i] = below + v;
            if (v === 0) return null;
            const top = y(below + v);
            return (
              <rect
                key={data.times[i]}
                x={x(data.times[i] ?? 0) + gap / 2}
                y={top}
                width={Math.max(1, bw - gap)}
                height={Math.max(1, y(below) - top)}
              />
            );
          })}
        </g>
      ))}
    </g>
  );
}

function Lines(props: {
  data: ChartData;
  bw: number;
  x: Scale;
  y: Scale;
  color: (i: number) => string;
  hover: number | null;
}) {
  const { data, bw, x, y, color, hover } = props;
  const cx = (i: number) => x(data.times[i] ?? 0) + bw / 2;
  return (
    <g class="chart-lines">
      {data.series.map((s, si) => (
        <g key={s.key} stroke={color(si)} fill={color(si)}>
          <path
            d={s.values.map((v, i) => `${i === 0 ? 'M' : 'L'}${cx(i).toFixed(1)} ${y(v).toFixed(1)}`).join(' ')}
            fill="none"
            stroke-width="2"
            stroke-dasharray={s.error ? '5 3' : undefined}
            stroke-linejoin="round"
          />
          {/* Dots on non-zero buckets keep a lone spike visible between long runs of zeros. */}
          {s.values.map((v, i) =>
            v > 0 || i === hover ? (
              <circle key={data.times[i]} cx={cx(i)} cy={y(v)} r={i === hover ? 4 : 2.5} stroke="white" />
            ) : null,
          )}
        </g>
      ))}
    </g>
  );
}

/** The legend's key: a short line for line charts (dashed for failures), a square for bars (hatched). */
function Swatch({ color, error, line }: { color: string; error: boolean; line: boolean }) {
  return (
    <span
      class={`swatch${line ? ' swatch-line' : ''}${error ? ' swatch-error' : ''}`}
      style={{ '--swatch': color } as Record<string, string>}
      aria-hidden="true"
    />
  );
}

/** The chart's numbers for screen readers: one row per bucket that has anything in it. */
function DataTable(props: { data: ChartData; title: string; spanMs: number; totals: number[] | undefined }) {
  const { data, title, spanMs, totals } = props;
  const rows = data.times.map((t, i) => ({ t, i })).filter(({ i }) => data.series.some((s) => (s.values[i] ?? 0) > 0));
  return (
    // The wrapper hides it: a table grows to fit its cells whatever width it is given.
    <div class="visually-hidden">
      <table data-testid="chart-table">
        <caption>{`${title} (buckets with none are left out)`}</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            {data.series.map((s) => (
              <th key={s.key} scope="col">
                {s.label}
              </th>
            ))}
            {totals && <th scope="col">Total</th>}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={data.series.length + 2}>None in this period</td>
            </tr>
          )}
          {rows.map(({ t, i }) => (
            <tr key={t}>
              <th scope="row">{bucketRange(t, data.bucketMs, spanMs)}</th>
              {data.series.map((s) => (
                <td key={s.key}>{s.values[i] ?? 0}</td>
              ))}
              {totals && <td>{totals[i] ?? 0}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
