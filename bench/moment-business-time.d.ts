// moment-business-time ships no types: the part of its API the benchmark uses.
declare module 'moment-business-time' {
  import moment from 'moment';
  module 'moment' {
    interface Moment {
      isWorkingTime(): boolean;
      nextWorkingTime(): Moment;
      nextWorkingDay(): Moment;
      addWorkingTime(amount: number, unit: 'minutes' | 'hours'): Moment;
    }
  }
  export default moment;
}
