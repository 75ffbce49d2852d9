export * from './business-calendar';
export * from './deadlines';
export * from './holidays';
export * from './policy-calendars';
export { addDays, isoWeekday, isWeekend } from './dates';
