/**
 * metrics.ts - counters and latency histograms in the Prometheus text format, without a client
 * library: the gateway exposes a handful of series and their names are part of its contract.
 */

type Labels = Readonly<Record<string, string>>

function labelText(labels: Labels): string {
  const pairs = Object.entries(labels).map(
    ([key, value]) => `${key}="${value.replace(/["\\\n]/g, '_')}"`,
  )
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`
}

/** Latency buckets in seconds: from a cached read to a slow bank call. */
const bucketsSeconds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/** Label combinations one series may hold; a bound so that a bad label cannot grow memory. */
const seriesMax = 1_000

export class Metrics {
  private readonly counters = new Map<string, { help: string; values: Map<string, number> }>()
  private readonly histograms = new Map<
    string,
    { help: string; series: Map<string, { buckets: number[]; sum: number; count: number }> }
  >()
  private readonly gauges = new Map<
    string,
    {
      help: string
      read: () => readonly { labels: Labels; value: number }[]
      type: 'gauge' | 'counter'
    }
  >()

  count(name: string, help: string, labels: Labels, by = 1): void {
    let counter = this.counters.get(name)
    if (counter === undefined) {
      counter = { help, values: new Map() }
      this.counters.set(name, counter)
    }
    const key = labelText(labels)
    if (!counter.values.has(key) && counter.values.size >= seriesMax) return
    counter.values.set(key, (counter.values.get(key) ?? 0) + by)
  }

  observe(name: string, help: string, labels: Labels, seconds: number): void {
    let histogram = this.histograms.get(name)
    if (histogram === undefined) {
      histogram = { help, series: new Map() }
      this.histograms.set(name, histogram)
    }
    const key = labelText(labels)
    let series = histogram.series.get(key)
    if (series === undefined) {
      if (histogram.series.size >= seriesMax) return
      series = { buckets: bucketsSeconds.map(() => 0), sum: 0, count: 0 }
      histogram.series.set(key, series)
    }
    bucketsSeconds.forEach((bound, index) => {
      if (seconds <= bound && series !== undefined)
        series.buckets[index] = (series.buckets[index] ?? 0) + 1
    })
    series.sum += seconds
    series.count += 1
  }

  /** A value read when scraped (queue depth, open sessions). */
  gauge(
    name: string,
    help: string,
    read: () => readonly { labels: Labels; value: number }[],
  ): void {
    this.gauges.set(name, { help, read, type: 'gauge' })
  }

  /** A counter kept elsewhere (the SMPP layer's own counts), read when /metrics is scraped. */
  counterFrom(
    name: string,
    help: string,
    read: () => readonly { labels: Labels; value: number }[],
  ): void {
    this.gauges.set(name, { help, read, type: 'counter' })
  }

  render(): string {
    const lines: string[] = []
    for (const [name, counter] of this.counters) {
      lines.push(`# HELP ${name} ${counter.help}`, `# TYPE ${name} counter`)
      for (const [labels, value] of counter.values) lines.push(`${name}${labels} ${value}`)
    }
    for (const [name, histogram] of this.histograms) {
      lines.push(`# HELP ${name} ${histogram.help}`, `# TYPE ${name} histogram`)
      for (const [labels, series] of histogram.series) {
        const inner = labels === '' ? '' : labels.slice(1, -1)
        const withLe = (le: string): string => `{${inner === '' ? '' : `${inner},`}le="${le}"}`
        for (const [index, bound] of bucketsSeconds.entries())
          lines.push(`${name}_bucket${withLe(String(bound))} ${series.buckets[index] ?? 0}`)
        lines.push(
          `${name}_bucket${withLe('+Inf')} ${series.count}`,
          `${name}_sum${labels} ${series.sum}`,
          `${name}_count${labels} ${series.count}`,
        )
      }
    }
    for (const [name, gauge] of this.gauges) {
      lines.push(`# HELP ${name} ${gauge.help}`, `# TYPE ${name} ${gauge.type}`)
      for (const sample of gauge.read())
        lines.push(`${name}${labelText(sample.labels)} ${sample.value}`)
    }
    return `${lines.join('\n')}\n`
  }
}
