// moment-business-time ships no types: the part of its API the benchmark and the calendar's
// property tests (test/unit/calendar.property.test.ts) use.
declare module 'moment-business-time' {
  import moment from 'moment';
  module 'moment' {
    interface Moment {
      isWorkingTime(): boolean;
      isWorkingDay(): boolean;
      nextWorkingTime(): Moment;
      nextWorkingDay(): Moment;
      addWorkingTime(amount: number, unit: 'minutes' | 'hours'): Moment;
      workingDiff(other: Moment, unit: 'milliseconds'): number;
    }
  }
  export default moment;
}
