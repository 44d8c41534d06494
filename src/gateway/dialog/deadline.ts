/**
 * deadline.ts - the one answer-deadline helper of the dialog channels: the work's answer, or
 * null when it did not come in time. The work is not cancelled (a payment command cannot be
 * taken back halfway): the caller decides what the late answer becomes. Real time, not the
 * gateway's Clock: a deadline is about the user waiting at the phone. Exports withinDeadline.
 */

/** The answer of `running`, or null when it did not come within `deadlineMs`. */
export function withinDeadline<T>(running: Promise<T>, deadlineMs: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), deadlineMs)
  })
  return Promise.race([running, deadline]).finally(() => clearTimeout(timer))
}
