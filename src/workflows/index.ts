export { ticketWorkflow } from './ticket';
export { sessionWorkflow } from './session';
export { billingMonthWorkflow, billingScheduleWorkflow } from './billing-month';
