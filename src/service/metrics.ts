/**
 * metrics.ts - the gateway's Prometheus metrics on prom-client: counters and latency histograms
 * made on first use, gauges and counters read from elsewhere when scraped, each gateway with a
 * registry of its own (tests run several), and the process's own metrics (memory, CPU, event-loop
 * lag, garbage collection: prom-client's defaults) once per process, since they describe it and
 * not one gateway. Their names are part of the gateway's contract (docs/apis.md).
 */
import type { LabelValues } from 'prom-client'
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'

type Labels = Readonly<Record<string, string>>
type Sample = { readonly labels: Labels; readonly value: number }

/** Latency buckets in seconds: from a cached read to a slow bank call. */
const bucketsSeconds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/** Label combinations one series may hold; a bound so that a bad label cannot grow memory. */
const seriesMax = 1_000

/** The process's metrics, collected once however many gateways the process runs. */
const processRegistry = new Registry()
let processCollected = false

/** Label values fit the text format: quotes, backslashes and newlines become `_`. */
function clean(labels: Labels): LabelValues<string> {
  return Object.fromEntries(
    Object.entries(labels).map(([key, value]) => [key, value.replace(/["\\\n]/g, '_')]),
  )
}

function seriesKey(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort())
}

export class Metrics {
  readonly registry = new Registry()
  private readonly counters = new Map<string, Counter>()
  private readonly histograms = new Map<string, Histogram>()
  private readonly series = new Map<string, Set<string>>()
  private readonly withProcess: boolean
  /** What gauge and counterFrom read before each scrape, by metric name. */
  private readonly collectors = new Map<string, () => void>()

  /** `processMetrics`: also publish the process's own (the gateway does; unit tests need not). */
  constructor(options: { readonly processMetrics?: boolean } = {}) {
    if (options.processMetrics === true && !processCollected) {
      processCollected = true
      collectDefaultMetrics({ register: processRegistry })
    }
    this.withProcess = options.processMetrics === true
  }

  count(name: string, help: string, labels: Labels, by = 1): void {
    if (!this.admits(name, labels)) return
    let counter = this.counters.get(name)
    if (counter === undefined) {
      counter = new Counter({
        name,
        help,
        labelNames: Object.keys(labels),
        registers: [this.registry],
      })
      this.counters.set(name, counter)
    }
    counter.inc(clean(labels), by)
  }

  observe(name: string, help: string, labels: Labels, seconds: number): void {
    if (!this.admits(name, labels)) return
    let histogram = this.histograms.get(name)
    if (histogram === undefined) {
      histogram = new Histogram({
        name,
        help,
        labelNames: Object.keys(labels),
        buckets: bucketsSeconds,
        registers: [this.registry],
      })
      this.histograms.set(name, histogram)
    }
    histogram.observe(clean(labels), seconds)
  }

  /** A value read when scraped (queue depth, open sessions), with the label names it carries. */
  gauge(
    name: string,
    help: string,
    labelNames: readonly string[],
    read: () => readonly Sample[],
  ): void {
    const gauge = new Gauge({ name, help, labelNames: [...labelNames], registers: [] })
    this.readWhenScraped(name, gauge, () => {
      gauge.reset()
      for (const sample of read()) gauge.set(clean(sample.labels), sample.value)
    })
  }

  /** A counter kept elsewhere (the SMPP layer's own counts), read when /metrics is scraped. */
  counterFrom(
    name: string,
    help: string,
    labelNames: readonly string[],
    read: () => readonly Sample[],
  ): void {
    // A counter cannot be set: it is emptied and counted up to what was read.
    const counter = new Counter({ name, help, labelNames: [...labelNames], registers: [] })
    this.readWhenScraped(name, counter, () => {
      counter.reset()
      for (const sample of read()) counter.inc(clean(sample.labels), sample.value)
    })
  }

  /**
   * Registers `metric`, brought up to date by `update` before each scrape. A second registration
   * of a name replaces the first (a channel started again on the same metrics, as test harnesses
   * do).
   */
  private readWhenScraped(name: string, metric: Gauge | Counter, update: () => void): void {
    this.registry.removeSingleMetric(name)
    this.registry.registerMetric(metric)
    this.collectors.set(name, update)
  }

  /** The text format of every series, the process's first when this gateway publishes them. */
  async render(): Promise<string> {
    for (const collect of this.collectors.values()) collect()
    const registries = this.withProcess ? [processRegistry, this.registry] : [this.registry]
    return Registry.merge(registries).metrics()
  }

  /** The content type of render()'s text. */
  get contentType(): string {
    return this.registry.contentType
  }

  /** Whether a new label combination fits under seriesMax (a known one always does). */
  private admits(name: string, labels: Labels): boolean {
    let known = this.series.get(name)
    if (known === undefined) {
      known = new Set()
      this.series.set(name, known)
    }
    const key = seriesKey(labels)
    if (known.has(key)) return true
    if (known.size >= seriesMax) return false
    known.add(key)
    return true
  }
}
