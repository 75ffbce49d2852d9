export * from './business-calendar';
export * from './deadlines';
export * from './holidays';
export { addDays, isoWeekday, isWeekend } from './dates';
