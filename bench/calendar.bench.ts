/**
 * Calendar benchmark (C5–C8, I2–I6, I13): L1, L2 and L3 deadlines for 100,000 random openings over
 * 2026–2027, ours against moment-business-time on the same inputs in the same run, and ours again
 * for a Canada-only ticket (coverage restricted to the roster's Canada-based duty) beside it.
 *
 * The peer is set up with the same weekly hours (Monday 05:00 → Friday 16:00, Toronto) and the
 * Canadian holidays as whole days off: its model has no partial-day windows, so it cannot express
 * the UK and Australian windows or Canada's 09:00–17:00 window. The agreement line says how often
 * both give the same instant, and how many of the others have a holiday window in play; the few
 * left are the peer dropping seconds when its working time crosses midnight.
 */
import { BusinessCalendar, responseDeadline } from '../src/calendar';
import { loadPolicy, LEVELS, type Level } from '../src/policy';
import { loadRoster } from '../src/roster/load';
import { eligibleCoverage } from '../src/rules/residency';
import { canadaDuty } from '../src/rules/roster';
import { momentPeer } from '../test/helpers/moment-peer';
import { formatRate, measure, seededRandom, type BenchResult } from './util';

const OPENINGS = 100_000;
const DAY_MS = 86_400_000;

export async function calendarBench(): Promise<BenchResult[]> {
  const { policy } = loadPolicy({});
  const random = seededRandom(20261128);
  const from = Date.UTC(2026, 0, 1);
  const to = Date.UTC(2028, 0, 1);
  const openings = Float64Array.from({ length: OPENINGS }, () => Math.floor(from + random() * (to - from)));

  const buildStart = performance.now();
  const calendar = new BusinessCalendar(policy, { from: 2026, to: 2027 });
  calendar.isCovered(from);
  const buildMs = performance.now() - buildStart;

  const caHolidays = [2026, 2027].flatMap((y) =>
    calendar
      .holidaysOfYear(y)
      .filter((h) => h.country === 'CA')
      .map((h) => h.date),
  );
  const moment = await momentPeer(caHolidays);

  const ours = (level: Level, opened: number) => responseDeadline(calendar, policy.levels[level], opened).due;
  // I13: a Canada-only ticket's clock on coverage restricted to the built-in roster's
  // Canada-based duty of its level, as the ticket activities build it (one calendar per duty).
  const roster = loadRoster(undefined);
  const eligible = Object.fromEntries(
    LEVELS.map((level) => [
      level,
      new BusinessCalendar(policy, { from: 2026, to: 2027 }, canadaDuty(roster, level)),
    ]),
  ) as Record<Level, BusinessCalendar>;
  const restricted = (level: Level, opened: number) => {
    const coverage = eligibleCoverage(calendar, eligible[level], { level, opened, lookaheadDays: 14 });
    return responseDeadline(coverage.calendar, policy.levels[level], opened).due;
  };
  const peer = (level: Level, opened: number): number => {
    const start = moment(opened);
    if (level === 'L1') return start.addWorkingTime(15, 'minutes').valueOf();
    let due = start.isWorkingTime() ? start : start.nextWorkingTime();
    for (let n = level === 'L2' ? 1 : 2; n > 0; n--) due = due.nextWorkingDay();
    return (due.isWorkingTime() ? due : due.nextWorkingTime()).valueOf();
  };

  const run = (fn: (level: Level, opened: number) => number, count: number) => () => {
    let sink = 0;
    for (let i = 0; i < count; i++) for (const level of LEVELS) sink += fn(level, openings[i]!);
    return sink;
  };

  // The peer is ~1000× slower: it runs on a tenth of the openings, and rates are per deadline.
  const peerCount = OPENINGS / 10;
  const oursResult = measure(
    `calendar: ours, ${OPENINGS * 3} deadlines`,
    OPENINGS * 3,
    run(ours, OPENINGS),
    5,
  );
  const restrictedResult = measure(
    `calendar: ours, Canada-only (I13), ${OPENINGS * 3} deadlines`,
    OPENINGS * 3,
    run(restricted, OPENINGS),
    5,
  );
  const peerResult = measure(
    `calendar: moment-business-time, ${peerCount * 3} deadlines`,
    peerCount * 3,
    run(peer, peerCount),
    2,
  );

  // Where the two disagree, check that a holiday window lies between the day of the opening and
  // the later answer: the part of the contract the peer cannot model (a Canadian holiday evening
  // is covered for us, a whole day off for the peer).
  let agree = 0;
  let explained = 0;
  for (let i = 0; i < peerCount; i++) {
    for (const level of LEVELS) {
      const [a, b] = [ours(level, openings[i]!), peer(level, openings[i]!)];
      if (a === b) agree++;
      else if (calendar.holidayWindows(openings[i]! - DAY_MS, Math.max(a, b)).length > 0) explained++;
    }
  }
  const disagree = peerCount * 3 - agree;

  const ratio = oursResult.opsPerSecond / peerResult.opsPerSecond;
  console.log(`calendar: span 2026–2027 precomputed in ${buildMs.toFixed(1)} ms`);
  console.log(`calendar: ours ${formatRate(oursResult.opsPerSecond)} deadlines/s (target ≥ 1,000,000)`);
  console.log(
    `calendar: ours, Canada-only ticket ${formatRate(restrictedResult.opsPerSecond)} deadlines/s beside the plain one (target ≥ 1,000,000)`,
  );
  console.log(`calendar: moment-business-time ${formatRate(peerResult.opsPerSecond)} deadlines/s`);
  console.log(`calendar: ratio ${ratio.toFixed(0)}× (target ≥ 50×)`);
  console.log(
    `calendar: same instant as the peer for ${((100 * agree) / (peerCount * 3)).toFixed(1)} % of deadlines; ` +
      `${explained} of the ${disagree} others have a holiday window from the opening's day to the deadline`,
  );
  return [
    { ...oursResult, target: '≥ 1,000,000/s', met: oursResult.opsPerSecond >= 1_000_000 },
    { ...restrictedResult, target: '≥ 1,000,000/s', met: restrictedResult.opsPerSecond >= 1_000_000 },
    peerResult,
    {
      name: 'calendar: ours ÷ moment-business-time',
      opsPerSecond: ratio,
      unit: '×',
      target: '≥ 50×',
      met: ratio >= 50,
    },
  ];
}
