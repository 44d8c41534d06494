/**
 * grafana-dashboard.test.ts - docs/grafana-dashboard.json is a dashboard Grafana imports (title,
 * uid, Prometheus targets, panels that do not overlap) whose every query names a metric the
 * gateway registers, so a renamed series cannot leave an empty panel behind.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

interface Panel {
  readonly title: string
  readonly gridPos: {
    readonly x: number
    readonly y: number
    readonly w: number
    readonly h: number
  }
  readonly targets: readonly { readonly expr: string }[]
}

const dashboard = JSON.parse(readFileSync('docs/grafana-dashboard.json', 'utf8')) as {
  readonly title: string
  readonly uid: string
  readonly panels: readonly Panel[]
}

/** Every TypeScript source of the product, read once. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sources(path)
    return name.endsWith('.ts') ? [readFileSync(path, 'utf8')] : []
  })
}

describe('docs/grafana-dashboard.json', () => {
  it('is a dashboard with panels side by side, none over another', () => {
    expect(dashboard.title).toBe('telepay')
    expect(dashboard.uid).toMatch(/^[a-z-]+$/)
    expect(dashboard.panels.length).toBeGreaterThan(5)
    const cells = new Set<string>()
    for (const panel of dashboard.panels) {
      expect(panel.targets.length, panel.title).toBeGreaterThan(0)
      for (let x = panel.gridPos.x; x < panel.gridPos.x + panel.gridPos.w; x += 1)
        for (let y = panel.gridPos.y; y < panel.gridPos.y + panel.gridPos.h; y += 1) {
          expect(cells.has(`${x},${y}`), `${panel.title} overlaps`).toBe(false)
          cells.add(`${x},${y}`)
        }
    }
  })

  it('queries only metrics the gateway registers', () => {
    const code = [...sources('src'), ...sources('channels')].join('\n')
    const names = dashboard.panels.flatMap((panel) =>
      panel.targets.flatMap((target) => target.expr.match(/telepay_[a-z_]+/g) ?? []),
    )
    expect(names.length).toBeGreaterThan(10)
    for (const name of new Set(names)) {
      const metric = name.replace(/_(bucket|sum|count)$/, '')
      expect(code, `${metric} is registered nowhere`).toContain(`'${metric}'`)
    }
  })
})
