/**
 * chart.js - a small line chart drawn as SVG: a few series over the same seconds, a y axis
 * from zero to a round maximum, a legend. Drawn again from scratch on each update (120 points
 * a series, once a second: cheaper than keeping nodes in step). No library: the console loads
 * nothing from outside the gateway, and this is all it needs.
 */
const svgNs = 'http://www.w3.org/2000/svg'

/** Colours that keep 3:1 contrast on white, told apart without colour by the legend's order. */
export const palette = ['#0d6e66', '#2563eb', '#b45309', '#7c3aed', '#be123c', '#4d7c0f', '#475569']

function svg(tag, attributes = {}) {
  const element = document.createElementNS(svgNs, tag)
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value))
  return element
}

/** 1, 2 or 5 times a power of ten, at least `value`: axis maxima a person reads at a glance. */
export function niceMax(value) {
  if (!(value > 0)) return 1
  const power = 10 ** Math.floor(Math.log10(value))
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power
  return 10 * power
}

/**
 * Draws `series` ([{ name, values: (number|null)[] }]) into `container`, with `label` as the
 * chart's accessible name and `unit` after the axis maximum.
 */
export function drawChart(container, series, { label, unit = '' }) {
  const width = Math.max(container.clientWidth, 200)
  const height = Math.max(container.clientHeight, 120)
  const pad = { left: 44, right: 8, top: 8, bottom: 20 }
  const points = Math.max(...series.map((line) => line.values.length), 2)
  const max = niceMax(
    Math.max(0, ...series.flatMap((line) => line.values.filter((v) => v !== null))),
  )
  const x = (index) => pad.left + (index / (points - 1)) * (width - pad.left - pad.right)
  const y = (value) => pad.top + (1 - value / max) * (height - pad.top - pad.bottom)
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label })
  for (const fraction of [0, 0.5, 1]) {
    const value = max * fraction
    root.append(
      svg('line', {
        class: 'axis',
        x1: pad.left,
        x2: width - pad.right,
        y1: y(value),
        y2: y(value),
      }),
    )
    const tick = svg('text', {
      class: 'tick',
      x: pad.left - 6,
      y: y(value) + 4,
      'text-anchor': 'end',
    })
    tick.textContent = `${Number.isInteger(value) ? value : value.toFixed(1)}${fraction === 1 ? unit : ''}`
    root.append(tick)
  }
  const ago = svg('text', { class: 'tick', x: pad.left, y: height - 4 })
  ago.textContent = `${points - 1} s ago`
  const now = svg('text', {
    class: 'tick',
    x: width - pad.right,
    y: height - 4,
    'text-anchor': 'end',
  })
  now.textContent = 'now'
  root.append(ago, now)
  series.forEach((line, index) => {
    let path = ''
    let drawing = false
    line.values.forEach((value, at) => {
      if (value === null) {
        drawing = false
        return
      }
      path += `${drawing ? 'L' : 'M'}${x(at).toFixed(1)},${y(value).toFixed(1)}`
      drawing = true
    })
    if (path !== '')
      root.append(
        svg('path', { class: 'series', d: path, stroke: palette[index % palette.length] }),
      )
  })
  container.replaceChildren(root)
}

/** The legend of a chart's series, in their colours. */
export function legendOf(names) {
  const list = document.createElement('ul')
  list.className = 'legend'
  names.forEach((name, index) => {
    const item = document.createElement('li')
    const swatch = document.createElement('span')
    swatch.className = 'swatch'
    swatch.style.background = palette[index % palette.length]
    item.append(swatch, name)
    list.append(item)
  })
  return list
}
