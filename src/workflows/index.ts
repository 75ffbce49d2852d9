export { ticketWorkflow } from './ticket';
export { sessionWorkflow } from './session';
export { maintenanceWorkflow } from './maintenance';
export { outageWorkflow } from './outage';
export { billingMonthWorkflow, billingScheduleWorkflow } from './billing-month';
