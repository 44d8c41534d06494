/**
 * handset.js - the web handset page's entry: loads the labels, draws the first phone (the number
 * and app the address names, `?msisdn=&app=`), and wires the top bar: Add phone (a second
 * handset beside the first, each with its own number), Record and Export (the conformance
 * script), the drawer's toggle, and the language toggle, which relabels the page in place so
 * no phone loses its state.
 */
import { mountDrawer } from './drawer.js'
import { on } from './lib/bus.js'
import { applyLabels, currentLanguage, loadLabels, setLanguage, t } from './lib/i18n.js'
import { createPhone } from './phone.js'
import {
  isRecording,
  recordedSteps,
  scriptYaml,
  startRecording,
  stopRecording,
} from './recorder.js'

/** Phones on the page at once: two to pay each other, a third to watch; more gets cramped. */
const phonesMax = 3

const query = new URLSearchParams(location.search)
await loadLabels(query.get('lang') ?? document.querySelector('.workspace').dataset.language)

const subscribers = JSON.parse(document.getElementById('subscribers').textContent)
const template = document.getElementById('phone-template')
const phones = document.getElementById('phones')
const addButton = document.getElementById('add-phone')
const recordButton = document.getElementById('record')
const exportButton = document.getElementById('export')
const drawerToggle = document.getElementById('drawer-toggle')
const drawerElement = document.getElementById('drawer')
const count = document.getElementById('record-count')

const drawer = mountDrawer(
  document.getElementById('wire'),
  drawerElement.querySelector('.drawer-empty'),
)
document.getElementById('drawer-clear').addEventListener('click', () => drawer.clear())

function addPhone(msisdn, app) {
  createPhone({
    template,
    container: phones,
    subscribers,
    msisdn,
    app,
    removable: phones.children.length > 0,
  })
  addButton.disabled = phones.children.length >= phonesMax
}

addPhone(query.get('msisdn') ?? subscribers[0]?.msisdn ?? '', query.get('app') ?? 'messages')
addButton.addEventListener('click', () => {
  // The next subscriber not on a phone yet: two phones can pay each other at once.
  const used = new Set([...phones.querySelectorAll('.msisdn-pick')].map((pick) => pick.value))
  const next = subscribers.find((subscriber) => !used.has(subscriber.msisdn))
  addPhone(next?.msisdn ?? '', 'messages')
})
new MutationObserver(() => {
  addButton.disabled = phones.children.length >= phonesMax
}).observe(phones, { childList: true })

recordButton.addEventListener('click', () => {
  if (isRecording()) stopRecording()
  else startRecording()
})
on('recording', ({ recording, steps }) => {
  recordButton.setAttribute('aria-pressed', String(recording))
  recordButton.querySelector('[data-l]').dataset.l = recording ? 'recording' : 'record'
  applyLabels(recordButton)
  exportButton.disabled = steps === 0
  count.textContent = recording || steps > 0 ? `● ${steps} ${t('steps_recorded')}` : ''
})
exportButton.addEventListener('click', () => {
  if (recordedSteps() === 0) return
  const stamp = new Date().toISOString().slice(0, 19).replace('T', ' ')
  const blob = new Blob([scriptYaml(`recorded on the web handset ${stamp}`)], {
    type: 'application/yaml',
  })
  const link = document.createElement('a')
  link.href = URL.createObjectURL(blob)
  link.download = `handset-${stamp.replace(/[ :]/g, '-')}.yaml`
  link.click()
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000)
})

drawerToggle.addEventListener('click', () => {
  const open = drawerElement.hidden
  drawerElement.hidden = !open
  drawerToggle.setAttribute('aria-expanded', String(open))
  drawerToggle.dataset.l = open ? 'drawer_hide' : 'drawer_show'
  applyLabels(drawerToggle.parentElement)
})
// A phone-sized window shows the phone alone; the drawer opens on demand.
if (matchMedia('(max-width: 720px)').matches) drawerToggle.click()

const languageToggle = document.querySelector('[data-lang-toggle]')
languageToggle.addEventListener('click', (event) => {
  event.preventDefault()
  const next = currentLanguage() === 'en' ? 'zh' : 'en'
  setLanguage(next)
  languageToggle.lang = next === 'en' ? 'zh-Hans' : 'en'
  const url = new URL(location.href)
  url.searchParams.set('lang', next)
  history.replaceState(null, '', url)
})
