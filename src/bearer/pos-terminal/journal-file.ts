/**
 * journal-file.ts - a terminal's batch journal kept in a file between uses, as a terminal keeps
 * it in its memory: `telepay pos` and the web handset's shop counter read it before a message and
 * write it after. Written as a new file put in place, so a crash while writing leaves the old
 * journal, never half of one. Exports readJournal, writeJournal.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { TerminalJournal } from './pos-terminal.js'
import { newJournal } from './pos-terminal.js'

/** The journal in `file`, or a new one when there is none; an error for another's or garbage. */
export function readJournal(file: string, terminalId: string): TerminalJournal {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return newJournal(terminalId)
    throw error
  }
  let journal: TerminalJournal
  try {
    journal = JSON.parse(text) as TerminalJournal
  } catch {
    throw new Error(`${file} is not a terminal journal (not JSON)`)
  }
  if (journal.terminalId !== terminalId || !Array.isArray(journal.entries))
    throw new Error(`${file} is not the journal of terminal ${terminalId}`)
  return journal
}

export function writeJournal(file: string, journal: TerminalJournal): void {
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(`${file}.tmp`, `${JSON.stringify(journal, null, 1)}\n`)
  renameSync(`${file}.tmp`, file)
}
